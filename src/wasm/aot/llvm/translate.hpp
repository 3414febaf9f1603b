// LlvmEmitter: the validator's events for each function body -> LLVM IR (a function of the AOT
// ABI). The validator decodes and checks each body once and drives this emitter as it goes.
#pragma once

#include <string>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "wasm/aot/abi.hpp"
#include "wasm/binary/instr.hpp"
#include "wasm/binary/module.hpp"
#include "wasm/validator/func_emitter.hpp"

namespace isobox::wasm::aot {

/// Module-wide facts and LLVM declarations shared by every function's translation.
struct ModuleEnv {
  llvm::LLVMContext &ll;
  llvm::Module &mod;
  const Module &wm;
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

/// Fills the declared LLVM function of each body the validator walks. Reachability is the
/// validator's (FuncState::live()): value events come only in reachable code, and code after a
/// construct whose end nothing reaches is emitted into a block without predecessors, which LLVM
/// deletes. Operand values are kept by operand-stack position: an event's operands sit where
/// the validator's stack had them, a result is written at its position, a dropped value is
/// overwritten by whatever is pushed there next.
class LlvmEmitter final : public FuncEmitter {
public:
  explicit LlvmEmitter(ModuleEnv &env);

  void begin_function(FuncState &state) override;
  Result<void> end_function() override;
  void numeric_op(const Instr &in, std::span<const Operand> args) override;
  void memory_op(const Instr &in, std::span<const Operand> args) override;
  void table_op(const Instr &in, std::span<const Operand> args) override;
  void value_op(const Instr &in, std::span<const Operand> args) override;
  void unreachable() override;
  void local_get(uint32_t idx) override;
  void local_set(uint32_t idx, const Operand &value) override;
  void block_start(const Instr &in, const Operand *cond, Ctrl &c, bool was_live) override;
  void else_arm(Ctrl &c, const std::vector<Operand> &results) override;
  void end(Ctrl &c, const std::vector<Operand> &results) override;
  void before_branch(size_t) override {}
  void br(uint32_t depth, const std::vector<Operand> &vals, size_t first) override;
  void br_if(uint32_t depth, const Operand &cond, const std::vector<Operand> &vals,
             size_t first) override;
  void br_table(const Operand &index, const std::vector<uint32_t> &labels,
                const std::vector<Operand> &vals, size_t first) override;
  void call(const Instr &in, const FuncType &type, const Operand *table_index,
            const std::vector<Operand> &args, size_t first) override;

private:
  /// An open construct, live or dead (the validator's Ctrl has its types and height).
  struct Ctl {
    bool dead = false; ///< opened in unreachable code: nothing emitted
    bool is_loop = false, is_func = false;
    llvm::BasicBlock *header = nullptr; ///< loop: branch target
    llvm::BasicBlock *merge = nullptr;  ///< block/if/func: after `end`
    llvm::BasicBlock *else_bb = nullptr;
    std::vector<llvm::PHINode *> header_phis, merge_phis;
    std::vector<llvm::Value *> if_params;
  };

  // translate_control.cpp
  void emit_prologue();
  void open(const Ctrl &c, bool is_loop);
  void add_incoming(std::vector<llvm::PHINode *> &phis, size_t arity);
  void branch_to(uint32_t depth);
  void end_function_label(Ctl &f, bool reached);
  llvm::CallInst *call_import(uint32_t func, const FuncType &ft, size_t first);
  void push_results(llvm::Value *ret, const FuncType &ft);
  void trap_if(llvm::Value *cond, TrapCode code);
  void check_interrupt();
  bool failed() const { return !m_error.empty(); }
  /// Records the first thing this emitter cannot translate; the function then fails.
  void fail(std::string what);
  /// After a value event: the validator's stack and this one must have the same height.
  void check_height();

  // translate_limits.cpp
  void open_fuel_span(bool live_loop);
  void close_fuel_span();
  void charge_fuel();
  void make_fuel_local();
  void fuel_to_memory();
  void fuel_around_call(llvm::CallInst *ci);
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
  bool load_store(const Instr &in);
  llvm::Value *address(llvm::Value *index, uint64_t offset);
  bool bulk_op(const Instr &in);
  bool variable_op(const Instr &in);

  // Operand values by stack position: `m_top` is the height of the stack being worked on.
  /// Puts the top at `height`: the operands of the event being handled end there.
  void at(size_t height) {
    if (m_vals.size() < height)
      m_vals.resize(height, nullptr);
    m_top = height;
  }
  /// The top for an event whose `n` operands were popped and `results` results pushed.
  void operands(size_t n, size_t results) { at(m_s->stack.size() - results + n); }
  llvm::Value *pop() { return m_vals[--m_top]; }
  void push(llvm::Value *v) {
    if (m_vals.size() <= m_top)
      m_vals.resize(m_top + 1, nullptr);
    m_vals[m_top++] = v;
  }
  llvm::Value *i32(uint64_t v) { return m_b.getInt32(static_cast<uint32_t>(v)); }
  llvm::Value *bool_i32(llvm::Value *c) { return m_b.CreateZExt(c, m_b.getInt32Ty()); }
  llvm::Value *call(const char *name, llvm::Type *ret, std::initializer_list<llvm::Value *> args);

  ModuleEnv &m_env;
  llvm::IRBuilder<> m_b;
  // Per function (begin_function resets them).
  FuncState *m_s = nullptr;
  uint32_t m_index = 0; ///< function index (imports first)
  llvm::Function *m_fn = nullptr;
  llvm::Value *m_ctx = nullptr;
  llvm::Value *m_mem = nullptr;     ///< memory base (loaded once: it never moves)
  llvm::Value *m_globals = nullptr; ///< uint64_t ** array
  std::vector<llvm::AllocaInst *> m_locals;
  std::vector<llvm::Value *> m_vals;
  size_t m_top = 0;
  std::vector<Ctl> m_ctl;
  std::string m_error;
  bool m_in_prologue = false; ///< traps pass the return address (trap_if)

  /// Fuel of the function body and of each open loop's iteration: the interpreter's cost, from
  /// the validator's FuncState::instr_count (every instruction but block, loop, else, end and
  /// nop), less the loops nested inside; final at the `end`, where it is patched into the
  /// charge emitted at the header.
  struct FuelSpan {
    uint32_t start = 0, nested = 0;
    llvm::Instruction *cmp = nullptr, *sub = nullptr; ///< null: nothing emitted (dead loop)
  };
  std::vector<FuelSpan> m_fuel;
  llvm::AllocaInst *m_fuel_local = nullptr;    ///< the fuel left, once the function has a loop
  llvm::Value *m_fuel_ptr = nullptr;           ///< the store's counter
  llvm::Instruction *m_entry_charge = nullptr; ///< the entry's store of the charged counter
  std::vector<llvm::CallInst *> m_calls_before_local; ///< calls emitted before m_fuel_local
  llvm::Value *m_depth = nullptr; ///< the depth argument: Wasm frames below this one
};

/// Loads a pointer field of the context that never changes while code runs (translate_limits.cpp).
llvm::Value *load_ctx_pointer(llvm::IRBuilder<> &b, llvm::Value *ctx, unsigned offset);

/// Adds the entry wrappers and call thunks (compile_module.cpp).
void add_entry_wrapper(ModuleEnv &env, uint32_t func_index);
void add_call_thunk(ModuleEnv &env, uint32_t type_index);

} // namespace isobox::wasm::aot
