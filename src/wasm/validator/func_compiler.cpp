// Function body validation (spec 3.3, algorithm of the spec appendix) fused with compilation to
// register-style internal code: every operand-stack position has a fixed frame slot, local.get
// is an alias (no copy), results are retargeted into locals, compares fuse into branches.
#include "wasm/validator/func_compiler.hpp"

#include "wasm/binary/instr.hpp"

namespace isobox::wasm {
namespace {

constexpr ValType kUnknown = static_cast<ValType>(0);

struct Operand {
  ValType type;
  uint32_t slot; ///< frame slot holding the value: its canonical stack slot or a local (alias)
};

struct Ctrl {
  Opcode kind;
  std::vector<ValType> params, results;
  uint32_t height = 0;
  bool unreachable = false;
  bool has_else = false;
  bool dead = false; ///< entered from unreachable code: validated, but no code emitted
  uint32_t loop_pos = 0;
  std::vector<std::pair<uint32_t, uint32_t>> fixups; ///< (instr pos, word pos) jumping to end
  int64_t else_instr = -1, else_word = -1;           ///< `if`'s branch to the else arm
  const std::vector<ValType> &label_types() const {
    return kind == Opcode::Loop ? params : results;
  }
};

Result<void> type_mismatch() { return make_error("type mismatch"); }

bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}

ValType sig_type(SigType s) {
  switch (s) {
  case SigType::I32: return ValType::I32;
  case SigType::I64: return ValType::I64;
  case SigType::F32: return ValType::F32;
  default: return ValType::F64;
  }
}

class FuncCompiler {
public:
  FuncCompiler(const ValidationContext &ctx, uint32_t index)
      : m_ctx(ctx), m_module(ctx.vm.module), m_body(m_module.bodies[index]),
        m_handlers(handler_offsets()) {
    const uint32_t fidx = m_module.imported_funcs + index;
    m_out.type_index = ctx.vm.func_types[fidx];
    m_type = &m_module.types[m_out.type_index];
  }
  Result<CompiledFunc> run();

private:
  // Operand stack (spec appendix: push_val / pop_val / pop_vals).
  uint32_t canon(size_t pos) const { return m_fss + static_cast<uint32_t>(pos); }
  bool live() const { return !m_ctrl.back().unreachable && !m_ctrl.back().dead; }
  void push(ValType t) {
    m_stack.push_back({t, canon(m_stack.size())});
    m_max_height = std::max<uint32_t>(m_max_height, static_cast<uint32_t>(m_stack.size()));
  }
  Result<Operand> pop() {
    if (m_stack.size() == m_ctrl.back().height) {
      if (m_ctrl.back().unreachable)
        return Operand{kUnknown, canon(m_stack.size())};
      ISOBOX_CHECK(type_mismatch());
    }
    Operand o = m_stack.back();
    m_stack.pop_back();
    return o;
  }
  Result<Operand> pop(ValType expect) {
    Operand o = ISOBOX_TRY(pop());
    if (o.type != expect && o.type != kUnknown && expect != kUnknown)
      ISOBOX_CHECK(type_mismatch());
    return o;
  }
  Result<std::vector<Operand>> pop_all(const std::vector<ValType> &types) {
    std::vector<Operand> ops(types.size());
    for (size_t i = types.size(); i-- > 0;)
      ops[i] = ISOBOX_TRY(pop(types[i]));
    return ops;
  }
  void push_all(const std::vector<ValType> &types) {
    for (ValType t : types)
      push(t);
  }
  void set_unreachable() {
    m_stack.resize(m_ctrl.back().height);
    m_ctrl.back().unreachable = true;
  }

