;; proc_exit(256): only 8 bits reach the parent, so 256 would read as success; it must exit 255.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (call $exit (i32.const 256))))
