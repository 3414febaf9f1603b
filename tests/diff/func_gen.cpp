// Generated function bodies: locals, statements and structured control (loops, br_table, if,
// guarded return and unreachable), memory and table statements; expressions: func_gen_exprs.cpp.
#include "diff/func_gen.hpp"

#include "diff/wasm_bytes.hpp"

namespace isobox::diff {

using wasm::ValType;

namespace {

constexpr uint32_t kLoopDepth = 3;

bool is_float(ValType t) { return t == ValType::F32 || t == ValType::F64; }

} // namespace

FuncGen::FuncGen(Choices &rng, const ModuleShape &shape, uint32_t func)
    : m_rng(rng), m_shape(shape), m_func(func) {
  // Helpers may be called from loops of their callers: few, short loops keep the product small.
  m_max_loops = is_export() ? kLoopDepth : 1;
  m_max_count = is_export() ? 12 : 4;
}

int FuncGen::pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }
void FuncGen::u(uint64_t v) { uleb(m_code, v); }
void FuncGen::s(int64_t v) { sleb(m_code, v); }
void FuncGen::op_fc(uint32_t sub) { op(0xfc), u(sub); }
void FuncGen::i32c(int64_t v) { op(0x41), s(static_cast<int32_t>(v)); }

std::vector<uint8_t> FuncGen::body() {
  const wasm::FuncType &type = m_shape.types[m_shape.func_types[m_func]];
  for (ValType t : type.params) // a caller's float may be any NaN
    m_locals.push_back({t, !is_float(t), Role::Plain});
  const std::vector<std::pair<uint32_t, Local>> groups = {
      {3, {ValType::I32, true, Role::Plain}},    {kLoopDepth, {ValType::I32, true, Role::Counter}},
      {3, {ValType::I64, true, Role::Plain}},    {1, {ValType::F32, true, Role::Plain}},
      {1, {ValType::F32, false, Role::Plain}},   {1, {ValType::F32, false, Role::Scratch}},
      {1, {ValType::F64, true, Role::Plain}},    {1, {ValType::F64, false, Role::Plain}},
      {1, {ValType::F64, false, Role::Scratch}}, {1, {ValType::FuncRef, true, Role::Plain}}};
  std::vector<uint8_t> locals;
  uleb(locals, groups.size());
  for (const auto &[n, l] : groups) {
    uleb(locals, n);
    locals.push_back(static_cast<uint8_t>(l.type));
    m_locals.insert(m_locals.end(), n, l);
  }
  for (int i = pick(1, 6); i > 0; --i)
    statement(3);
  results(type, type.results.size() > 1 ? 3 : 4);
  op(0x0b);
  std::vector<uint8_t> out;
  uleb(out, locals.size() + m_code.size());
  out.insert(out.end(), locals.begin(), locals.end());
  out.insert(out.end(), m_code.begin(), m_code.end());
  return out;
}

/// A local of type `t`: any one to read; to write a value that is not exact, one that is not
/// exact either (there is one per float type).
uint32_t FuncGen::local_of(ValType t, bool for_write, bool exact_value) {
  std::vector<uint32_t> fit;
  for (uint32_t i = 0; i < m_locals.size(); ++i) {
    const Local &l = m_locals[i];
    if (l.type == t && l.role == Role::Plain && !(for_write && !exact_value && l.exact))
      fit.push_back(i);
  }
  return fit[static_cast<size_t>(pick(0, static_cast<int>(fit.size()) - 1))];
}

/// x -> (x == x ? x : canonical NaN): fixes the bits of a NaN the spec leaves open.
void FuncGen::canonicalize(ValType t) {
  uint32_t scratch = 0;
  for (uint32_t i = 0; i < m_locals.size(); ++i)
    if (m_locals[i].type == t && m_locals[i].role == Role::Scratch)
      scratch = i;
  op(0x22), u(scratch);
  if (t == ValType::F32)
    op(0x43), fixed(m_code, 0x7fc00000, 4);
  else
    op(0x44), fixed(m_code, 0x7ff8000000000000, 8);
  op(0x20), u(scratch), op(0x20), u(scratch), op(t == ValType::F32 ? 0x5b : 0x61), op(0x1b);
}