  // Code emission.
  uint32_t emit(IOp op, std::initializer_list<uint32_t> imms) {
    const uint32_t pos = static_cast<uint32_t>(m_out.code.size());
    m_out.code.push_back(static_cast<uint32_t>(m_handlers[static_cast<unsigned>(op)]));
    m_out.code.insert(m_out.code.end(), imms);
    m_prev_pos = m_last_pos;
    m_prev_op = m_last_op;
    m_last_pos = pos;
    m_last_op = op;
    m_last_dst_word = -1;
    return pos;
  }
  /// Emits an operator whose first immediate is its destination slot (retargetable).
  uint32_t emit_dst(IOp op, std::initializer_list<uint32_t> imms) {
    uint32_t pos = emit(op, imms);
    m_last_dst_word = pos + 1;
    return pos;
  }
  void label_here() {
    m_barrier = here();
    m_last_op = IOp::Count_;
    m_last_dst_word = -1;
  }
  uint32_t here() const { return static_cast<uint32_t>(m_out.code.size()); }
  void patch(uint32_t instr, uint32_t word, uint32_t target) {
    m_out.code[word] = static_cast<uint32_t>(static_cast<int32_t>(target - instr));
  }
  void copy(uint32_t dst, uint32_t src) {
    if (dst != src)
      emit(IOp::Copy, {dst, src});
  }
  void materialize(size_t pos) {
    Operand &o = m_stack[pos];
    if (o.slot != canon(pos) && o.type != kUnknown) {
      copy(canon(pos), o.slot);
      o.slot = canon(pos);
    }
  }
  void materialize_all() {
    for (size_t i = 0; i < m_stack.size(); ++i)
      materialize(i);
  }
  void materialize_local(uint32_t local) {
    for (size_t i = 0; i < m_stack.size(); ++i)
      if (m_stack[i].slot == local)
        materialize(i);
  }

  // Branches.
  Ctrl &label(uint32_t depth) { return m_ctrl[m_ctrl.size() - 1 - depth]; }
  bool is_function_label(const Ctrl &c) const { return &c == &m_ctrl.front(); }
  bool needs_copies(const Ctrl &target, const std::vector<Operand> &vals) const {
    for (size_t j = 0; j < vals.size(); ++j)
      if (vals[j].slot != canon(target.height + j))
        return true;
    return false;
  }
  void emit_return(const std::vector<Operand> &vals, size_t first_pos);
  void emit_jump_to(Ctrl &target);
  void emit_branch(Ctrl &target, const std::vector<Operand> &vals, size_t first_pos);
  bool try_fuse_cond(const Operand &cond, bool branch_if_true, uint32_t &word);
  void emit_cond_branch(const Operand &cond, bool branch_if_true, Ctrl *target, uint32_t &instr,
                        uint32_t &word);

  Result<void> instr(const Instr &in);
  Result<void> block_start(const Instr &in);
  Result<void> op_else();
  Result<void> op_end();
  Result<void> op_br(uint32_t depth);
  Result<void> op_br_if(uint32_t depth);
  Result<void> op_br_table(const Instr &in);
  Result<void> op_call(const FuncType &ft, std::optional<Operand> table_index, const Instr &in);
  Result<void> op_local_set(uint32_t idx, bool tee);
  Result<void> op_memory(const Instr &in);
  bool added_address(IOp op, uint32_t pos, const Operand &addr) const;
  Result<void> op_simple(const Instr &in);
  Result<void> op_table(const Instr &in);
  Result<FuncType> block_type(const BlockType &bt);
  Result<void> check_memory() {
    if (m_ctx.vm.memories.empty())
      return make_error("unknown memory 0");
    return {};
  }
  Result<void> check_table(uint32_t t) {
    if (t >= m_ctx.vm.tables.size())
      return make_error("unknown table {}", t);
    return {};
  }

