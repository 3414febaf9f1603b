;; A global.set in a loop whose next store faults: the compiled tier sank the global's store out
;; of the loop, past the trap, so the global kept its old value (wasm_tier_diff seed 874).
(module
  (memory 1 3)
  (global $g (mut i32) (i32.const 5))
  (func (export "loop_then_fault") (result i32)
    (local i32)
    (local.set 0 (i32.const 10))
    (loop
      (global.set $g (i32.const 0x7ffffffe))
      (i32.store8 offset=24 (i32.const 0x7fffffff) (i32.const 1))
      (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (i32.const 0))
)
