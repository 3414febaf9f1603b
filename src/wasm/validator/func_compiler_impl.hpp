// FuncCompiler's class: the validation state (operand and control stacks, spec appendix) and the
// code emitter with its peephole state. Internal to the validator; split over func_*.cpp by topic.
#pragma once

#include <algorithm>

#include "wasm/binary/instr.hpp"
#include "wasm/binary/limits.hpp"
#include "wasm/validator/func_compiler.hpp"

namespace isobox::wasm::compiler {

inline constexpr ValType kUnknown = static_cast<ValType>(0);

struct Operand {
  ValType type;
  uint32_t slot; ///< frame slot holding the value: its canonical stack slot or a local (alias)
};

/// Label and block types point into the module's types or into kValueTypes: a construct costs
/// O(1) memory whatever its arity (nested blocks of 1000 params once took gigabytes).
struct Ctrl {
  Opcode kind;
  const std::vector<ValType> *params, *results;
  uint32_t height = 0;
  bool unreachable = false;
  bool has_else = false;
  bool dead = false; ///< entered from unreachable code: validated, but no code emitted
  uint32_t loop_pos = 0;
  int64_t fuel_word = -1; ///< a loop's LoopEntry cost word, patched at its `end`
  std::vector<std::pair<uint32_t, uint32_t>> fixups; ///< (instr pos, word pos) jumping to end
  int64_t else_instr = -1, else_word = -1;           ///< `if`'s branch to the else arm
  const std::vector<ValType> &label_types() const {
    return kind == Opcode::Loop ? *params : *results;
  }
};

inline Result<void> type_mismatch() { return make_error("type mismatch"); }
enum LocalUse : uint8_t { kUnseen, kReadFirst, kWrittenFirst };
inline bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
inline ValType sig_type(SigType s) {
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
        m_handlers(handler_offsets()), m_scratch(ctx.scratch) {
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
  /// Pushes `o`, which may be an alias of a local (its slot is the local's).
  void push_operand(Operand o) {
    if (o.slot < m_fss && o.type != kUnknown)
      note_alias(o.slot, m_stack.size());
    m_stack.push_back(o);
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
  /// Checks (without popping) that the operands on top of the stack match `types`, as popping
  /// them would (spec appendix pop_vals), so a br_table can check many labels cheaply.
  Result<void> check_top(const std::vector<ValType> &types) const {
    const Ctrl &c = m_ctrl.back();
    const size_t avail = m_stack.size() - c.height, n = types.size();
    m_scratch.work += n;
    for (size_t i = 0; i < n; ++i) {
      const ValType want = types[n - 1 - i];
      if (i >= avail) {
        if (!c.unreachable)
          return type_mismatch();
        continue;
      }
      const ValType got = m_stack[m_stack.size() - 1 - i].type;
      if (got != want && got != kUnknown && want != kUnknown)
        return type_mismatch();
    }
    return {};
  }
  Result<Operand> pop(ValType expect) {
    Operand o = ISOBOX_TRY(pop());
    if (o.type != expect && o.type != kUnknown && expect != kUnknown)
      ISOBOX_CHECK(type_mismatch());
    return o;
  }
  Result<std::vector<Operand>> pop_all(const std::vector<ValType> &types) {
    m_scratch.work += types.size();
    std::vector<Operand> ops(types.size());
    for (size_t i = types.size(); i-- > 0;)
      ops[i] = ISOBOX_TRY(pop(types[i]));
    return ops;
  }
  void push_all(const std::vector<ValType> &types) {
    m_scratch.work += types.size();
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
  /// Drops the code from `pos` (the last or the one-before-last instruction) for a fused
  /// replacement; the instruction before `pos`, if known, becomes the last one again.
  void rewind(uint32_t pos) {
    m_out.code.resize(pos);
    if (pos == m_last_pos && m_prev_op != IOp::Count_ && m_prev_pos < pos) {
      m_last_pos = m_prev_pos;
      m_last_op = m_prev_op;
    } else {
      m_last_op = IOp::Count_;
    }
    m_prev_op = IOp::Count_;
    m_last_dst_word = -1;
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
  /// Aliases of locals on the stack are found through m_scratch.alias_at (by local), so
  /// materializing costs what was pushed since, not the stack height (which made validation
  /// quadratic: every block start and local.set walked the whole stack).
  void note_alias(uint32_t local, size_t pos) {
    auto &at = m_scratch.alias_at[local];
    if (at.empty())
      m_scratch.aliased.push_back(local);
    at.push_back(static_cast<uint32_t>(pos));
  }
  void materialize_local(uint32_t local) {
    auto &at = m_scratch.alias_at[local];
    for (uint32_t pos : at)
      if (pos < m_stack.size() && m_stack[pos].slot == local)
        materialize(pos);
    at.clear();
  }
  void materialize_all() {
    for (uint32_t local : m_scratch.aliased)
      materialize_local(local);
    m_scratch.aliased.clear();
  }
  /// A branch carrying at least this many values copies them as one range (CopyRange): the
  /// code of a branch is then O(1), not O(arity) (250K br_ifs of 1000 values made 3 GB of code).
  static constexpr size_t kRangeMin = 8;
  /// Before such a branch: its values into their canonical slots, so they form one range.
  void materialize_top(size_t n) {
    if (n < kRangeMin || !live())
      return;
    const size_t height = m_ctrl.back().height;
    m_scratch.work += n;
    for (size_t i = m_stack.size() - std::min(n, m_stack.size() - height); i < m_stack.size(); ++i)
      materialize(i);
  }
  bool is_range(const std::vector<Operand> &vals, size_t first_pos) const {
    if (vals.size() < kRangeMin)
      return false;
    m_scratch.work += vals.size();
    for (size_t j = 0; j < vals.size(); ++j)
      if (vals[j].slot != canon(first_pos + j))
        return false;
    return true;
  }

  // Branches.
  Ctrl &label(uint32_t depth) { return m_ctrl[m_ctrl.size() - 1 - depth]; }
  bool is_function_label(const Ctrl &c) const { return &c == &m_ctrl.front(); }
  bool needs_copies(const Ctrl &target, const std::vector<Operand> &vals) const {
    m_scratch.work += vals.size();
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

  void prepare_locals();
  void finish_locals();
  static constexpr uint32_t kInterruptStride = 4096;
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
  bool try_fuse_loads(Opcode op, const Operand &a, const Operand &b, uint32_t dst);
  bool try_store_imm(Opcode op, const Operand &addr, const Operand &v, uint32_t off);
  Result<void> op_simple(const Instr &in);
  Result<void> op_table(const Instr &in);
  Result<std::pair<const std::vector<ValType> *, const std::vector<ValType> *>>
  block_type(const BlockType &bt);
  ValType local_type(uint32_t idx) const {
    if (idx < m_type->params.size())
      return m_type->params[idx];
    // Declared locals are kept as runs (count, type): a function's cost does not grow with
    // its local count, only with its size.
    auto it = std::upper_bound(m_local_ends.begin(), m_local_ends.end(), idx);
    return m_body.locals[static_cast<size_t>(it - m_local_ends.begin())].second;
  }
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
  CompileScratch &m_scratch;
  std::vector<uint32_t> m_local_ends; ///< end (exclusive local index) of each run of locals
  uint32_t m_fss = 0;                 ///< first stack slot = params + locals
  std::vector<Operand> m_stack;
  std::vector<Ctrl> m_ctrl;
  uint32_t m_max_height = 0;
  uint32_t m_last_pos = 0;
  IOp m_last_op = IOp::Count_;
  int64_t m_last_dst_word = -1;
  uint32_t m_prev_pos = 0; ///< the instruction before the last one
  IOp m_prev_op = IOp::Count_;
  /// Fuel (instruction counts, issue 4): one counter per open loop, the function's at the bottom.
  /// An instruction is charged to its innermost loop (per iteration) or to the function (per call).
  std::vector<uint32_t> m_fuel{0};
  /// Which declared locals must start at zero: kUnseen until the first access; a read first
  /// (kReadFirst) needs the zero, a write that every later point passes through first
  /// (kWrittenFirst) does not. See note_local_*.
  /// (m_scratch.local_use holds the state, m_scratch.used the locals that left kUnseen.)
  void set_local_use(uint32_t idx, uint8_t use) {
    m_scratch.local_use[idx] = use;
    m_scratch.used.push_back(idx);
  }
  void note_local_read(uint32_t idx) {
    if (idx >= m_out.num_params && m_scratch.local_use[idx] == kUnseen)
      set_local_use(idx, kReadFirst);
  }
  void note_local_write(uint32_t idx) {
    if (idx >= m_out.num_params && m_scratch.local_use[idx] == kUnseen && live() &&
        dominates_rest())
      set_local_use(idx, kWrittenFirst);
  }
  /// True if the current point lies on every path to every later point of the body: no open
  /// construct is skippable (an `if`/`else` arm, or a block some branch already left forward).
  bool dominates_rest() const { return m_first_skippable >= m_ctrl.size(); }
  /// A forward branch to `depth` skips the rest of every construct up to its target. Only the
  /// lowest skippable construct is kept: the question is only ever "is any open one skippable",
  /// and constructs close innermost first (marking them one by one was quadratic in depth).
  void note_branch(uint32_t depth) {
    Ctrl &target = label(depth);
    if (target.kind == Opcode::Loop || is_function_label(target))
      return; // back to the loop head (re-runs the path) or out of the function
    m_first_skippable = std::min(m_first_skippable, m_ctrl.size() - 1 - depth);
  }
  size_t m_first_skippable = SIZE_MAX; ///< index in m_ctrl of the lowest skippable construct
  uint32_t m_barrier = 0; ///< code before this may be a branch target's predecessor: never rewound
};

} // namespace isobox::wasm::compiler
