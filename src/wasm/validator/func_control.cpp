// FuncCompiler, control flow: blocks, branches (values moved to the label's slots, compares fused
// into the branch), br_table stubs, returns and calls.
#include <unordered_map>

#include "wasm/validator/func_compiler_impl.hpp"

namespace isobox::wasm::compiler {

/// Copies the values to result slots 0..n-1 and returns. Sources that are locals are first
/// copied to their canonical slots, so no copy overwrites a source still to be read.
void FuncCompiler::emit_return(const std::vector<Operand> &vals, size_t first_pos) {
  if (is_range(vals, first_pos)) {
    if (canon(first_pos) != 0)
      emit(IOp::CopyRange, {0, canon(first_pos), static_cast<uint32_t>(vals.size())});
    emit(IOp::ReturnOp, {});
    return;
  }
  // A single result just computed into its stack slot is computed straight into slot 0.
  if (vals.size() == 1 && m_last_dst_word >= 0 && vals[0].slot == canon(first_pos) &&
      m_out.code[static_cast<size_t>(m_last_dst_word)] == vals[0].slot) {
    m_out.code[static_cast<size_t>(m_last_dst_word)] = 0;
    emit(IOp::ReturnOp, {});
    return;
  }
  for (size_t j = 0; j < vals.size(); ++j)
    if (vals[j].slot != canon(first_pos + j) && vals[j].slot < vals.size())
      copy(canon(first_pos + j), vals[j].slot);
  for (size_t j = 0; j < vals.size(); ++j) {
    const uint32_t src = vals[j].slot < vals.size() ? canon(first_pos + j) : vals[j].slot;
    copy(static_cast<uint32_t>(j), src);
  }
  emit(IOp::ReturnOp, {});
}

void FuncCompiler::emit_jump_to(Ctrl &target) {
  uint32_t pos = emit(IOp::Jump, {0});
  if (target.kind == Opcode::Loop)
    patch(pos, pos + 1, target.loop_pos);
  else
    target.fixups.emplace_back(pos, pos + 1);
}

/// Unconditional branch: moves the label's values into place, then jumps (or returns).
void FuncCompiler::emit_branch(Ctrl &target, const std::vector<Operand> &vals, size_t first_pos) {
  if (is_function_label(target)) {
    emit_return(vals, first_pos);
    return;
  }
  if (is_range(vals, first_pos)) {
    if (target.height != first_pos)
      emit(IOp::CopyRange,
           {canon(target.height), canon(first_pos), static_cast<uint32_t>(vals.size())});
  } else {
    for (size_t j = 0; j < vals.size(); ++j)
      copy(canon(target.height + j), vals[j].slot);
  }
  emit_jump_to(target);
}

static IOp fused_branch(IOp cmp, bool if_true) {
  static constexpr IOp kTrue[] = {
      IOp::BrIfI32Eq,  IOp::BrIfI32Ne,  IOp::BrIfI32LtS, IOp::BrIfI32LtU, IOp::BrIfI32GtS,
      IOp::BrIfI32GtU, IOp::BrIfI32LeS, IOp::BrIfI32LeU, IOp::BrIfI32GeS, IOp::BrIfI32GeU};
  static constexpr IOp kFalse[] = {
      IOp::BrIfI32Ne,  IOp::BrIfI32Eq,  IOp::BrIfI32GeS, IOp::BrIfI32GeU, IOp::BrIfI32LeS,
      IOp::BrIfI32LeU, IOp::BrIfI32GtS, IOp::BrIfI32GtU, IOp::BrIfI32LtS, IOp::BrIfI32LtU};
  const unsigned i = static_cast<unsigned>(cmp) - static_cast<unsigned>(IOp::I32Eq);
  return if_true ? kTrue[i] : kFalse[i];
}

/// If `cond` was just computed by an i32 compare, replaces the compare by a fused branch.
bool FuncCompiler::try_fuse_cond(const Operand &cond, bool branch_if_true, uint32_t &word) {
  if (m_last_op == IOp::Count_ || m_last_pos + 1 >= m_out.code.size() ||
      m_out.code[m_last_pos + 1] != cond.slot || cond.slot < m_fss)
    return false;
  const uint32_t pos = m_last_pos;
  if (m_last_op == IOp::I32Eqz && here() == pos + 3) {
    const uint32_t a = m_out.code[pos + 2];
    rewind(pos);
    uint32_t p = emit(branch_if_true ? IOp::BrIfZ : IOp::BrIfNz, {a, 0});
    word = p + 2;
    return true;
  }
  if (m_last_op >= IOp::I32EqImm && m_last_op <= IOp::I32GeUImm && here() == pos + 4) {
    const uint32_t a = m_out.code[pos + 2], imm = m_out.code[pos + 3];
    const unsigned k = static_cast<unsigned>(m_last_op) - static_cast<unsigned>(IOp::I32EqImm);
    const IOp fused =
        fused_branch(static_cast<IOp>(static_cast<unsigned>(IOp::I32Eq) + k), branch_if_true);
    const unsigned f = static_cast<unsigned>(fused) - static_cast<unsigned>(IOp::BrIfI32Eq);
    rewind(pos);
    // `a = x + k` (or `x + y`) just before: the loop-tail shape, one operator for both.
    const bool add_imm = m_last_op == IOp::I32AddImm, add = m_last_op == IOp::I32Add;
    if ((add_imm || add) && here() == m_last_pos + 4 && m_last_pos >= m_barrier &&
        m_out.code[m_last_pos + 1] == a) {
      const uint32_t x = m_out.code[m_last_pos + 2], y = m_out.code[m_last_pos + 3];
      const IOp first = add_imm ? IOp::AddImmBrIfI32EqImm : IOp::AddBrIfI32EqImm;
      rewind(m_last_pos);
      uint32_t p = emit(static_cast<IOp>(static_cast<unsigned>(first) + f), {a, x, y, imm, 0});
      word = p + 5;
      return true;
    }
    uint32_t p = emit(static_cast<IOp>(static_cast<unsigned>(IOp::BrIfI32EqImm) + f), {a, imm, 0});
    word = p + 3;
    return true;
  }
  if (m_last_op >= IOp::I32Eq && m_last_op <= IOp::I32GeU && here() == pos + 4) {
    const uint32_t a = m_out.code[pos + 2], b = m_out.code[pos + 3];
    const IOp cmp = m_last_op;
    rewind(pos);
    uint32_t p = emit(fused_branch(cmp, branch_if_true), {a, b, 0});
    word = p + 3;
    return true;
  }
  return false;
}

/// Emits "branch if cond (is true / is false)" with offset to be patched; returns positions.
void FuncCompiler::emit_cond_branch(const Operand &cond, bool branch_if_true, Ctrl *target,
                                    uint32_t &instr, uint32_t &word) {
  if (!try_fuse_cond(cond, branch_if_true, word)) {
    uint32_t p = emit(branch_if_true ? IOp::BrIfNz : IOp::BrIfZ, {cond.slot, 0});
    word = p + 2;
  }
  instr = m_last_pos;
  if (target) {
    if (target->kind == Opcode::Loop)
      patch(instr, word, target->loop_pos);
    else
      target->fixups.emplace_back(instr, word);
  }
}

Result<void> FuncCompiler::block_start(const Instr &in) {
  if (m_ctrl.size() > limits::kControlDepth)
    return make_error("too many nested blocks: more than {} (implementation limit)",
                      limits::kControlDepth);
  auto [bt_params, bt_results] = ISOBOX_TRY(block_type(in.block));
  std::optional<Operand> cond;
  if (in.op == Opcode::If)
    cond = ISOBOX_TRY(pop(ValType::I32));
  const size_t n = bt_params->size();
  const bool was_live = live();
  if (m_stack.size() - m_ctrl.back().height >= n) {
    ISOBOX_CHECK(check_top(*bt_params)); // the params stay where they are
  } else {
    auto params = ISOBOX_TRY(pop_all(*bt_params)); // some are unknown (unreachable code)
    for (const Operand &o : params)
      push_operand(o);
  }
  if (!was_live)
    for (size_t i = 0; i < n; ++i)
      m_stack[m_stack.size() - n + i].type = (*bt_params)[i];
  Ctrl c{in.op, bt_params, bt_results, static_cast<uint32_t>(m_stack.size() - n)};
  if (in.op == Opcode::If)
    m_first_skippable = std::min(m_first_skippable, m_ctrl.size());
  if (was_live) {
    materialize_all();
    if (in.op == Opcode::If) {
      uint32_t instr = 0, word = 0;
      emit_cond_branch(*cond, false, nullptr, instr, word);
      c.else_instr = instr;
      c.else_word = word;
    }
    if (in.op == Opcode::Loop) {
      // Charges an iteration's fuel on entry; back edges read the cost word before loop_pos.
      c.fuel_word = emit(IOp::LoopEntry, {0}) + 1;
    }
  }
  if (in.op == Opcode::Loop)
    m_fuel.push_back(0);
  for (size_t i = 0; i < n; ++i)
    m_stack[c.height + i].slot = canon(c.height + i);
  label_here();
  c.loop_pos = here();
  c.dead = !was_live;
  m_ctrl.push_back(std::move(c));
  return {};
}

Result<void> FuncCompiler::op_else() {
  Ctrl &c = m_ctrl.back();
  if (c.kind != Opcode::If || c.has_else)
    return make_error("else without if");
  auto vals = ISOBOX_TRY(pop_all(*c.results));
  if (m_stack.size() != c.height)
    return type_mismatch();
  if (live()) {
    for (size_t j = 0; j < vals.size(); ++j)
      copy(canon(c.height + j), vals[j].slot);
    emit_jump_to(c);
  }
  if (c.else_instr >= 0)
    patch(static_cast<uint32_t>(c.else_instr), static_cast<uint32_t>(c.else_word), here());
  c.else_instr = -1;
  label_here();
  c.has_else = true;
  c.unreachable = false;
  push_all(*c.params);
  return {};
}

Result<void> FuncCompiler::op_end() {
  Ctrl &c = m_ctrl.back();
  auto vals = ISOBOX_TRY(pop_all(*c.results));
  if (m_stack.size() != c.height)
    return type_mismatch();
  if (c.kind == Opcode::If && !c.has_else && *c.params != *c.results)
    return type_mismatch();
  if (live() && m_ctrl.size() > 1) {
    for (size_t j = 0; j < vals.size(); ++j)
      copy(canon(c.height + j), vals[j].slot);
  }
  if (m_ctrl.size() == 1) {
    if (live())
      emit_return(vals, c.height);
    m_ctrl.pop_back();
    return {};
  }
  if (c.kind == Opcode::Loop) {
    if (c.fuel_word >= 0)
      m_out.code[static_cast<size_t>(c.fuel_word)] = m_fuel.back();
    m_fuel.pop_back();
  }
  const uint32_t end = here();
  if (c.else_instr >= 0)
    patch(static_cast<uint32_t>(c.else_instr), static_cast<uint32_t>(c.else_word), end);
  for (auto [instr, word] : c.fixups)
    patch(instr, word, end);
  label_here();
  const std::vector<ValType> &results = *c.results;
  m_ctrl.pop_back();
  if (m_first_skippable >= m_ctrl.size())
    m_first_skippable = SIZE_MAX;
  push_all(results);
  return {};
}

Result<void> FuncCompiler::op_br(uint32_t depth) {
  if (depth >= m_ctrl.size())
    return make_error("unknown label");
  Ctrl &target = label(depth);
  materialize_top(target.label_types().size());
  auto vals = ISOBOX_TRY(pop_all(target.label_types()));
  note_branch(depth);
  if (live())
    emit_branch(target, vals, m_stack.size());
  set_unreachable();
  return {};
}

Result<void> FuncCompiler::op_br_if(uint32_t depth) {
  if (depth >= m_ctrl.size())
    return make_error("unknown label");
  Operand cond = ISOBOX_TRY(pop(ValType::I32));
  Ctrl &target = label(depth);
  materialize_top(target.label_types().size());
  auto vals = ISOBOX_TRY(pop_all(target.label_types()));
  note_branch(depth);
  const size_t first = m_stack.size();
  if (live()) {
    uint32_t instr = 0, word = 0;
    if (!is_function_label(target) && !needs_copies(target, vals)) {
      emit_cond_branch(cond, true, &target, instr, word);
    } else {
      emit_cond_branch(cond, false, nullptr, instr, word);
      emit_branch(target, vals, first);
      patch(instr, word, here());
      label_here();
    }
  }
  // The result types are the label's (they refine unknown operands).
  m_scratch.work += vals.size();
  for (size_t j = 0; j < vals.size(); ++j) {
    if (vals[j].type == kUnknown)
      vals[j] = {target.label_types()[j], canon(first + j)};
    push_operand(vals[j]);
  }
  return {};
}

Result<void> FuncCompiler::op_br_table(const Instr &in) {
  Operand idx = ISOBOX_TRY(pop(ValType::I32));
  std::vector<uint32_t> labels(in.labels.begin(), in.labels.end());
  labels.push_back(in.a);
  for (uint32_t l : labels)
    if (l >= m_ctrl.size())
      return make_error("unknown label");
  const size_t arity = label(in.a).label_types().size();
  // Every label must accept the operands (spec 3.3.8, br_table). Labels share type vectors, so
  // each distinct one is checked once: the work is linear in the instruction's size.
  const std::vector<ValType> *last_checked = nullptr;
  std::unordered_set<const std::vector<ValType> *> checked;
  for (uint32_t l : labels) {
    const auto &types = label(l).label_types();
    if (types.size() != arity)
      return type_mismatch();
    if (&types == last_checked || !checked.insert(&types).second)
      continue;
    last_checked = &types;
    ISOBOX_CHECK(check_top(types));
  }
  materialize_top(arity);
  auto vals = ISOBOX_TRY(pop_all(label(in.a).label_types()));
  for (uint32_t l : labels)
    note_branch(l);
  const size_t first = m_stack.size();
  if (live()) {
    std::vector<uint32_t> imms = {idx.slot, static_cast<uint32_t>(in.labels.size())};
    imms.resize(imms.size() + labels.size(), 0);
    const uint32_t pos = here();
    m_out.code.push_back(static_cast<uint32_t>(m_handlers[static_cast<unsigned>(IOp::BrTableOp)]));
    m_out.code.insert(m_out.code.end(), imms.begin(), imms.end());
    label_here(); // the stubs below are branch targets: nothing before them may be rewritten
    std::unordered_map<uint32_t, uint32_t> stubs; // label depth -> its stub's position
    for (size_t k = 0; k < labels.size(); ++k) {
      Ctrl &target = label(labels[k]);
      const uint32_t word = pos + 3 + static_cast<uint32_t>(k);
      if (!is_function_label(target) && !needs_copies(target, vals)) {
        if (target.kind == Opcode::Loop)
          patch(pos, word, target.loop_pos);
        else
          target.fixups.emplace_back(pos, word);
      } else {
        // One stub per distinct target, shared by every entry naming it.
        auto [stub, fresh] = stubs.try_emplace(labels[k], here());
        patch(pos, word, stub->second);
        if (fresh)
          emit_branch(target, vals, first);
      }
    }
    label_here();
  }
  set_unreachable();
  return {};
}

Result<void> FuncCompiler::op_call(const FuncType &ft, std::optional<Operand> table_index,
                                   const Instr &in) {
  auto args = ISOBOX_TRY(pop_all(ft.params));
  const size_t first = m_stack.size();
  if (live()) {
    // Arguments must sit in their canonical slots: they become the callee's parameters.
    for (size_t j = 0; j < args.size(); ++j)
      copy(canon(first + j), args[j].slot);
    if (table_index)
      emit(IOp::CallIndirectOp, {in.a, in.b, table_index->slot, canon(first)});
    else if (in.a >= m_module.imported_funcs)
      m_out.local_calls.push_back(
          emit(IOp::CallLocalOp, {canon(first), in.a - m_module.imported_funcs, 0}));
    else
      emit(IOp::CallOp, {in.a, canon(first)});
  }
  push_all(ft.results);
  return {};
}

} // namespace isobox::wasm::compiler
