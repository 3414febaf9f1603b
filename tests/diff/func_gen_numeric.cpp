// Generated numeric expressions: every i32/i64/f32/f64 operator of Wasm 2.0 (MVP numerics,
// sign extension, saturating truncation), memory.size/grow, table.size/grow and ref.is_null.
#include "diff/func_gen.hpp"
#include "diff/wasm_bytes.hpp"

namespace isobox::diff {

using wasm::ValType;

/// add..rotr; divisors are usually forced odd so that not every other call traps.
void FuncGen::int_binop(ValType t, int d) {
  const bool is32 = t == ValType::I32;
  const auto code = static_cast<uint8_t>((is32 ? 0x6a : 0x7c) + pick(0, 14));
  const uint8_t div_first = is32 ? 0x6d : 0x7f;
  value(t, d, false), value(t, d, false);
  if (code >= div_first && code < div_first + 4 && pick(0, 7) != 0)
    is32 ? i32c(1) : (op(0x42), s(1)), op(is32 ? 0x72 : 0x84); // or 1
  op(code);
}

bool FuncGen::expr_i32(int d) {
  switch (pick(0, 15)) {
  case 0:
  case 1: int_binop(ValType::I32, d); break;
  case 2: value(ValType::I32, d, false), op(static_cast<uint8_t>(0x67 + pick(0, 2))); break;
  case 3: value(ValType::I32, d, false), op(pick(0, 1) ? 0x45 : 0xc0 + pick(0, 1)); break;
  case 4: value(ValType::I64, d, false), op(pick(0, 1) ? 0x50 : 0xa7); break; // eqz, wrap
  case 5:
    value(ValType::I32, d, false), value(ValType::I32, d, false), op(0x46 + pick(0, 9));
    break;
  case 6:
    value(ValType::I64, d, false), value(ValType::I64, d, false), op(0x51 + pick(0, 9));
    break;
  case 7: {
    const bool f32 = pick(0, 1);
    const ValType t = f32 ? ValType::F32 : ValType::F64;
    value(t, d, false), value(t, d, false), op((f32 ? 0x5b : 0x61) + pick(0, 5));
    break;
  }
  case 8: // trunc_f32_s/u, trunc_f64_s/u (trapping: rarer than the saturating ones)
    if (pick(0, 1)) {
      const int k = pick(0, 3);
      value(k < 2 ? ValType::F32 : ValType::F64, d, false), op(static_cast<uint8_t>(0xa8 + k));
      break;
    }
    [[fallthrough]];
  case 9:
  case 10: { // trunc_sat
    const uint32_t sub = static_cast<uint32_t>(pick(0, 3));
    value(sub < 2 ? ValType::F32 : ValType::F64, d, false), op_fc(sub);
    break;
  }
  case 11: value(ValType::F32, d, true), op(0xbc); break; // reinterpret: bits must be exact
  case 12:
    if (pick(0, 1)) // memory.grow by 0..3 pages (max 3: fails with -1 past it)
      value(ValType::I32, d, false), i32c(3), op(0x71), op(0x40), op(0x00);
    else
      op(0x3f), op(0x00);
    break;
  case 13:
    if (m_shape.table_min) {
      pick(0, 1) ? (ref_expr(d), op(0xd1)) : (op_fc(16), u(table())); // ref.is_null, table.size
      break;
    }
    [[fallthrough]];
  case 14:
    if (m_shape.table_min) { // table.grow by 0..3 (max table_max)
      ref_expr(d), value(ValType::I32, d, false), i32c(3), op(0x71), op_fc(15), u(table());
      break;
    }
    [[fallthrough]];
  default: value(ValType::I32, d, false), op(0x67 + pick(0, 2)); break;
  }
  return true;
}

bool FuncGen::expr_i64(int d) {
  switch (pick(0, 8)) {
  case 0:
  case 1: int_binop(ValType::I64, d); break;
  case 2: value(ValType::I64, d, false), op(static_cast<uint8_t>(0x79 + pick(0, 2))); break;
  case 3: value(ValType::I32, d, false), op(0xac + pick(0, 1)); break; // extend_i32_s/u
  case 4: value(ValType::I64, d, false), op(0xc2 + pick(0, 2)); break; // extend8/16/32_s
  case 5: { // trunc_f32_s/u, trunc_f64_s/u
    const int k = pick(0, 3);
    if (pick(0, 1)) {
      value(k < 2 ? ValType::F32 : ValType::F64, d, false), op_fc(static_cast<uint32_t>(4 + k));
      break;
    }
    value(k < 2 ? ValType::F32 : ValType::F64, d, false), op(static_cast<uint8_t>(0xae + k));
    break;
  }
  case 6: {
    const uint32_t sub = static_cast<uint32_t>(pick(4, 7));
    value(sub < 6 ? ValType::F32 : ValType::F64, d, false), op_fc(sub);
    break;
  }
  case 7: value(ValType::F64, d, true), op(0xbd); break;             // reinterpret
  default: value(ValType::I64, d, false), op(0x50), op(0xad); break; // eqz, extend_u
  }
  return true;
}

/// f32 (0x8b..0x98) and f64 (0x99..0xa6) share one layout: abs neg ceil floor trunc nearest sqrt
/// add sub mul div min max copysign. abs, neg and copysign only move the sign bit, so their
/// result is exact when their operand (copysign: its first) is; every other operator may produce
/// an open NaN.
bool FuncGen::expr_float(ValType t, int d) {
  const bool f32 = t == ValType::F32;
  const uint8_t base = f32 ? 0x8b : 0x99;
  switch (pick(0, 6)) {
  case 0:
  case 1: {
    const int k = pick(0, 6);
    const bool exact = expr(t, d);
    op(static_cast<uint8_t>(base + k));
    return exact && k < 2;
  }
  case 2:
  case 3: {
    // copysign gives a number the sign of its second operand: when that is an open NaN, the
    // result's sign is open although it is no NaN, so that operand is canonicalised first.
    const int k = pick(7, 13);
    const bool a = expr(t, d);
    k == 13 ? value(t, d, true) : (void)expr(t, d);
    op(static_cast<uint8_t>(base + k));
    return a && k == 13;
  }
  case 4: { // convert from i32/i64, signed or unsigned: never a NaN
    const int k = pick(0, 3);
    value(k < 2 ? ValType::I32 : ValType::I64, d, false);
    op(static_cast<uint8_t>((f32 ? 0xb2 : 0xb7) + k));
    return true;
  }
  case 5: // demote / promote
    expr(f32 ? ValType::F64 : ValType::F32, d), op(f32 ? 0xb6 : 0xbb);
    return false;
  default: // reinterpret an integer
    value(f32 ? ValType::I32 : ValType::I64, d, false), op(f32 ? 0xbe : 0xbf);
    return true;
  }
}

} // namespace isobox::diff
