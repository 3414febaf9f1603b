// InterpEmitter: the interpreter's code generator, driven by the validator (FuncEmitter): every
// operand-stack position has a fixed frame slot, local.get is an alias (no copy), results are
// retargeted into locals, compares and loads fuse into branches and arithmetic.
#pragma once

#include <memory>

#include "wasm/interp/code.hpp"
#include "wasm/validator/func_emitter.hpp"

namespace isobox::wasm::interp {

/// Per open construct: where branches to it go and what is patched at its `end`.
struct Label {
  uint32_t loop_pos = 0;
  int64_t fuel_word = -1; ///< a loop's LoopEntry cost word, patched at its `end`
  std::vector<std::pair<uint32_t, uint32_t>> fixups; ///< (instr pos, word pos) jumping to end
  int64_t else_instr = -1, else_word = -1;           ///< `if`'s branch to the else arm
};

class InterpEmitter final : public FuncEmitter {
public:
  InterpEmitter() : m_handlers(handler_offsets()) {}
  /// The code of every function emitted so far, direct calls linked; the emitter is empty after.
  std::shared_ptr<const InterpCode> take();

  void begin_function(FuncState &state) override;
  Result<void> end_function() override;
  void numeric_op(const Instr &in, std::span<const Operand> args) override;
  void memory_op(const Instr &in, std::span<const Operand> args) override;
  void table_op(const Instr &in, std::span<const Operand> args) override;
  void value_op(const Instr &in, std::span<const Operand> args) override;
  void unreachable() override;
  void local_get(uint32_t idx) override { note_local_read(idx); }
  void local_set(uint32_t idx, const Operand &value) override;
  void block_start(const Instr &in, const Operand *cond, Ctrl &c, bool was_live) override;
  void else_arm(Ctrl &c, const std::vector<Operand> &results) override;
  void end(Ctrl &c, const std::vector<Operand> &results) override;
  void before_branch(size_t arity) override { materialize_top(arity); }
  void br(uint32_t depth, const std::vector<Operand> &vals, size_t first) override;
  void br_if(uint32_t depth, const Operand &cond, const std::vector<Operand> &vals,
             size_t first) override;
  void br_table(const Operand &index, const std::vector<uint32_t> &labels,
                const std::vector<Operand> &vals, size_t first) override;
  void call(const Instr &in, const FuncType &type, const Operand *table_index,
            const std::vector<Operand> &args, size_t first) override;

private:
  uint32_t canon(size_t pos) const { return m_fss + static_cast<uint32_t>(pos); }
  bool live() const { return m_s->live(); }

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
    Operand &o = m_s->stack[pos];
    if (o.slot != canon(pos) && o.type != kUnknownType) {
      copy(canon(pos), o.slot);
      o.slot = canon(pos);
    }
  }
  /// The validator records aliases of locals by local (scratch.alias_at), so materializing
  /// costs what was pushed since, not the stack height (which made validation quadratic:
  /// every block start and local.set walked the whole stack).
  void materialize_local(uint32_t local) {
    auto &at = m_s->scratch.alias_at[local];
    for (uint32_t pos : at)
      if (pos < m_s->stack.size() && m_s->stack[pos].slot == local)
        materialize(pos);
    at.clear();
  }
  void materialize_all() {
    for (uint32_t local : m_s->scratch.aliased)
      materialize_local(local);
    m_s->scratch.aliased.clear();
  }
  /// A branch carrying at least this many values copies them as one range (CopyRange): the
  /// code of a branch is then O(1), not O(arity) (250K br_ifs of 1000 values made 3 GB of code).
  static constexpr size_t kRangeMin = 8;
  void materialize_top(size_t n);
  bool is_range(const std::vector<Operand> &vals, size_t first_pos) const;

  // Values (interp_emitter.cpp, emit_memory.cpp).
  uint32_t dst() const { return m_s->stack.empty() ? 0 : m_s->stack.back().slot; }
  void op_load(const Instr &in, const Operand &addr, uint32_t dst);
  void op_store(const Instr &in, const Operand &addr, const Operand &v);
  bool added_address(IOp op, uint32_t pos, const Operand &addr) const;
  bool try_fuse_loads(Opcode op, const Operand &a, const Operand &b, uint32_t dst);
  bool try_store_imm(Opcode op, const Operand &addr, const Operand &v, uint32_t off);

