// FuncValidator: validates one function body (spec 3.3, the algorithm of the spec appendix:
// operand and control stacks) and drives an emitter with each validated operator. A template on
// the emitter's type, so a final emitter's events are direct calls: FuncEmitter itself (virtual
// events), the null emitter of validation alone, the interpreter's. The definitions are in
// func_validate*.inc, included at the end; validate_bodies() runs it over a module.
#pragma once

#include <optional>
#include <unordered_set>

#include "wasm/binary/limits.hpp"
#include "wasm/validator/func_emitter.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::wasm::validation {

inline constexpr ValType kUnknown = kUnknownType;

inline Result<void> type_mismatch() { return make_error("type mismatch"); }
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

/// What function validation needs to know about the module (spec 3.1.1 context C).
struct ValidationContext {
  const ValidatedModule &vm;
  CompileScratch &scratch;
};

enum class Event : uint8_t { Numeric, Memory, Table, Value };

template <class E> class FuncValidator {
public:
  FuncValidator(const ValidationContext &ctx, E &emitter, uint32_t index);
  Result<void> run();

private:
  // Operand stack (spec appendix: push_val / pop_val / pop_vals).
  uint32_t canon(size_t pos) const { return m_s.canon(pos); }
  bool live() const { return m_s.live(); }
  void push(ValType t) {
    m_s.stack.push_back({t, canon(m_s.stack.size())});
    m_s.max_height = std::max<uint32_t>(m_s.max_height, static_cast<uint32_t>(m_s.stack.size()));
  }
  /// Pushes `o`, which may be an alias of a local (its slot is the local's).
  void push_operand(Operand o) {
    if (o.slot < m_s.slot_base && o.type != kUnknown)
      note_alias(o.slot, m_s.stack.size());
    m_s.stack.push_back(o);
    m_s.max_height = std::max<uint32_t>(m_s.max_height, static_cast<uint32_t>(m_s.stack.size()));
  }
  /// Aliases of locals on the stack are recorded by local (scratch.alias_at), so an emitter
  /// finds them at the cost of what was pushed since, not of the stack height.
  void note_alias(uint32_t local, size_t pos) {
    auto &at = m_s.scratch.alias_at[local];
    if (at.empty())
      m_s.scratch.aliased.push_back(local);
    at.push_back(static_cast<uint32_t>(pos));
  }
  Result<Operand> pop() {
    if (m_s.stack.size() == m_s.ctrl.back().height) {
      if (m_s.ctrl.back().unreachable)
        return Operand{kUnknown, canon(m_s.stack.size())};
      ISOBOX_CHECK(type_mismatch());
    }
    Operand o = m_s.stack.back();
    m_s.stack.pop_back();
    return o;
  }
  Result<Operand> pop(ValType expect) {
    Operand o = ISOBOX_TRY(pop());
    if (o.type != expect && o.type != kUnknown && expect != kUnknown)
      ISOBOX_CHECK(type_mismatch());
    return o;
  }
  /// Checks (without popping) that the operands on top of the stack match `types`, as popping
  /// them would (spec appendix pop_vals), so a br_table can check many labels cheaply.
  Result<void> check_top(const std::vector<ValType> &types) const;
  Result<std::vector<Operand>> pop_all(const std::vector<ValType> &types) {
    m_s.scratch.work += types.size();
    std::vector<Operand> ops(types.size());
    for (size_t i = types.size(); i-- > 0;)
      ops[i] = ISOBOX_TRY(pop(types[i]));
    return ops;
  }
  void push_all(const std::vector<ValType> &types) {
    m_s.scratch.work += types.size();
    for (ValType t : types)
      push(t);
  }
  void set_unreachable() {
    m_s.stack.resize(m_s.ctrl.back().height);
    m_s.ctrl.back().unreachable = true;
  }
  /// Tells the emitter about a value operator whose operands `args` were popped.
  template <Event event = Event::Value>
  void emit_value(const Instr &in, std::initializer_list<Operand> args) {
    if (!live())
      return;
    const std::span<const Operand> ops(args.begin(), args.size());
    if constexpr (event == Event::Numeric)
      m_e.numeric_op(in, ops);
    else if constexpr (event == Event::Memory)
      m_e.memory_op(in, ops);
    else if constexpr (event == Event::Table)
      m_e.table_op(in, ops);
    else
      m_e.value_op(in, ops);
  }
  void emit_memory(const Instr &in, std::initializer_list<Operand> args) {
    emit_value<Event::Memory>(in, args);
  }
  void emit_table(const Instr &in, std::initializer_list<Operand> args) {
    emit_value<Event::Table>(in, args);
  }

  void prepare_locals();
  void clear_aliases();
  static constexpr uint32_t kInterruptStride = 4096;
  Result<void> instr(const Instr &in);
  Result<void> op_parametric(const Instr &in);
  Result<void> op_variable(const Instr &in);
  Result<void> block_start(const Instr &in);
  Result<void> op_else();
  Result<void> op_end();
  Result<void> op_br(uint32_t depth);
  Result<void> op_br_if(uint32_t depth);
  Result<void> op_br_table(const Instr &in);
  Result<void> check_br_table(const std::vector<uint32_t> &labels, size_t arity) const;
  Result<void> op_call(const FuncType &ft, std::optional<Operand> table_index, const Instr &in);
  Result<void> op_local_set(uint32_t idx, bool tee);
  Result<void> op_memory(const Instr &in);
  Result<void> op_load_store(const Instr &in);
  Result<void> op_simple(const Instr &in);
  Result<void> op_table(const Instr &in);
  Result<void> op_table_bulk(const Instr &in);
  Result<std::pair<const std::vector<ValType> *, const std::vector<ValType> *>>
  block_type(const BlockType &bt);
  ValType local_type(uint32_t idx) const { return m_s.local_type(idx); }
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
  E &m_e;
  FuncState m_s;
};

/// Validates every function body of `module` (whose declarations validate() checked), driving
/// `emitter`; "interrupted" once `interrupt` is set.
template <class E>
Result<void> validate_bodies(const ValidatedModule &module, E &emitter,
                             const std::atomic<bool> *interrupt) {
  const Module &m = module.module;
  CompileScratch scratch;
  scratch.interrupt = interrupt;
  uint64_t code_bytes = 0;
  for (const FuncBody &b : m.bodies)
    code_bytes += b.code.size();
  scratch.work_budget = limits::kWorkPerCodeByte * code_bytes + limits::kWorkFree;
  const ValidationContext ctx{module, scratch};
  for (uint32_t i = 0; i < m.bodies.size(); ++i) {
    if (interrupt && interrupt->load(std::memory_order_relaxed))
      return make_error("interrupted");
    ISOBOX_CHECK(FuncValidator<E>(ctx, emitter, i).run());
  }
  return {};
}

} // namespace isobox::wasm::validation

#include "wasm/validator/func_validate.inc"
#include "wasm/validator/func_validate_control.inc"
#include "wasm/validator/func_validate_memory.inc"
