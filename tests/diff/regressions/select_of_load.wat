;; A load whose value feeds only a select the compiled tier skipped: the x86 backend folded it
;; into an AVX-512 masked move, which does not fault when the select picks the other operand
;; (wasm_tier_diff seed 1666). The interpreter traps "out of bounds memory access".
(module
  (memory 1 1)
  (global $c (mut i32) (i32.const 55))
  (global $out (mut f32) (f32.const 0))
  (func (export "select_f64") (local f32)
    global.get $c
    f64.convert_i32_u
    i32.const 65520
    f64.load offset=17
    global.get $c
    select (result f64)
    f32.demote_f64
    local.tee 0
    f32.const nan
    local.get 0
    local.get 0
    f32.eq
    select
    global.set $out)
  (func (export "select_i32") (result i32)
    (select (i32.const 1) (i32.load (i32.const 65535)) (global.get $c))))