  // Branches (emit_control.cpp).
  bool needs_copies(const Ctrl &target, const std::vector<Operand> &vals) const;
  Label &label_of(const Ctrl &c) { return m_labels[static_cast<size_t>(&c - m_s->ctrl.data())]; }
  void emit_return(const std::vector<Operand> &vals, size_t first_pos);
  void emit_jump_to(Ctrl &target);
  void emit_branch(Ctrl &target, const std::vector<Operand> &vals, size_t first_pos);
  bool try_fuse_cond(const Operand &cond, bool branch_if_true, uint32_t &word);
  void emit_cond_branch(const Operand &cond, bool branch_if_true, Ctrl *target, uint32_t &instr,
                        uint32_t &word);
  void emit_br_table(const Operand &index, const std::vector<uint32_t> &labels,
                     const std::vector<Operand> &vals, size_t first);
  void finish_locals();

  /// Which declared locals must start at zero: kUnseen until the first access; a read first
  /// (kReadFirst) needs the zero, a write that every later point passes through first
  /// (kWrittenFirst) does not. (scratch.local_use holds the state, scratch.used the locals that
  /// left kUnseen.)
  enum LocalUse : uint8_t { kUnseen, kReadFirst, kWrittenFirst };
  void set_local_use(uint32_t idx, uint8_t use) {
    m_s->scratch.local_use[idx] = use;
    m_s->scratch.used.push_back(idx);
  }
  void note_local_read(uint32_t idx) {
    if (idx >= m_out.num_params && m_s->scratch.local_use[idx] == kUnseen)
      set_local_use(idx, kReadFirst);
  }
  void note_local_write(uint32_t idx) {
    if (idx >= m_out.num_params && m_s->scratch.local_use[idx] == kUnseen && live() &&
        dominates_rest())
      set_local_use(idx, kWrittenFirst);
  }
  /// True if the current point lies on every path to every later point of the body: no open
  /// construct is skippable (an `if`/`else` arm, or a block some branch already left forward).
  bool dominates_rest() const { return m_first_skippable >= m_s->ctrl.size(); }
  /// A forward branch to `depth` skips the rest of every construct up to its target. Only the
  /// lowest skippable construct is kept: the question is only ever "is any open one skippable",
  /// and constructs close innermost first (marking them one by one was quadratic in depth).
  void note_branch(uint32_t depth) {
    Ctrl &target = m_s->label(depth);
    if (target.kind == Opcode::Loop || m_s->is_function_label(target))
      return; // back to the loop head (re-runs the path) or out of the function
    m_first_skippable = std::min(m_first_skippable, m_s->ctrl.size() - 1 - depth);
  }

  const int32_t *m_handlers;
  std::vector<CompiledFunc> m_funcs; ///< every function emitted so far
  FuncState *m_s = nullptr;          ///< the validator's state of the current function
  CompiledFunc m_out;
  std::vector<Label> m_labels; ///< parallel to m_s->ctrl
  uint32_t m_fss = 0;          ///< first stack slot = params + locals
  uint32_t m_last_pos = 0;
  IOp m_last_op = IOp::Count_;
  int64_t m_last_dst_word = -1;
  uint32_t m_prev_pos = 0; ///< the instruction before the last one
  IOp m_prev_op = IOp::Count_;
  /// Fuel (instruction counts, issue 4): an instruction is charged to its innermost loop (per
  /// iteration) or to the function (per call). Per open loop (the function at the bottom): the
  /// instruction count at its start and the instructions of the loops closed inside it since.
  struct FuelSpan {
    uint32_t start = 0, nested = 0;
  };
  std::vector<FuelSpan> m_fuel;
  size_t m_first_skippable = SIZE_MAX; ///< index in ctrl of the lowest skippable construct
  uint32_t m_barrier = 0; ///< code before this may be a branch target's predecessor: never rewound
};

} // namespace isobox::wasm::interp
