;; A huge table.grow must fail with -1 (table limit), not allocate; exits 0 when it failed.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (table $t 0 funcref)
  (func (export "_start")
    (call $exit (i32.ne (table.grow $t (ref.null func) (i32.const 0x7fffffff)) (i32.const -1)))))
