// ControlPlan: the validator's structural events for every function body, recorded for the LLVM
// translator (the first part of the translator as an emitter: block types come from validation).
#pragma once

#include <vector>

#include "wasm/validator/func_emitter.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::wasm::aot {

/// One block, loop or if, in the order the body opens them, as the validator checked it.
struct PlannedBlock {
  Opcode kind;
  std::vector<ValType> params, results;
  bool live; ///< reachable where it opens (the validator's view)
};

/// Records the constructs of each function (by defined-function index); value events are ignored.
class ControlPlan final : public FuncEmitter {
public:
  /// Runs the function validator over `module` with this emitter; errors are validation's.
  static Result<ControlPlan> of(const ValidatedModule &module);
  const std::vector<PlannedBlock> &blocks(uint32_t defined_index) const {
    return m_funcs[defined_index];
  }

  void begin_function(FuncState &) override { m_funcs.emplace_back(); }
  Result<void> end_function() override { return {}; }
  void numeric_op(const Instr &, std::span<const Operand>) override {}
  void memory_op(const Instr &, std::span<const Operand>) override {}
  void table_op(const Instr &, std::span<const Operand>) override {}
  void value_op(const Instr &, std::span<const Operand>) override {}
  void unreachable() override {}
  void local_get(uint32_t) override {}
  void local_set(uint32_t, const Operand &) override {}
  void block_start(const Instr &in, const Operand *, Ctrl &c, bool was_live) override {
    m_funcs.back().push_back(PlannedBlock{in.op, *c.params, *c.results, was_live});
  }
  void else_arm(Ctrl &, const std::vector<Operand> &) override {}
  void end(Ctrl &, const std::vector<Operand> &) override {}
  void before_branch(size_t) override {}
  void br(uint32_t, const std::vector<Operand> &, size_t) override {}
  void br_if(uint32_t, const Operand &, const std::vector<Operand> &, size_t) override {}
  void br_table(const Operand &, const std::vector<uint32_t> &, const std::vector<Operand> &,
                size_t) override {}
  void call(const Instr &, const FuncType &, const Operand *, const std::vector<Operand> &,
            size_t) override {}

private:
  std::vector<std::vector<PlannedBlock>> m_funcs;
};

inline Result<ControlPlan> ControlPlan::of(const ValidatedModule &module) {
  ControlPlan plan;
  ISOBOX_CHECK(emit_functions(module, plan));
  return plan;
}

} // namespace isobox::wasm::aot