/// The values a function returns (canonical: a caller may store them).
void FuncGen::results(const wasm::FuncType &type, int d) {
  for (ValType t : type.results)
    value(t, d, true);
}

void FuncGen::value(ValType t, int d, bool need_exact) {
  if (!expr(t, d) && need_exact && is_float(t))
    canonicalize(t);
}

void FuncGen::statement(int d) {
  switch (pick(0, d > 0 ? 14 : 6)) {
  case 0:
  case 1: return set_local(d);
  case 2: return store(d);
  case 3: { // global.set
    const auto g = static_cast<uint32_t>(pick(0, static_cast<int>(m_shape.globals.size()) - 1));
    value(m_shape.globals[g], 3, true);
    return op(0x24), u(g);
  }
  case 4: { // an expression dropped: a load's trap must survive its value being unused
    static constexpr ValType kTypes[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64};
    pick(0, 1) ? (void)load(kTypes[pick(0, 3)], 1) : (void)expr(kTypes[pick(0, 3)], 2);
    return op(0x1a);
  }
  case 5: return bulk(d);
  case 6: return table_statement(d);
  case 7:
  case 8: return loop(d);
  case 9: return if_statement(d);
  case 10: return br_table_statement(d);
  case 11: return guarded(d);
  case 12: return multi_call(d);
  default: return set_local(d);
  }
}

void FuncGen::set_local(int d) {
  static constexpr ValType kTypes[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64};
  const ValType t = kTypes[pick(0, 3)];
  const bool exact = expr(t, d > 0 ? 3 : 2);
  op(0x21), u(local_of(t, true, exact));
}

// block { counter = K; loop { statements; br_if 1 (rarely); counter -= 1; br_if 0 } }
void FuncGen::loop(int d) {
  if (m_loop_depth >= m_max_loops)
    return set_local(0);
  uint32_t counter = 0;
  for (uint32_t i = 0, seen = 0; i < m_locals.size(); ++i)
    if (m_locals[i].role == Role::Counter && seen++ == m_loop_depth)
      counter = i;
  ++m_loop_depth;
  op(0x02), op(0x40);
  i32c(pick(1, static_cast<int>(m_max_count))), op(0x21), u(counter);
  op(0x03), op(0x40);
  for (int i = pick(1, 3); i > 0; --i)
    statement(d - 1);
  if (pick(0, 3) == 0) // leave the loop early
    value(ValType::I32, 1, false), op(0x0d), u(1);
  op(0x20), u(counter), i32c(1), op(0x6b), op(0x22), u(counter), op(0x0d), u(0);
  op(0x0b), op(0x0b);
  --m_loop_depth;
}

void FuncGen::if_statement(int d) {
  value(ValType::I32, 2, false);
  op(0x04), op(0x40);
  statement(d - 1);
  if (pick(0, 1))
    op(0x05), statement(d - 1);
  op(0x0b);
}

// block block block (index) br_table ... end S end S end: every label a forward jump.
void FuncGen::br_table_statement(int d) {
  const int n = pick(1, 3);
  for (int i = 0; i < n; ++i)
    op(0x02), op(0x40);
  value(ValType::I32, 1, false);
  if (pick(0, 1))
    i32c(3), op(0x71);
  const int targets = pick(0, 4);
  op(0x0e), u(static_cast<uint64_t>(targets));
  for (int i = 0; i <= targets; ++i) // the last one is the default
    u(static_cast<uint64_t>(pick(0, n - 1)));
  op(0x0b);
  for (int i = 1; i < n; ++i)
    statement(d - 1), op(0x0b);
}

// (if (cond) (then (return v))) or (if (cond) (then unreachable)): cond is true about 1 in 8.
void FuncGen::guarded(int d) {
  value(ValType::I32, 1, false);
  i32c(7), op(0x71), op(0x45), op(0x04), op(0x40);
  if (pick(0, 5) == 0) {
    op(0x00);
  } else {
    const wasm::FuncType &type = m_shape.types[m_shape.func_types[m_func]];
    results(type, d);
    op(0x0f);
  }
  op(0x0b);
}

