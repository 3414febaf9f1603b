// FuncValidator, control flow (spec 3.3.8): blocks, branches, br_table, returns and calls, each
// handed to the emitter once its operands are checked.
#include "wasm/validator/func_validator.hpp"

namespace isobox::wasm::validation {

Result<void> FuncValidator::block_start(const Instr &in) {
  if (m_s.ctrl.size() > limits::kControlDepth)
    return make_error("too many nested blocks: more than {} (implementation limit)",
                      limits::kControlDepth);
  auto [bt_params, bt_results] = ISOBOX_TRY(block_type(in.block));
  std::optional<Operand> cond;
  if (in.op == Opcode::If)
    cond = ISOBOX_TRY(pop(ValType::I32));
  const size_t n = bt_params->size();
  const bool was_live = live();
  if (m_s.stack.size() - m_s.ctrl.back().height >= n) {
    ISOBOX_CHECK(check_top(*bt_params)); // the params stay where they are
  } else {
    auto params = ISOBOX_TRY(pop_all(*bt_params)); // some are unknown (unreachable code)
    for (const Operand &o : params)
      push_operand(o);
  }
  if (!was_live)
    for (size_t i = 0; i < n; ++i)
      m_s.stack[m_s.stack.size() - n + i].type = (*bt_params)[i];
  Ctrl c{in.op, bt_params, bt_results, static_cast<uint32_t>(m_s.stack.size() - n)};
  m_e.block_start(in, cond ? &*cond : nullptr, c, was_live);
  for (size_t i = 0; i < n; ++i) // a construct's params start in their canonical slots
    m_s.stack[c.height + i].slot = canon(c.height + i);
  c.dead = !was_live;
  m_s.ctrl.push_back(c);
  return {};
}

Result<void> FuncValidator::op_else() {
  Ctrl &c = m_s.ctrl.back();
  if (c.kind != Opcode::If || c.has_else)
    return make_error("else without if");
  auto vals = ISOBOX_TRY(pop_all(*c.results));
  if (m_s.stack.size() != c.height)
    return type_mismatch();
  m_e.else_arm(c, vals);
  c.has_else = true;
  c.unreachable = false;
  push_all(*c.params);
  return {};
}

Result<void> FuncValidator::op_end() {
  Ctrl &c = m_s.ctrl.back();
  auto vals = ISOBOX_TRY(pop_all(*c.results));
  if (m_s.stack.size() != c.height)
    return type_mismatch();
  if (c.kind == Opcode::If && !c.has_else && *c.params != *c.results)
    return type_mismatch();
  m_e.end(c, vals);
  const std::vector<ValType> &results = *c.results;
  m_s.ctrl.pop_back();
  if (!m_s.ctrl.empty())
    push_all(results);
  return {};
}

Result<void> FuncValidator::op_br(uint32_t depth) {
  if (depth >= m_s.ctrl.size())
    return make_error("unknown label");
  const Ctrl &target = m_s.label(depth);
  m_e.before_branch(target.label_types().size());
  auto vals = ISOBOX_TRY(pop_all(target.label_types()));
  m_e.br(depth, vals, m_s.stack.size());
  set_unreachable();
  return {};
}

Result<void> FuncValidator::op_br_if(uint32_t depth) {
  if (depth >= m_s.ctrl.size())
    return make_error("unknown label");
  Operand cond = ISOBOX_TRY(pop(ValType::I32));
  const Ctrl &target = m_s.label(depth);
  m_e.before_branch(target.label_types().size());
  auto vals = ISOBOX_TRY(pop_all(target.label_types()));
  const size_t first = m_s.stack.size();
  m_e.br_if(depth, cond, vals, first);
  // The result types are the label's (they refine unknown operands).
  m_s.scratch.work += vals.size();
  for (size_t j = 0; j < vals.size(); ++j) {
    if (vals[j].type == kUnknown)
      vals[j] = {m_s.label(depth).label_types()[j], canon(first + j)};
    push_operand(vals[j]);
  }
  return {};
}

/// Every label must accept the operands (spec 3.3.8, br_table). Labels share type vectors, so
/// each distinct one is checked once: the work is linear in the instruction's size.
Result<void> FuncValidator::check_br_table(const std::vector<uint32_t> &labels,
                                           size_t arity) const {
  const std::vector<ValType> *last_checked = nullptr;
  std::unordered_set<const std::vector<ValType> *> checked;
  for (uint32_t l : labels) {
    const auto &types = m_s.ctrl[m_s.ctrl.size() - 1 - l].label_types();
    if (types.size() != arity)
      return type_mismatch();
    if (&types == last_checked || !checked.insert(&types).second)
      continue;
    last_checked = &types;
    ISOBOX_CHECK(check_top(types));
  }
  return {};
}

Result<void> FuncValidator::op_br_table(const Instr &in) {
  Operand idx = ISOBOX_TRY(pop(ValType::I32));
  std::vector<uint32_t> labels(in.labels.begin(), in.labels.end());
  labels.push_back(in.a);
  for (uint32_t l : labels)
    if (l >= m_s.ctrl.size())
      return make_error("unknown label");
  const size_t arity = m_s.label(in.a).label_types().size();
  ISOBOX_CHECK(check_br_table(labels, arity));
  m_e.before_branch(arity);
  auto vals = ISOBOX_TRY(pop_all(m_s.label(in.a).label_types()));
  m_e.br_table(idx, labels, vals, m_s.stack.size());
  set_unreachable();
  return {};
}

Result<void> FuncValidator::op_call(const FuncType &ft, std::optional<Operand> table_index,
                                    const Instr &in) {
  auto args = ISOBOX_TRY(pop_all(ft.params));
  m_e.call(in, ft, table_index ? &*table_index : nullptr, args, m_s.stack.size());
  push_all(ft.results);
  return {};
}

} // namespace isobox::wasm::validation
