;; Sets O_NONBLOCK on stdin and O_APPEND on stdout (fd_fdstat_set_flags; exit 99 if refused),
;; then ends in one of the ways a run can end: --invoke ret | trap | exit | spin | block.
(module
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $setfl (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (func $set
    (if (call $setfl (i32.const 0) (i32.const 4)) (then (call $exit (i32.const 99))))   ;; NONBLOCK
    (if (call $setfl (i32.const 1) (i32.const 1)) (then (call $exit (i32.const 99)))))  ;; APPEND
  (func (export "ret") (call $set))
  (func (export "trap") (call $set) unreachable)
  (func (export "exit") (call $set) (call $exit (i32.const 3)))
  (func (export "spin") (call $set) (loop $l (br $l)))
  (func (export "block")  ;; blocked in a host call past --timeout: the watchdog's _exit path
    (call $set)
    (i64.store (i32.const 0) (i64.const 1))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 5000000000))
    (drop (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))))
  (func (export "_start") (call $set)))