  const ValidationContext &m_ctx;
  const Module &m_module;
  const FuncBody &m_body;
  const int32_t *m_handlers;
  const FuncType *m_type = nullptr;
  CompiledFunc m_out;
  std::vector<ValType> m_locals;
  uint32_t m_fss = 0; ///< first stack slot = params + locals
  std::vector<Operand> m_stack;
  std::vector<Ctrl> m_ctrl;
  uint32_t m_max_height = 0;
  uint32_t m_last_pos = 0;
  IOp m_last_op = IOp::Count_;
  int64_t m_last_dst_word = -1;
  uint32_t m_prev_pos = 0; ///< the instruction before the last one
  IOp m_prev_op = IOp::Count_;
  uint32_t m_barrier = 0; ///< code before this may be a branch target's predecessor: never rewound
};

Result<CompiledFunc> FuncCompiler::run() {
  if (m_body.local_count > 50'000'000)
    return make_error("too many locals");
  m_locals = m_type->params;
  for (auto [n, t] : m_body.locals)
    m_locals.insert(m_locals.end(), n, t);
  m_fss = static_cast<uint32_t>(m_locals.size());
  m_out.num_params = static_cast<uint32_t>(m_type->params.size());
  m_out.num_results = static_cast<uint32_t>(m_type->results.size());
  m_out.num_locals = static_cast<uint32_t>(m_body.local_count);
  m_ctrl.push_back(Ctrl{Opcode::Block, {}, m_type->results, 0});
  Reader r(m_body.code, m_body.code_offset);
  InstrReader ir(r);
  while (!m_ctrl.empty()) {
    if (r.at_end())
      return make_error("unexpected end");
    Instr in = ISOBOX_TRY(ir.next());
    ISOBOX_CHECK(instr(in));
  }
  m_out.frame_size = std::max(m_fss + m_max_height, m_out.num_results) + 1;
  return std::move(m_out);
}

Result<FuncType> FuncCompiler::block_type(const BlockType &bt) {
  switch (bt.kind) {
  case BlockType::Kind::Empty: return FuncType{};
  case BlockType::Kind::Value: return FuncType{{}, {bt.value}};
  case BlockType::Kind::Index:
    if (bt.index >= m_module.types.size())
      return make_error("unknown type");
    return m_module.types[bt.index];
  }
  return FuncType{};
}

/// Copies the values to result slots 0..n-1 and returns. Sources that are locals are first
/// copied to their canonical slots, so no copy overwrites a source still to be read.
void FuncCompiler::emit_return(const std::vector<Operand> &vals, size_t first_pos) {
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
  for (size_t j = 0; j < vals.size(); ++j)
    copy(canon(target.height + j), vals[j].slot);
  emit_jump_to(target);
}

IOp fused_branch(IOp cmp, bool if_true) {
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
    m_out.code.resize(pos);
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
    m_out.code.resize(pos);
    uint32_t p = emit(static_cast<IOp>(static_cast<unsigned>(IOp::BrIfI32EqImm) + f), {a, imm, 0});
    word = p + 3;
    return true;
  }
  if (m_last_op >= IOp::I32Eq && m_last_op <= IOp::I32GeU && here() == pos + 4) {
    const uint32_t a = m_out.code[pos + 2], b = m_out.code[pos + 3];
    const IOp cmp = m_last_op;
    m_out.code.resize(pos);
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
  FuncType bt = ISOBOX_TRY(block_type(in.block));
  std::optional<Operand> cond;
  if (in.op == Opcode::If)
    cond = ISOBOX_TRY(pop(ValType::I32));
  auto params = ISOBOX_TRY(pop_all(bt.params));
  for (size_t i = 0; i < params.size(); ++i) {
    m_stack.push_back(params[i]);
  }
  const bool was_live = live();
  for (size_t i = 0; i < params.size(); ++i)
    if (!was_live)
      m_stack[m_stack.size() - params.size() + i].type = bt.params[i];
  Ctrl c{in.op, bt.params, bt.results, static_cast<uint32_t>(m_stack.size() - params.size())};
  if (was_live) {
    materialize_all();
    if (in.op == Opcode::If) {
      uint32_t instr = 0, word = 0;
      emit_cond_branch(*cond, false, nullptr, instr, word);
      c.else_instr = instr;
      c.else_word = word;
    }
  }
  for (size_t i = 0; i < params.size(); ++i)
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
  auto vals = ISOBOX_TRY(pop_all(c.results));
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
  push_all(c.params);
  return {};
}

Result<void> FuncCompiler::op_end() {
  Ctrl &c = m_ctrl.back();
  auto vals = ISOBOX_TRY(pop_all(c.results));
  if (m_stack.size() != c.height)
    return type_mismatch();
  if (c.kind == Opcode::If && !c.has_else && c.params != c.results)
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
  const uint32_t end = here();
  if (c.else_instr >= 0)
    patch(static_cast<uint32_t>(c.else_instr), static_cast<uint32_t>(c.else_word), end);
  for (auto [instr, word] : c.fixups)
    patch(instr, word, end);
  label_here();
  std::vector<ValType> results = std::move(c.results);
  m_ctrl.pop_back();
  push_all(results);
  return {};
}

Result<void> FuncCompiler::op_br(uint32_t depth) {
  if (depth >= m_ctrl.size())
    return make_error("unknown label");
  Ctrl &target = label(depth);
  auto vals = ISOBOX_TRY(pop_all(target.label_types()));
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
  auto vals = ISOBOX_TRY(pop_all(target.label_types()));
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
  for (size_t j = 0; j < vals.size(); ++j) {
    if (vals[j].type == kUnknown)
      vals[j] = {target.label_types()[j], canon(first + j)};
    m_stack.push_back(vals[j]);
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
  // Every label must accept the operands (spec 3.3.8, br_table).
  for (uint32_t l : labels) {
    const auto &types = label(l).label_types();
    if (types.size() != arity)
      return type_mismatch();
    auto saved = m_stack;
    ISOBOX_TRY(pop_all(types));
    m_stack = std::move(saved);
  }
  auto vals = ISOBOX_TRY(pop_all(label(in.a).label_types()));
  const size_t first = m_stack.size();
  if (live()) {
    std::vector<uint32_t> imms = {idx.slot, static_cast<uint32_t>(in.labels.size())};
    imms.resize(imms.size() + labels.size(), 0);
    const uint32_t pos = here();
    m_out.code.push_back(static_cast<uint32_t>(m_handlers[static_cast<unsigned>(IOp::BrTableOp)]));
    m_out.code.insert(m_out.code.end(), imms.begin(), imms.end());
    label_here(); // the stubs below are branch targets: nothing before them may be rewritten
    for (size_t k = 0; k < labels.size(); ++k) {
      Ctrl &target = label(labels[k]);
      const uint32_t word = pos + 3 + static_cast<uint32_t>(k);
      if (!is_function_label(target) && !needs_copies(target, vals)) {
        if (target.kind == Opcode::Loop)
          patch(pos, word, target.loop_pos);
        else
          target.fixups.emplace_back(pos, word);
      } else {
        patch(pos, word, here());
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
    else
      emit(IOp::CallOp, {in.a, canon(first)});
  }
  push_all(ft.results);
  return {};
}

Result<void> FuncCompiler::op_local_set(uint32_t idx, bool tee) {
  if (idx >= m_locals.size())
    return make_error("unknown local");
  Operand v = ISOBOX_TRY(pop(m_locals[idx]));
  if (live()) {
    materialize_local(idx);
    const size_t pos = m_stack.size();
    if (m_last_dst_word >= 0 && v.slot == canon(pos) &&
        m_out.code[static_cast<size_t>(m_last_dst_word)] == v.slot) {
      m_out.code[static_cast<size_t>(m_last_dst_word)] = idx;
      m_last_dst_word = -1;
    } else {
      copy(idx, v.slot);
    }
  }
  if (tee) {
    m_stack.push_back({m_locals[idx], idx});
    m_max_height = std::max<uint32_t>(m_max_height, static_cast<uint32_t>(m_stack.size()));
  }
  return {};
}

Result<void> FuncCompiler::instr(const Instr &in) {
  switch (in.op) {
  case Opcode::Unreachable:
    if (live())
      emit(IOp::UnreachableOp, {});
    set_unreachable();
    return {};
  case Opcode::Nop: return {};
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If: return block_start(in);
  case Opcode::Else: return op_else();
  case Opcode::End: return op_end();
  case Opcode::Br: return op_br(in.a);
  case Opcode::BrIf: return op_br_if(in.a);
  case Opcode::BrTable: return op_br_table(in);
  case Opcode::Return: return op_br(static_cast<uint32_t>(m_ctrl.size() - 1));
  case Opcode::Call:
    if (in.a >= m_ctx.vm.func_types.size())
      return make_error("unknown function {}", in.a);
    return op_call(m_module.types[m_ctx.vm.func_types[in.a]], std::nullopt, in);
  case Opcode::CallIndirect: {
    ISOBOX_CHECK(check_table(in.b));
    if (m_ctx.vm.tables[in.b].elem != ValType::FuncRef)
      return type_mismatch();
    if (in.a >= m_module.types.size())
      return make_error("unknown type");
    Operand idx = ISOBOX_TRY(pop(ValType::I32));
    return op_call(m_module.types[in.a], idx, in);
  }
  case Opcode::Drop: ISOBOX_TRY(pop()); return {};
  case Opcode::Select:
  case Opcode::SelectT: {
    if (in.op == Opcode::SelectT && in.b != 1)
      return make_error("invalid result arity");
    Operand c = ISOBOX_TRY(pop(ValType::I32));
    ValType want = in.op == Opcode::SelectT ? in.type : kUnknown;
    Operand b = ISOBOX_TRY(pop(want));
    Operand a = ISOBOX_TRY(pop(want));
    ValType t = want;
    if (in.op == Opcode::Select) {
      if ((a.type != kUnknown && !is_num(a.type)) || (b.type != kUnknown && !is_num(b.type)))
        return type_mismatch();
      if (a.type != kUnknown && b.type != kUnknown && a.type != b.type)
        return type_mismatch();
      t = a.type == kUnknown ? b.type : a.type;
    }
    push(t);
    if (live())
      emit_dst(IOp::SelectOp, {m_stack.back().slot, a.slot, b.slot, c.slot});
    return {};
  }
  case Opcode::LocalGet:
    if (in.a >= m_locals.size())
      return make_error("unknown local");
    push(m_locals[in.a]);
    m_stack.back().slot = in.a;
    return {};
  case Opcode::LocalSet:
  case Opcode::LocalTee: return op_local_set(in.a, in.op == Opcode::LocalTee);
  case Opcode::GlobalGet:
    if (in.a >= m_ctx.vm.globals.size())
      return make_error("unknown global {}", in.a);
    push(m_ctx.vm.globals[in.a].type);
    if (live())
      emit_dst(IOp::GlobalGetOp, {m_stack.back().slot, in.a});
    return {};
  case Opcode::GlobalSet: {
    if (in.a >= m_ctx.vm.globals.size())
      return make_error("unknown global {}", in.a);
    if (!m_ctx.vm.globals[in.a].is_mutable)
      return make_error("global is immutable");
    Operand v = ISOBOX_TRY(pop(m_ctx.vm.globals[in.a].type));
    if (live())
      emit(IOp::GlobalSetOp, {in.a, v.slot});
    return {};
  }
  case Opcode::RefNull:
    push(in.type);
    if (live())
      emit_dst(IOp::Const64, {m_stack.back().slot, 0xffffffffu, 0xffffffffu});
    return {};
  case Opcode::RefIsNull: {
    Operand v = ISOBOX_TRY(pop());
    if (v.type != kUnknown && !is_ref(v.type))
      return type_mismatch();
    push(ValType::I32);
    if (live())
      emit_dst(IOp::RefIsNullOp, {m_stack.back().slot, v.slot});
    return {};
  }
  case Opcode::RefFunc:
    if (in.a >= m_ctx.vm.func_types.size())
      return make_error("unknown function {}", in.a);
    if (!m_ctx.declared_refs.contains(in.a))
      return make_error("undeclared function reference");
    push(ValType::FuncRef);
    if (live())
      emit_dst(IOp::RefFuncOp, {m_stack.back().slot, in.a});
    return {};
  case Opcode::I32Const:
  case Opcode::F32Const:
    push(in.op == Opcode::I32Const ? ValType::I32 : ValType::F32);
    if (live())
      emit_dst(IOp::Const32, {m_stack.back().slot, static_cast<uint32_t>(in.c)});
    return {};
  case Opcode::I64Const:
  case Opcode::F64Const:
    push(in.op == Opcode::I64Const ? ValType::I64 : ValType::F64);
    if (live())
      emit_dst(IOp::Const64, {m_stack.back().slot, static_cast<uint32_t>(in.c),
                              static_cast<uint32_t>(in.c >> 32)});
    return {};
  default: break;
  }
  const OpcodeInfo &info = opcode_info(in.op);
  switch (info.imm) {
  case ImmKind::Mem8:
  case ImmKind::Mem16:
  case ImmKind::Mem32:
  case ImmKind::Mem64:
  case ImmKind::MemIdx:
  case ImmKind::MemInit:
  case ImmKind::MemCopy:
  case ImmKind::Data: return op_memory(in);
  case ImmKind::Table:
  case ImmKind::TableCopy:
  case ImmKind::TableInit:
  case ImmKind::Elem: return op_table(in);
  default: return op_simple(in);
  }
}

/// True if `addr` is the canonical result of the I32AddImm at `pos`, rewindable.
bool FuncCompiler::added_address(IOp op, uint32_t pos, const Operand &addr) const {
  return op == IOp::I32AddImm && pos >= m_barrier && pos + 4 <= here() &&
         m_out.code[pos + 1] == addr.slot && addr.slot >= m_fss;
}

/// The load/store variant that adds an immediate to the address slot first.
IOp k_variant(Opcode op) {
  const unsigned i = static_cast<unsigned>(op) - static_cast<unsigned>(Opcode::I32Load);
  return static_cast<IOp>(static_cast<unsigned>(IOp::I32LoadK) + i);
}

Result<void> FuncCompiler::op_memory(const Instr &in) {
  const OpcodeInfo &info = opcode_info(in.op);
  if (in.op == Opcode::MemoryInit)
    ISOBOX_CHECK(check_memory());
  if (in.op == Opcode::DataDrop || in.op == Opcode::MemoryInit) {
    const size_t count = m_module.data_count ? *m_module.data_count : m_module.datas.size();
    if (in.a >= count)
      return make_error("unknown data segment {}", in.a);
    if (in.op == Opcode::DataDrop) {
      if (live())
        emit(IOp::DataDropOp, {in.a});
      return {};
    }
  }
  ISOBOX_CHECK(check_memory());
  switch (in.op) {
  case Opcode::MemorySize:
    push(ValType::I32);
    if (live())
      emit_dst(IOp::MemorySizeOp, {m_stack.back().slot});
    return {};
  case Opcode::MemoryGrow: {
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    push(ValType::I32);
    if (live())
      emit_dst(IOp::MemoryGrowOp, {m_stack.back().slot, n.slot});
    return {};
  }
  case Opcode::MemoryInit:
  case Opcode::MemoryCopy:
  case Opcode::MemoryFill: {
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    Operand b = ISOBOX_TRY(pop(ValType::I32));
    Operand a = ISOBOX_TRY(pop(ValType::I32));
    if (!live())
      return {};
    if (in.op == Opcode::MemoryInit)
      emit(IOp::MemoryInitOp, {in.a, a.slot, b.slot, n.slot});
    else
      emit(in.op == Opcode::MemoryCopy ? IOp::MemoryCopyOp : IOp::MemoryFillOp,
           {a.slot, b.slot, n.slot});
    return {};
  }
  default: break;
  }
  if (in.a >= 32 || (1u << in.a) > (1u << natural_align_log2(info.imm)))
    return make_error("alignment must not be larger than natural");
  const uint32_t off = static_cast<uint32_t>(in.c);
  if (info.result != SigType::_) { // load
    Operand addr = ISOBOX_TRY(pop(ValType::I32));
    push(sig_type(info.result));
    if (!live())
      return {};
    const uint32_t dst = m_stack.back().slot;
    if (here() == m_last_pos + 4 && added_address(m_last_op, m_last_pos, addr)) {
      const uint32_t a = m_out.code[m_last_pos + 2], k = m_out.code[m_last_pos + 3];
      m_out.code.resize(m_last_pos);
      emit_dst(k_variant(in.op), {dst, a, k, off});
    } else {
      emit_dst(to_iop(in.op), {dst, addr.slot, off});
    }
    return {};
  }
  Operand v = ISOBOX_TRY(pop(sig_type(info.param2)));
  Operand addr = ISOBOX_TRY(pop(ValType::I32));
  if (!live())
    return {};
  if (here() == m_last_pos + 4 && added_address(m_last_op, m_last_pos, addr)) {
    const uint32_t a = m_out.code[m_last_pos + 2], k = m_out.code[m_last_pos + 3];
    m_out.code.resize(m_last_pos);
    emit(k_variant(in.op), {a, v.slot, k, off});
  } else if (m_last_op == IOp::Const32 && here() == m_last_pos + 3 &&
             m_out.code[m_last_pos + 1] == v.slot && v.slot >= m_fss &&
             m_prev_pos + 4 == m_last_pos && added_address(m_prev_op, m_prev_pos, addr)) {
    // `addr + k; const c; store`: the constant's Const32 moves before the fused store.
    const uint32_t a = m_out.code[m_prev_pos + 2], k = m_out.code[m_prev_pos + 3];
    const uint32_t c = m_out.code[m_last_pos + 2];
    m_out.code.resize(m_prev_pos);
    emit(IOp::Const32, {v.slot, c});
    emit(k_variant(in.op), {a, v.slot, k, off});
  } else {
    emit(to_iop(in.op), {addr.slot, v.slot, off});
  }
  return {};
}

Result<void> FuncCompiler::op_table(const Instr &in) {
  if (in.op == Opcode::TableInit)
    ISOBOX_CHECK(check_table(in.b));
  if (in.op == Opcode::ElemDrop || in.op == Opcode::TableInit) {
    if (in.a >= m_module.elems.size())
      return make_error("unknown elem segment {}", in.a);
  }
  switch (in.op) {
  case Opcode::ElemDrop:
    if (live())
      emit(IOp::ElemDropOp, {in.a});
    return {};
  case Opcode::TableInit:
  case Opcode::TableCopy: {
    const uint32_t dst_table = in.op == Opcode::TableInit ? in.b : in.a;
    ISOBOX_CHECK(check_table(dst_table));
    ValType src_type;
    if (in.op == Opcode::TableInit) {
      src_type = m_module.elems[in.a].type;
    } else {
      ISOBOX_CHECK(check_table(in.b));
      src_type = m_ctx.vm.tables[in.b].elem;
    }
    if (src_type != m_ctx.vm.tables[dst_table].elem)
      return type_mismatch();
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    Operand s = ISOBOX_TRY(pop(ValType::I32));
    Operand d = ISOBOX_TRY(pop(ValType::I32));
    if (!live())
      return {};
    if (in.op == Opcode::TableInit)
      emit(IOp::TableInitOp, {in.b, in.a, d.slot, s.slot, n.slot});
    else
      emit(IOp::TableCopyOp, {in.a, in.b, d.slot, s.slot, n.slot});
    return {};
  }
  default: break;
  }
  ISOBOX_CHECK(check_table(in.a));
  const ValType et = m_ctx.vm.tables[in.a].elem;
  switch (in.op) {
  case Opcode::TableGet: {
    Operand i = ISOBOX_TRY(pop(ValType::I32));
    push(et);
    if (live())
      emit_dst(IOp::TableGetOp, {m_stack.back().slot, in.a, i.slot});
    return {};
  }
  case Opcode::TableSet: {
    Operand v = ISOBOX_TRY(pop(et));
    Operand i = ISOBOX_TRY(pop(ValType::I32));
    if (live())
      emit(IOp::TableSetOp, {in.a, i.slot, v.slot});
    return {};
  }
  case Opcode::TableSize:
    push(ValType::I32);
    if (live())
      emit_dst(IOp::TableSizeOp, {m_stack.back().slot, in.a});
    return {};
  case Opcode::TableGrow: {
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    Operand v = ISOBOX_TRY(pop(et));
    push(ValType::I32);
    if (live())
      emit_dst(IOp::TableGrowOp, {m_stack.back().slot, in.a, v.slot, n.slot});
    return {};
  }
  case Opcode::TableFill: {
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    Operand v = ISOBOX_TRY(pop(et));
    Operand i = ISOBOX_TRY(pop(ValType::I32));
    if (live())
      emit(IOp::TableFillOp, {in.a, i.slot, v.slot, n.slot});
    return {};
  }
  default: return make_error("illegal opcode");
  }
}

/// The internal operator taking an immediate second operand, for i32 operators that have one.
std::optional<IOp> imm_variant(Opcode op) {
  switch (op) {
  case Opcode::I32Add:
  case Opcode::I32Sub: return IOp::I32AddImm;
  case Opcode::I32Mul: return IOp::I32MulImm;
  case Opcode::I32And: return IOp::I32AndImm;
  case Opcode::I32Or: return IOp::I32OrImm;
  case Opcode::I32Xor: return IOp::I32XorImm;
  case Opcode::I32Shl: return IOp::I32ShlImm;
  case Opcode::I32ShrS: return IOp::I32ShrSImm;
  case Opcode::I32ShrU: return IOp::I32ShrUImm;
  default:
    if (op >= Opcode::I32Eq && op <= Opcode::I32GeU)
      return static_cast<IOp>(static_cast<unsigned>(IOp::I32EqImm) +
                              (static_cast<unsigned>(op) - static_cast<unsigned>(Opcode::I32Eq)));
    return std::nullopt;
  }
}

/// Numeric operators: types from opcodes.def; `x + const` becomes I32AddImm.
Result<void> FuncCompiler::op_simple(const Instr &in) {
  const OpcodeInfo &info = opcode_info(in.op);
  if (info.result == SigType::X)
    return make_error("illegal opcode");
  std::optional<Operand> b;
  if (info.param2 != SigType::_)
    b = ISOBOX_TRY(pop(sig_type(info.param2)));
  Operand a = ISOBOX_TRY(pop(sig_type(info.param1)));
  const bool const_b = b && m_last_op == IOp::Const32 && m_last_dst_word == m_last_pos + 1 &&
                       here() == m_last_pos + 3 && m_out.code[m_last_pos + 1] == b->slot &&
                       b->slot >= m_fss;
  push(sig_type(info.result));
  if (!live())
    return {};
  const uint32_t dst = m_stack.back().slot;
  if (const_b) {
    if (auto imm_op = imm_variant(in.op)) {
      uint32_t c = m_out.code[m_last_pos + 2];
      m_out.code.resize(m_last_pos);
      if (in.op == Opcode::I32Sub)
        c = 0u - c;
      emit_dst(*imm_op, {dst, a.slot, c});
      return {};
    }
  }
  if (b)
    emit_dst(to_iop(in.op), {dst, a.slot, b->slot});
  else
    emit_dst(to_iop(in.op), {dst, a.slot});
  return {};
}

} // namespace

Result<CompiledFunc> compile_function(const ValidationContext &ctx, uint32_t index) {
  return FuncCompiler(ctx, index).run();
}

} // namespace isobox::wasm
