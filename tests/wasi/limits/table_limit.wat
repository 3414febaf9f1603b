;; --max-table N: table.grow past N elements returns -1 (exit 3 then); without the flag the grow
;; succeeds and the table has 110 elements (exit 0). An initial size above N fails instantiation.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (table $t 10 funcref)
  (func (export "_start")
    (if (i32.eq (table.grow $t (ref.null func) (i32.const 100)) (i32.const -1))
      (then (call $exit (i32.const 3))))
    (call $exit (i32.ne (table.size $t) (i32.const 110)))))
