;; A store the compiled tier deleted because a later store overwrote it: the faulting load between
;; the two makes the first one observable (wasm_tier_diff seed 192).
(module
  (memory 1 1)
  (func (export "overwritten_store") (result i64)
    (i64.store offset=8 (i32.const 0) (i64.const 64))
    (i64.store offset=8 (i32.const 0) (i64.load (i32.const 65535)))
    (i64.const 1))
)