// memory.fill / memory.copy / memory.init / data.drop, with lengths that sometimes run past
// the end (a trap that must write nothing).
void FuncGen::bulk(int d) {
  auto length = [&](int32_t mask) {
    static constexpr int64_t kLengths[] = {0, 1, 64, 65536, 0xffffffff};
    if (pick(0, 7) == 0)
      return i32c(kLengths[pick(0, 4)]);
    value(ValType::I32, 1, false), i32c(mask), op(0x71);
  };
  switch (pick(0, 6)) {
  case 0:
  case 1: address(d), value(ValType::I32, 1, false), length(0x3f), op_fc(11), op(0x00); break;
  case 2:
  case 3: address(d), address(d), length(0x3f), op_fc(10), op(0x00), op(0x00); break;
  case 4:
  case 5:
    address(d), value(ValType::I32, 1, false), i32c(0xf), op(0x71), length(0xf);
    op_fc(8), u(m_shape.passive_data), op(0x00);
    break;
  default: op_fc(9), u(m_shape.passive_data); break;
  }
}

/// Table 0 mostly, table 1 (small, initially null) a quarter of the time.
uint32_t FuncGen::table() { return pick(0, 3) == 0 ? 1 : 0; }

// table.init from the passive element segment, table.copy (within or across tables), elem.drop.
void FuncGen::table_bulk(int d) {
  auto small = [&] {
    pick(0, 2) ? i32c(pick(0, 4)) : (value(ValType::I32, 1, false), i32c(7), op(0x71));
  };
  switch (pick(0, 4)) {
  case 0:
  case 1: table_index(d), small(), small(), op_fc(12), u(m_shape.passive_elem), u(table()); break;
  case 2:
  case 3: table_index(d), table_index(d), small(), op_fc(14), u(table()), u(table()); break;
  default: op_fc(13), u(m_shape.passive_elem); break;
  }
}

// table.set / table.fill / a call_indirect whose value is dropped (exports only) / the funcref
// local set from a reference.
void FuncGen::table_statement(int d) {
  if (m_shape.table_min == 0)
    return set_local(d);
  switch (pick(0, 5)) {
  case 0: table_index(d), ref_expr(d), op(0x26), u(table()); break;
  case 1: table_index(d), ref_expr(d), i32c(pick(0, 3)), op_fc(17), u(table()); break;
  case 2:
  case 3: return table_bulk(d);
  case 4:
    if (is_export()) {
      static constexpr ValType kTypes[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64};
      call_indirect(kTypes[pick(0, 3)], d);
      op(0x1a);
      break;
    }
    [[fallthrough]];
  default: ref_expr(d), op(0x21), u(local_of(ValType::FuncRef, true, true)); break;
  }
}

// A call (or, from an export, a call_indirect) of the two-result type; results go to locals.
void FuncGen::multi_call(int d) {
  std::vector<uint32_t> fit;
  for (uint32_t f = 0; f < (is_export() ? m_shape.helpers : m_func); ++f)
    if (m_shape.func_types[f] == m_shape.multi_type)
      fit.push_back(f);
  const bool indirect = is_export() && (fit.empty() || pick(0, 2) == 0);
  if (fit.empty() && !indirect)
    return set_local(d);
  const wasm::FuncType &type = m_shape.types[m_shape.multi_type];
  for (ValType p : type.params)
    value(p, d, false);
  if (indirect)
    fit.empty() || pick(0, 3) == 0 ? table_index(d) : i32c(m_shape.elem_offset + fit.front());
  indirect ? (op(0x11), u(m_shape.multi_type), u(table()))
           : (op(0x10), u(fit[static_cast<size_t>(pick(0, static_cast<int>(fit.size()) - 1))]));
  for (auto r = type.results.rbegin(); r != type.results.rend(); ++r)
    op(0x21), u(local_of(*r, true, true));
}

} // namespace isobox::diff
