// FuncTranslator: one validated Wasm function body -> LLVM IR (a function of the AOT ABI).
#pragma once

#include <string>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "wasm/aot/abi.hpp"
#include "wasm/aot/llvm/control_plan.hpp"
#include "wasm/binary/instr.hpp"
#include "wasm/binary/module.hpp"

namespace isobox::wasm::aot {

/// Module-wide facts and LLVM declarations shared by every function's translation.
struct ModuleEnv {
  llvm::LLVMContext &ll;
  llvm::Module &mod;
  const Module &wm;
  const ControlPlan *plan = nullptr;   ///< the validator's constructs of every body
  std::vector<uint32_t> func_types;    ///< type index of every function, imports first
  std::vector<ValType> global_types;   ///< all globals, imports first
  std::vector<llvm::Function *> funcs; ///< defined functions (nullptr for imports)
  bool has_memory = false;
  bool interruptible = false; ///< check ctx->interrupt at function entries and loop headers
  bool metered = false;       ///< charge fuel at function entries and loop headers
  bool count_depth = false;   ///< check the depth argument against ctx->max_depth

  llvm::Type *type_of(ValType t) const;
  llvm::Type *results_type(const FuncType &ft) const; ///< void, one type, or a struct
  llvm::FunctionType *wasm_fn_type(const FuncType &ft) const;
  llvm::FunctionCallee helper(const char *name, llvm::Type *ret,
                              std::initializer_list<llvm::Type *> params) const;
  llvm::PointerType *ptr() const { return llvm::PointerType::getUnqual(ll); }
};

/// Translates one function body; the module was validated, so only unsupported features fail.
class FuncTranslator {
public:
  FuncTranslator(ModuleEnv &env, uint32_t func_index);
  /// Fills the LLVM function; an empty string on success, else what is unsupported.
  std::string run();

private:
  enum class CtlKind : uint8_t { Block, Loop, If, Func };
  struct Ctl {
    CtlKind kind;
    llvm::BasicBlock *header = nullptr; ///< loop: branch target
    llvm::BasicBlock *merge = nullptr;  ///< block/if/func: after `end`
    llvm::BasicBlock *else_bb = nullptr;
    std::vector<llvm::PHINode *> header_phis, merge_phis;
    std::vector<ValType> params, results;
    std::vector<llvm::Value *> if_params;
    size_t height = 0; ///< operand stack height below the params
    bool has_else = false;
  };

  // translate_control.cpp
  std::string step(const Instr &in, const Instr *next);
  void push_ctl(CtlKind kind, const PlannedBlock &block);
  void add_incoming(std::vector<llvm::PHINode *> &phis, size_t arity);
  void branch_to(uint32_t depth);
  void op_br_if(uint32_t depth);
  void op_br_table(const Instr &in);
  void op_if(const PlannedBlock &block);
  void op_else();
  void op_end();
  void op_return();
  void op_call(uint32_t func);
  void op_call_indirect(uint32_t type, uint32_t table);
  void push_results(llvm::Value *ret, const FuncType &ft);
  void skip(const Instr &in);
  void set_unreachable();
  void trap_if(llvm::Value *cond, TrapCode code);
  void emit_prologue();
  void check_interrupt();

  // translate_limits.cpp
  void count_fuel(const Instr &in);
  void charge_fuel();
  void fuel_to_memory();
  void fuel_from_memory();
  void enter_depth();
  llvm::Value *callee_depth();
  void publish_depth(llvm::Value *depth);

  // translate_ops.cpp
  bool numeric(const Instr &in);
  bool int_binary(Opcode op, llvm::Value *a, llvm::Value *c);
  bool float_op(Opcode op);
  llvm::Value *quiet_nan(llvm::Value *v);
  bool conversion(Opcode op);
  llvm::Value *checked_trunc(llvm::Value *v, llvm::Type *to, bool is_signed);
  llvm::Value *div_rem(Opcode op, llvm::Value *a, llvm::Value *c);
  bool memory_op(const Instr &in, bool dropped);
  llvm::Value *address(llvm::Value *index, uint64_t offset);
  bool bulk_op(const Instr &in);
  bool variable_op(const Instr &in);

  /// The next construct the validator saw in this body (error if the translator is out of
  /// step with it).
  std::string next_block(Opcode kind, const PlannedBlock *&block);
  llvm::Value *pop() {
    llvm::Value *v = m_stack.back();
    m_stack.pop_back();
    return v;
  }
  void push(llvm::Value *v) { m_stack.push_back(v); }
  llvm::Value *i32(uint64_t v) { return m_b.getInt32(static_cast<uint32_t>(v)); }
  llvm::Value *bool_i32(llvm::Value *c) { return m_b.CreateZExt(c, m_b.getInt32Ty()); }
  llvm::Value *call(const char *name, llvm::Type *ret, std::initializer_list<llvm::Value *> args);

  ModuleEnv &m_env;
  uint32_t m_index;
  const FuncType &m_type;
  const FuncBody &m_body;
  llvm::Function *m_fn;
  llvm::IRBuilder<> m_b;
  llvm::Value *m_ctx = nullptr;
  llvm::Value *m_mem = nullptr;     ///< memory base (loaded once: it never moves)
  llvm::Value *m_globals = nullptr; ///< uint64_t ** array
  std::vector<llvm::AllocaInst *> m_locals;
  std::vector<ValType> m_local_types;
  std::vector<llvm::Value *> m_stack;
  std::vector<Ctl> m_ctl;
  bool m_unreachable = false;
  unsigned m_skip_depth = 0; ///< nested blocks inside unreachable code
  size_t m_next_block = 0;   ///< into m_env.plan->blocks(this function)

  /// Fuel of the function body and of each enclosing loop's iteration: the interpreter's cost
  /// (every instruction but block, loop, else, end and nop), counted as the body is read and
  /// patched into the charge emitted at the header once the `end` is reached.
  struct FuelSite {
    uint64_t cost = 0;
    llvm::Instruction *cmp = nullptr, *sub = nullptr; ///< null: nothing emitted (dead loop)
  };
  std::vector<FuelSite> m_fuel;
  std::vector<bool> m_fuel_nesting;         ///< every open block, live or dead: is it a loop?
  llvm::AllocaInst *m_fuel_local = nullptr; ///< the fuel left, while this function runs
  llvm::Value *m_fuel_ptr = nullptr;        ///< the store's counter
  llvm::Value *m_depth = nullptr;           ///< the depth argument: Wasm frames below this one
};

/// Loads a pointer field of the context that never changes while code runs (translate_limits.cpp).
llvm::Value *load_ctx_pointer(llvm::IRBuilder<> &b, llvm::Value *ctx, unsigned offset);

/// Adds the entry wrappers and call thunks (compile_module.cpp).
void add_entry_wrapper(ModuleEnv &env, uint32_t func_index);
void add_call_thunk(ModuleEnv &env, uint32_t type_index);

} // namespace isobox::wasm::aot
