// InterpEmitter, control flow: blocks, branches (values moved to the label's slots, compares
// fused into the branch), br_table stubs, returns and calls.
#include <unordered_map>

#include "wasm/interp/emit/interp_emitter.hpp"

namespace isobox::wasm::interp {

/// Before a branch carrying many values: its values into their canonical slots, so they form
/// one range.
void InterpEmitter::materialize_top(size_t n) {
  if (n < kRangeMin || !live())
    return;
  const size_t height = m_s->ctrl.back().height;
  m_s->scratch.work += n;
  for (size_t i = m_s->stack.size() - std::min(n, m_s->stack.size() - height);
       i < m_s->stack.size(); ++i)
    materialize(i);
}

bool InterpEmitter::is_range(const std::vector<Operand> &vals, size_t first_pos) const {
  if (vals.size() < kRangeMin)
    return false;
  m_s->scratch.work += vals.size();
  for (size_t j = 0; j < vals.size(); ++j)
    if (vals[j].slot != canon(first_pos + j))
      return false;
  return true;
}

bool InterpEmitter::needs_copies(const Ctrl &target, const std::vector<Operand> &vals) const {
  m_s->scratch.work += vals.size();
  for (size_t j = 0; j < vals.size(); ++j)
    if (vals[j].slot != canon(target.height + j))
      return true;
  return false;
}

/// Copies the values to result slots 0..n-1 and returns. Sources that are locals are first
/// copied to their canonical slots, so no copy overwrites a source still to be read.
void InterpEmitter::emit_return(const std::vector<Operand> &vals, size_t first_pos) {
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

void InterpEmitter::emit_jump_to(Ctrl &target) {
  uint32_t pos = emit(IOp::Jump, {0});
  if (target.kind == Opcode::Loop)
    patch(pos, pos + 1, label_of(target).loop_pos);
  else
    label_of(target).fixups.emplace_back(pos, pos + 1);
}

/// Unconditional branch: moves the label's values into place, then jumps (or returns).
void InterpEmitter::emit_branch(Ctrl &target, const std::vector<Operand> &vals, size_t first_pos) {
  if (m_s->is_function_label(target)) {
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
bool InterpEmitter::try_fuse_cond(const Operand &cond, bool branch_if_true, uint32_t &word) {
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
void InterpEmitter::emit_cond_branch(const Operand &cond, bool branch_if_true, Ctrl *target,
                                     uint32_t &instr, uint32_t &word) {
  if (!try_fuse_cond(cond, branch_if_true, word)) {
    uint32_t p = emit(branch_if_true ? IOp::BrIfNz : IOp::BrIfZ, {cond.slot, 0});
    word = p + 2;
  }
  instr = m_last_pos;
  if (target) {
    if (target->kind == Opcode::Loop)
      patch(instr, word, label_of(*target).loop_pos);
    else
      label_of(*target).fixups.emplace_back(instr, word);
  }
}

void InterpEmitter::block_start(const Instr &in, const Operand *cond, Ctrl &, bool was_live) {
  Label l;
  if (in.op == Opcode::If)
    m_first_skippable = std::min(m_first_skippable, m_s->ctrl.size());
  if (was_live) {
    materialize_all();
    if (in.op == Opcode::If) {
      uint32_t instr = 0, word = 0;
      emit_cond_branch(*cond, false, nullptr, instr, word);
      l.else_instr = instr;
      l.else_word = word;
    }
    if (in.op == Opcode::Loop) {
      // Charges an iteration's fuel on entry; back edges read the cost word before loop_pos.
      l.fuel_word = emit(IOp::LoopEntry, {0}) + 1;
    }
  }
  if (in.op == Opcode::Loop)
    m_fuel.push_back(FuelSpan{m_s->instr_count, 0});
  label_here();
  l.loop_pos = here();
  m_labels.push_back(std::move(l));
}

void InterpEmitter::else_arm(Ctrl &c, const std::vector<Operand> &vals) {
  Label &l = m_labels.back();
  if (live()) {
    for (size_t j = 0; j < vals.size(); ++j)
      copy(canon(c.height + j), vals[j].slot);
    emit_jump_to(c);
  }
  if (l.else_instr >= 0)
    patch(static_cast<uint32_t>(l.else_instr), static_cast<uint32_t>(l.else_word), here());
  l.else_instr = -1;
  label_here();
}

void InterpEmitter::end(Ctrl &c, const std::vector<Operand> &vals) {
  const size_t depth = m_s->ctrl.size();
  if (live() && depth > 1) {
    for (size_t j = 0; j < vals.size(); ++j)
      copy(canon(c.height + j), vals[j].slot);
  }
  if (depth == 1) {
    if (live())
      emit_return(vals, c.height);
    m_labels.pop_back();
    return;
  }
  Label &l = m_labels.back();
  if (c.kind == Opcode::Loop) {
    const uint32_t span = m_s->instr_count - m_fuel.back().start;
    if (l.fuel_word >= 0)
      m_out.code[static_cast<size_t>(l.fuel_word)] = span - m_fuel.back().nested;
    m_fuel.pop_back();
    m_fuel.back().nested += span;
  }
  const uint32_t end = here();
  if (l.else_instr >= 0)
    patch(static_cast<uint32_t>(l.else_instr), static_cast<uint32_t>(l.else_word), end);
  for (auto [instr, word] : l.fixups)
    patch(instr, word, end);
  label_here();
  m_labels.pop_back();
  if (m_first_skippable >= depth - 1) // the construct closes: it no longer counts
    m_first_skippable = SIZE_MAX;
}

void InterpEmitter::br(uint32_t depth, const std::vector<Operand> &vals, size_t first) {
  note_branch(depth);
  if (live())
    emit_branch(m_s->label(depth), vals, first);
}

void InterpEmitter::br_if(uint32_t depth, const Operand &cond, const std::vector<Operand> &vals,
                          size_t first) {
  note_branch(depth);
  if (!live())
    return;
  Ctrl &target = m_s->label(depth);
  uint32_t instr = 0, word = 0;
  if (!m_s->is_function_label(target) && !needs_copies(target, vals)) {
    emit_cond_branch(cond, true, &target, instr, word);
  } else {
    emit_cond_branch(cond, false, nullptr, instr, word);
    emit_branch(target, vals, first);
    patch(instr, word, here());
    label_here();
  }
}

void InterpEmitter::br_table(const Operand &index, const std::vector<uint32_t> &labels,
                             const std::vector<Operand> &vals, size_t first) {
  for (uint32_t l : labels)
    note_branch(l);
  if (live())
    emit_br_table(index, labels, vals, first);
}

void InterpEmitter::emit_br_table(const Operand &index, const std::vector<uint32_t> &labels,
                                  const std::vector<Operand> &vals, size_t first) {
  std::vector<uint32_t> imms = {index.slot, static_cast<uint32_t>(labels.size() - 1)};
  imms.resize(imms.size() + labels.size(), 0);
  const uint32_t pos = here();
  m_out.code.push_back(static_cast<uint32_t>(m_handlers[static_cast<unsigned>(IOp::BrTableOp)]));
  m_out.code.insert(m_out.code.end(), imms.begin(), imms.end());
  label_here(); // the stubs below are branch targets: nothing before them may be rewritten
  std::unordered_map<uint32_t, uint32_t> stubs; // label depth -> its stub's position
  for (size_t k = 0; k < labels.size(); ++k) {
    Ctrl &target = m_s->label(labels[k]);
    const uint32_t word = pos + 3 + static_cast<uint32_t>(k);
    if (!m_s->is_function_label(target) && !needs_copies(target, vals)) {
      if (target.kind == Opcode::Loop)
        patch(pos, word, label_of(target).loop_pos);
      else
        label_of(target).fixups.emplace_back(pos, word);
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

void InterpEmitter::call(const Instr &in, const FuncType &, const Operand *table_index,
                         const std::vector<Operand> &args, size_t first) {
  if (!live())
    return;
  // Arguments must sit in their canonical slots: they become the callee's parameters.
  for (size_t j = 0; j < args.size(); ++j)
    copy(canon(first + j), args[j].slot);
  const uint32_t imported = m_s->module.imported_funcs;
  if (table_index)
    emit(IOp::CallIndirectOp, {in.a, in.b, table_index->slot, canon(first)});
  else if (in.a >= imported)
    m_out.local_calls.push_back(emit(IOp::CallLocalOp, {canon(first), in.a - imported, 0}));
  else
    emit(IOp::CallOp, {in.a, canon(first)});
}

} // namespace isobox::wasm::interp
