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
class ControlPlan final : public NullEmitter {
public:
  /// Runs the function validator over `module` with this emitter; errors are validation's.
  static Result<ControlPlan> of(const ValidatedModule &module);
  const std::vector<PlannedBlock> &blocks(uint32_t defined_index) const {
    return m_funcs[defined_index];
  }

  void begin_function(FuncState &) override { m_funcs.emplace_back(); }
  void block_start(const Instr &in, const Operand *, Ctrl &c, bool was_live) override {
    m_funcs.back().push_back(PlannedBlock{in.op, *c.params, *c.results, was_live});
  }

private:
  std::vector<std::vector<PlannedBlock>> m_funcs;
};

inline Result<ControlPlan> ControlPlan::of(const ValidatedModule &module) {
  ControlPlan plan;
  ISOBOX_CHECK(emit_functions(module, plan));
  return plan;
}

} // namespace isobox::wasm::aot
