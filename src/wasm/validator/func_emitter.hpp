// The emitter interface: what the function-body validator tells a code generator (operator events
// with their validated immediates and operand types), and the validation state it may read.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "common/error.hpp"
#include "wasm/binary/instr.hpp"
#include "wasm/binary/module.hpp"

namespace isobox::wasm {

struct ValidatedModule;

/// The type of an operand popped from the polymorphic stack of unreachable code (spec appendix).
inline constexpr ValType kUnknownType = static_cast<ValType>(0);

/// One operand-stack entry. `slot` names the value in one numbering of locals then stack
/// positions: a value computed at stack position p is `slot_base + p` (its canonical slot); a
/// `local.get` pushes the local's own index (an alias), which an emitter may keep or copy.
struct Operand {
  ValType type;
  uint32_t slot;
};

/// One open construct (spec appendix ctrl_frame). Label and block types point into the module's
/// types or into static vectors: a construct costs O(1) memory whatever its arity.
struct Ctrl {
  Opcode kind;
  const std::vector<ValType> *params, *results;
  uint32_t height = 0;
  bool unreachable = false;
  bool has_else = false;
  bool dead = false; ///< entered from unreachable code: validated, but nothing to emit
  const std::vector<ValType> &label_types() const {
    return kind == Opcode::Loop ? *params : *results;
  }
};

/// Buffers indexed by local that one validation reuses for all its functions, reset only where
/// a function touched them: a function's cost then depends on its size, not on how many locals
/// it declares (40 bodies of 8 bytes declaring 50M locals each took 10 s).
struct CompileScratch {
  std::vector<uint8_t> local_use;               ///< by local: an emitter's per-local state
  std::vector<uint32_t> used;                   ///< locals whose local_use is set
  std::vector<std::vector<uint32_t>> alias_at;  ///< by local: stack positions aliasing it
  std::vector<uint32_t> aliased;                ///< locals whose alias_at is not empty
  const std::atomic<bool> *interrupt = nullptr; ///< checked every kInterruptStride instructions
  /// Operand types moved or compared so far, against a budget linear in the code size: an
  /// instruction of a few bytes can move up to 1000 values (block params, br_if, return), so
  /// without it 1 MB of such code took seconds (limits::kWorkPerCodeByte).
  uint64_t work = 0, work_budget = UINT64_MAX;
};

/// The validator's state of one function body, readable by its emitter. An emitter may change
/// the `slot` of stack operands (to make an alias canonical), nothing else.
struct FuncState {
  const ValidatedModule &vm;
  const Module &module;
  uint32_t index;      ///< defined-function index (function index - imported functions)
  uint32_t type_index; ///< into module.types
  const FuncType &type;
  const FuncBody &body;
  CompileScratch &scratch;
  uint32_t slot_base = 0; ///< params + declared locals: the first stack slot
  std::vector<Operand> stack;
  std::vector<Ctrl> ctrl;
  uint32_t max_height = 0; ///< highest operand stack so far
  /// Instructions so far other than block, loop, else, end and nop (what fuel counts, issue 4);
  /// an emitter charges the difference between two points to the code between them.
  uint32_t instr_count = 0;
  std::vector<uint32_t> local_ends; ///< end (exclusive local index) of each run of locals

  uint32_t canon(size_t pos) const { return slot_base + static_cast<uint32_t>(pos); }
  /// True while the code being validated is reachable (emitters emit nothing otherwise).
  bool live() const { return !ctrl.back().unreachable && !ctrl.back().dead; }
  Ctrl &label(uint32_t depth) { return ctrl[ctrl.size() - 1 - depth]; }
  bool is_function_label(const Ctrl &c) const { return &c == &ctrl.front(); }
  ValType local_type(uint32_t idx) const {
    if (idx < type.params.size())
      return type.params[idx];
    // Declared locals are kept as runs (count, type): a function's cost does not grow with
    // its local count, only with its size.
    auto it = std::upper_bound(local_ends.begin(), local_ends.end(), idx);
    return body.locals[static_cast<size_t>(it - local_ends.begin())].second;
  }
};

/// A code generator driven by the validator, one function body at a time. Every event comes
/// after its operands were type-checked and popped (in wasm order: first operand first) and,
/// for value operators, after the result was pushed (FuncState::stack.back()). Structural
/// events come in reachable and unreachable code alike (FuncState::live() tells which);
/// value events only in reachable code.
class FuncEmitter {
public:
  virtual ~FuncEmitter() = default;
  /// A new body: the state's locals are known, its stacks empty but for the function's label.
  virtual void begin_function(FuncState &state) = 0;
  /// After the body's final `end`; an error fails validation with its message.
  virtual Result<void> end_function() = 0;

