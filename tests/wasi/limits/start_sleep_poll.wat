;; The start function (not _start) sleeps ~1.5 s in poll_oneoff, so a test can check that it
;; already runs confined (Seccomp: 2 in /proc/PID/status).
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (func $sleep
    (i64.store (i32.const 0) (i64.const 1))            ;; userdata
    (i32.store8 (i32.const 8) (i32.const 0))           ;; tag: clock
    (i32.store (i32.const 16) (i32.const 1))           ;; clock id: monotonic
    (i64.store (i32.const 24) (i64.const 1500000000))  ;; timeout ns
    (drop (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))))
  (start $sleep)
  (func (export "_start")))
