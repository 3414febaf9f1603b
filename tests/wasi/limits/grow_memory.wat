;; memory.grow in a loop until it fails (-1): with --max-memory 1 MiB the memory must stop at
;; 16 pages; exits 0 if it did, 1 if it grew past the limit.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1)
  (func (export "_start")
    (loop $l
      (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (call $exit (i32.gt_u (memory.size) (i32.const 16)))))