  /// Value operators, only in reachable code; `args` are the popped operands (first operand
  /// first). numeric_op: the operators typed by opcodes.def (one or two operands, one result);
  /// memory_op: loads, stores, memory.* and data.drop; table_op: table.* and elem.drop;
  /// value_op: the others (constants, select, global.get/set, ref.null/is_null/func).
  virtual void numeric_op(const Instr &in, std::span<const Operand> args) = 0;
  virtual void memory_op(const Instr &in, std::span<const Operand> args) = 0;
  virtual void table_op(const Instr &in, std::span<const Operand> args) = 0;
  virtual void value_op(const Instr &in, std::span<const Operand> args) = 0;
  /// `unreachable` in reachable code.
  virtual void unreachable() = 0;
  /// local.get `idx` (already pushed as an alias of the local).
  virtual void local_get(uint32_t idx) = 0;
  /// local.set / local.tee `idx` of `value` (for tee, before the alias is pushed).
  virtual void local_set(uint32_t idx, const Operand &value) = 0;

  /// block / loop / if: `c` is the new construct, not yet on the control stack; `cond` is the
  /// popped condition of an `if`; `was_live` whether the code before it was reachable.
  virtual void block_start(const Instr &in, const Operand *cond, Ctrl &c, bool was_live) = 0;
  /// `else` of the innermost `if`, with its then-arm results popped.
  virtual void else_arm(Ctrl &c, const std::vector<Operand> &results) = 0;
  /// `end` of the innermost construct (the function's last), with its results popped; the
  /// construct is still on the control stack.
  virtual void end(Ctrl &c, const std::vector<Operand> &results) = 0;
  /// Before a branch (br, br_if, br_table, return) pops the `arity` values it carries.
  virtual void before_branch(size_t arity) = 0;
  /// br / return to label `depth`; `vals` (label types) were at stack positions from `first`.
  virtual void br(uint32_t depth, const std::vector<Operand> &vals, size_t first) = 0;
  /// br_if: `vals` are pushed back after this event.
  virtual void br_if(uint32_t depth, const Operand &cond, const std::vector<Operand> &vals,
                     size_t first) = 0;
  /// br_table: `labels` are the targets with the default last.
  virtual void br_table(const Operand &index, const std::vector<uint32_t> &labels,
                        const std::vector<Operand> &vals, size_t first) = 0;
  /// call (`table_index` null, in.a the function) or call_indirect (in.a type, in.b table);
  /// the results are pushed after this event.
  virtual void call(const Instr &in, const FuncType &type, const Operand *table_index,
                    const std::vector<Operand> &args, size_t first) = 0;
};

/// An emitter that ignores every event: the base of validation alone and of emitters that record
/// a few events only.
class NullEmitter : public FuncEmitter {
public:
  void begin_function(FuncState &) override {}
  Result<void> end_function() override { return {}; }
  void numeric_op(const Instr &, std::span<const Operand>) override {}
  void memory_op(const Instr &, std::span<const Operand>) override {}
  void table_op(const Instr &, std::span<const Operand>) override {}
  void value_op(const Instr &, std::span<const Operand>) override {}
  void unreachable() override {}
  void local_get(uint32_t) override {}
  void local_set(uint32_t, const Operand &) override {}
  void block_start(const Instr &, const Operand *, Ctrl &, bool) override {}
  void else_arm(Ctrl &, const std::vector<Operand> &) override {}
  void end(Ctrl &, const std::vector<Operand> &) override {}
  void before_branch(size_t) override {}
  void br(uint32_t, const std::vector<Operand> &, size_t) override {}
  void br_if(uint32_t, const Operand &, const std::vector<Operand> &, size_t) override {}
  void br_table(const Operand &, const std::vector<uint32_t> &, const std::vector<Operand> &,
                size_t) override {}
  void call(const Instr &, const FuncType &, const Operand *, const std::vector<Operand> &,
            size_t) override {}
};

} // namespace isobox::wasm
