;; proc_exit(7) in the start function: the run's exit status is 7, with nothing on stderr.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func $init (call $exit (i32.const 7)))
  (start $init)
  (func (export "_start") unreachable))
