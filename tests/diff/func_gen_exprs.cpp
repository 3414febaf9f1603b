// Generated expressions: constants with float edge cases, locals, globals, select, if/block/
// br_table values, calls (direct and indirect), loads of every width, every numeric operator.
#include <bit>
#include <limits>

#include "diff/func_gen.hpp"
#include "diff/wasm_bytes.hpp"

namespace isobox::diff {

using wasm::ValType;

namespace {

/// Integers near the edges of the operators (shift counts, INT_MIN / -1, conversions).
constexpr int64_t kInts[] = {0,  1,   -1,        2,          7,          31,         32,
                             63, 64,  0xffff,    0x7fffffff, INT32_MIN,  0x12345678, 3,
                             -7, 100, INT64_MIN, INT64_MAX,  0x80000000, 0xffffffff, 65536};

/// Floats at the edges of rounding and of the int conversions, plus NaNs with payloads.
constexpr double kFloats[] = {0.0,
                              -0.0,
                              1.0,
                              -1.0,
                              0.5,
                              -0.5,
                              1.5,
                              2.5,
                              -2.5,
                              0.49999999999999994,
                              2147483647.0,
                              2147483648.0,
                              -2147483648.0,
                              -2147483649.0,
                              4294967295.0,
                              4294967296.0,
                              9.2233720368547758e18,
                              -9.2233720368547758e18,
                              1.8446744073709552e19,
                              1e-310,
                              3.4028234663852886e38,
                              1.7976931348623157e308,
                              16777217.0,
                              -4294967295.9};
constexpr uint32_t kF32Bits[] = {0x7fc00000, 0xffc00000, 0x7fa00001, 0x7f800000, 0xff800000,
                                 0x00000001, 0x4effffff, 0x5effffff, 0x7fc00123};
constexpr uint64_t kF64Bits[] = {0x7ff8000000000000, 0xfff8000000000000, 0x7ff4000000000001,
                                 0x7ff0000000000000, 0xfff0000000000000, 0x0000000000000001,
                                 0x41dfffffffffffff, 0x43dfffffffffffff, 0x7ff8000000000abc};

/// Loads: opcode, result type, natural alignment (log2).
struct MemOp {
  uint8_t code;
  ValType type;
  uint32_t align;
};
constexpr MemOp kLoads[] = {
    {0x28, ValType::I32, 2}, {0x29, ValType::I64, 3}, {0x2a, ValType::F32, 2},
    {0x2b, ValType::F64, 3}, {0x2c, ValType::I32, 0}, {0x2d, ValType::I32, 0},
    {0x2e, ValType::I32, 1}, {0x2f, ValType::I32, 1}, {0x30, ValType::I64, 0},
    {0x31, ValType::I64, 0}, {0x32, ValType::I64, 1}, {0x33, ValType::I64, 1},
    {0x34, ValType::I64, 2}, {0x35, ValType::I64, 2}};
constexpr MemOp kStores[] = {
    {0x36, ValType::I32, 2}, {0x37, ValType::I64, 3}, {0x38, ValType::F32, 2},
    {0x39, ValType::F64, 3}, {0x3a, ValType::I32, 0}, {0x3b, ValType::I32, 1},
    {0x3c, ValType::I64, 0}, {0x3d, ValType::I64, 1}, {0x3e, ValType::I64, 2}};

} // namespace

void FuncGen::const_of(ValType t) {
  const int k = pick(0, 3);
  const int64_t i = k == 0 ? static_cast<int64_t>(m_rng()) : kInts[pick(0, std::size(kInts) - 1)];
  if (t == ValType::I32)
    return i32c(i);
  if (t == ValType::I64)
    return op(0x42), s(i);
  double d = k == 0 ? static_cast<double>(i) / 7.0 : kFloats[pick(0, std::size(kFloats) - 1)];
  if (t == ValType::F32) {
    op(0x43);
    const uint32_t bits = k == 1 ? kF32Bits[pick(0, std::size(kF32Bits) - 1)]
                                 : std::bit_cast<uint32_t>(static_cast<float>(d));
    return fixed(m_code, bits, 4);
  }
  op(0x44);
  fixed(m_code, k == 1 ? kF64Bits[pick(0, std::size(kF64Bits) - 1)] : std::bit_cast<uint64_t>(d),
        8);
}

bool FuncGen::leaf(ValType t) {
  switch (pick(0, 3)) {
  case 0: {
    const uint32_t l = local_of(t, false, true);
    op(0x20), u(l);
    return m_locals[l].exact;
  }
  case 1:
    for (uint32_t g = 0; g < m_shape.globals.size(); ++g)
      if (m_shape.globals[g] == t && pick(0, 1))
        return op(0x23), u(g), true;
    [[fallthrough]];
  default: const_of(t); return true;
  }
}

bool FuncGen::expr(ValType t, int d) {
  if (d <= 0 || pick(0, 5) == 0)
    return leaf(t);
  if (pick(0, 3) == 0)
    return common(t, d - 1);
  if (t == ValType::I32)
    return expr_i32(d - 1);
  if (t == ValType::I64)
    return expr_i64(d - 1);
  return expr_float(t, d - 1);
}

/// What every type has: local.tee, select, control with a result, calls, loads.
bool FuncGen::common(ValType t, int d) {
  switch (pick(0, 6)) {
  case 0: {
    const bool exact = expr(t, d);
    const uint32_t l = local_of(t, true, exact);
    op(0x22), u(l);
    return m_locals[l].exact;
  }
  case 1: {
    const bool a = expr(t, d), b = expr(t, d);
    value(ValType::I32, d, false);
    pick(0, 1) ? op(0x1b) : (op(0x1c), op(0x01), op(static_cast<uint8_t>(t)));
    return a && b;
  }
  case 2: return control_expr(t, d);
  case 3: return call(t, d);
  case 4: return is_export() && m_shape.table_min ? call_indirect(t, d) : load(t, d);
  default: return load(t, d);
  }
}

/// if/else, block with br_if, or a br_table choosing between two blocks with a result.
bool FuncGen::control_expr(ValType t, int d) {
  const auto bt = static_cast<uint8_t>(t);
  bool exact = true;
  if (t == ValType::I32 && pick(0, 2) == 0)
    return param_block(d), true;
  switch (pick(0, 2)) {
  case 0:
    value(ValType::I32, d, false), op(0x04), op(bt), exact = expr(t, d), op(0x05);
    exact &= expr(t, d), op(0x0b);
    return exact;
  case 1:
    op(0x02), op(bt), exact = expr(t, d), value(ValType::I32, d, false), op(0x0d), u(0);
    op(0x1a), exact &= expr(t, d), op(0x0b);
    return exact;
  default:
    op(0x02), op(bt), op(0x02), op(bt), exact = expr(t, d), value(ValType::I32, d, false);
    op(0x0e), u(2), u(static_cast<uint64_t>(pick(0, 1))), u(1), u(0), op(0x0b);
    if (t == ValType::I32 || t == ValType::I64) // the inner exit adds one
      t == ValType::I32 ? i32c(1) : (op(0x42), s(1)), op(t == ValType::I32 ? 0x6a : 0x7c);
    else
      op(t == ValType::F32 ? 0x8c : 0x9a); // neg keeps the bits exact
    op(0x0b);
    return exact;
  }
}

/// Blocks with parameters (multi-value): a loop counting down its parameter, statements in its
/// body (result 0), or a block combining its two parameters, maybe leaving early with br_if.
void FuncGen::param_block(int d) {
  if (pick(0, 1) && m_loop_depth < m_max_loops) {
    ++m_loop_depth;
    i32c(pick(1, static_cast<int>(m_max_count))), op(0x03), u(m_shape.loop_type);
    statement(d - 1);
    const uint32_t l = local_of(ValType::I32, true, true);
    i32c(1), op(0x6b), op(0x22), u(l), op(0x20), u(l), op(0x0d), u(0), op(0x0b);
    --m_loop_depth;
    return;
  }
  static constexpr uint8_t kOps[] = {0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73}; // add sub mul and or xor
  value(ValType::I32, d, false), value(ValType::I32, d, false);
  op(0x02), u(m_shape.pair_type), op(kOps[pick(0, std::size(kOps) - 1)]);
  if (pick(0, 1))
    value(ValType::I32, d, false), op(0x0d), u(0), i32c(1), op(0x6a);
  op(0x0b);
}

/// A direct call of a helper returning `t` (helpers: lower-indexed ones only).
bool FuncGen::call(ValType t, int d) {
  std::vector<uint32_t> fit;
  const uint32_t limit = is_export() ? m_shape.helpers : m_func;
  for (uint32_t f = 0; f < limit; ++f)
    if (m_shape.types[m_shape.func_types[f]].results == std::vector{t})
      fit.push_back(f);
  if (fit.empty())
    return load(t, d);
  const uint32_t f = fit[static_cast<size_t>(pick(0, static_cast<int>(fit.size()) - 1))];
  for (ValType p : m_shape.types[m_shape.func_types[f]].params)
    value(p, d, false);
  op(0x10), u(f);
  return true; // results are canonical (body())
}

/// call_indirect of any type returning `t` (one the slot may not have: a type mismatch),
/// through an index that may be null or past the table.
bool FuncGen::call_indirect(ValType t, int d) {
  std::vector<uint32_t> fit, helpers;
  for (uint32_t i = 0; i < m_shape.types.size(); ++i)
    if (m_shape.types[i].results == std::vector{t})
      fit.push_back(i);
  for (uint32_t f = 0; f < m_shape.helpers; ++f)
    if (m_shape.types[m_shape.func_types[f]].results == std::vector{t})
      helpers.push_back(f);
  const bool right = !helpers.empty() && pick(0, 3) != 0; // the slot of a helper of type t
  const uint32_t f =
      right ? helpers[static_cast<size_t>(pick(0, static_cast<int>(helpers.size()) - 1))] : 0;
  const uint32_t type = right ? m_shape.func_types[f]
                              : fit[static_cast<size_t>(pick(0, static_cast<int>(fit.size()) - 1))];
  for (ValType p : m_shape.types[type].params)
    value(p, d, false);
  right ? i32c(m_shape.elem_offset + f) : table_index(d);
  op(0x11), u(type), u(right ? 0 : table());
  return true;
}

void FuncGen::table_index(int d) {
  if (pick(0, 3) == 0)
    return value(ValType::I32, d, false), i32c(15), op(0x71);
  i32c(pick(0, static_cast<int>(pick(0, 2) ? m_shape.table_min - 1 : m_shape.table_max + 1)));
}

void FuncGen::ref_expr(int d) {
  switch (pick(0, 3)) {
  case 0: op(0xd0), op(0x70); break;
  case 1: op(0xd2), u(static_cast<uint64_t>(pick(0, static_cast<int>(m_shape.helpers) - 1))); break;
  case 2: op(0x20), u(local_of(ValType::FuncRef, false, true)); break;
  default: table_index(d), op(0x25), u(table()); break;
  }
}

/// In the first page most of the time; else near the current end (memory.size * 64 KiB - k, so
/// wide accesses straddle it), a constant edge, or anything.
void FuncGen::address(int d) {
  static constexpr int64_t kEdges[] = {0xffffffff, 0xfffffff8, 0x10000,
                                       0xfffc,     0x7fffffff, 0x2fffd};
  switch (pick(0, 39)) {
  case 0: return value(ValType::I32, d > 1 ? 1 : d, false);
  case 1:
  case 2: return op(0x3f), op(0x00), i32c(16), op(0x74), i32c(pick(1, 40)), op(0x6b);
  case 3: return i32c(kEdges[pick(0, std::size(kEdges) - 1)]);
  default: return value(ValType::I32, d > 1 ? 1 : d, false), i32c(0xfff0), op(0x71);
  }
}

void FuncGen::memarg(uint32_t natural_align) {
  static constexpr uint32_t kLarge[] = {0xfff0,     65535,      65536,     131072,
                                        0x7fffffff, 0xfffffff0, 0xffffffff};
  u(static_cast<uint64_t>(pick(0, static_cast<int>(natural_align))));
  u(pick(0, 39) ? static_cast<uint64_t>(pick(0, 3) * 8 + pick(0, 1))
                : kLarge[pick(0, std::size(kLarge) - 1)]);
}

bool FuncGen::load(ValType t, int d) {
  std::vector<MemOp> fit;
  for (const MemOp &m : kLoads)
    if (m.type == t)
      fit.push_back(m);
  const MemOp m = fit[static_cast<size_t>(pick(0, static_cast<int>(fit.size()) - 1))];
  address(d);
  op(m.code), memarg(m.align);
  return true;
}

void FuncGen::store(int d) {
  const MemOp &m = kStores[pick(0, std::size(kStores) - 1)];
  address(d);
  value(m.type, 3, true);
  op(m.code), memarg(m.align);
}

} // namespace isobox::diff
