;; Loads the compiled tier used to drop: their value was unused or folded away, so the
;; out-of-bounds access (and its trap) vanished (wasm_tier_diff seeds 25, 27, 85).
(module
  (memory 1 1)
  (global $g (mut i32) (i32.const 0))
  ;; 0 <=u x is true whatever x is: LLVM folded the compare and deleted the load.
  (func (export "folded_load") (result i32)
    i32.const 0
    i32.const 0x7fffffff
    i32.load8_s
    i32.le_u)
  ;; The loaded value goes to a local that is never read again.
  (func (export "unused_load") (result i32)
    (local i64)
    (local.set 0 (i64.load offset=8 (i32.const 65530)))
    (i32.const 7))
  ;; A store before the faulting load must have happened when the trap is seen.
  (func (export "store_then_load") (result i32)
    (i32.store (i32.const 16) (i32.const 0x11223344))
    (global.set $g (i32.const 5))
    (i32.mul (i32.const 0) (i32.load (i32.const 0xfffffff0))))
)
