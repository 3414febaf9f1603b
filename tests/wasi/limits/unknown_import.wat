;; Imports a function WASI does not have: unlinkable, a one-line error, exit status 1.
(module
  (import "wasi_snapshot_preview1" "no_such_function" (func))
  (func (export "_start")))
