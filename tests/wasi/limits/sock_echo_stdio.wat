;; inetd-style: stdin and stdout are a connected socket. Receives up to 16 bytes with sock_recv on
;; fd 0 and sends them back with sock_send on fd 1. Exit 100 + errno if sock_recv fails, 150 +
;; errno if sock_send fails (EPERM, errno 63, when the engine's filter refuses recvmsg/sendmsg).
(module
  (import "wasi_snapshot_preview1" "sock_recv"
    (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1)
  (func (export "_start") (local $err i32)
    (i32.store (i32.const 0) (i32.const 64))  ;; iovec: buf
    (i32.store (i32.const 4) (i32.const 16))  ;; iovec: len
    (local.set $err (call $recv (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
                                (i32.const 32) (i32.const 36)))
    (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
    (i32.store (i32.const 4) (i32.load (i32.const 32)))  ;; send what was received
    (local.set $err (call $send (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0)
                                (i32.const 40)))
    (if (local.get $err) (then (call $exit (i32.add (i32.const 150) (local.get $err)))))))
