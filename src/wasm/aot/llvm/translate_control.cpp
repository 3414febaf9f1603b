// LlvmEmitter: the function prologue, structured control flow, calls and traps as LLVM IR, from
// the validator's structural events.
#include "wasm/aot/llvm/translate.hpp"

#include <map>

#include <llvm/IR/CFG.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

namespace isobox::wasm::aot {

LlvmEmitter::LlvmEmitter(ModuleEnv &env) : m_env(env), m_b(env.ll) {}

void LlvmEmitter::begin_function(FuncState &state) {
  m_s = &state;
  m_index = m_env.wm.imported_funcs + state.index;
  m_fn = m_env.funcs[m_index];
  m_mem = m_globals = nullptr;
  m_locals.clear();
  m_vals.clear();
  m_top = 0;
  m_ctl.clear();
  m_error.clear();
  m_fuel.clear();
  m_fuel_local = nullptr;
  m_fuel_ptr = nullptr;
  m_entry_charge = nullptr;
  m_calls_before_local.clear();
  emit_prologue();
}

Result<void> LlvmEmitter::end_function() {
  if (failed())
    return make_error("function {}: {}", m_index, m_error);
  return {};
}

void LlvmEmitter::fail(std::string what) {
  if (m_error.empty())
    m_error = std::move(what);
}

void LlvmEmitter::check_height() {
  if (m_top != m_s->stack.size())
    fail("emitter out of step with the validator's operand stack");
}

void LlvmEmitter::emit_prologue() {
  auto *entry = llvm::BasicBlock::Create(m_env.ll, "entry", m_fn);
  m_b.SetInsertPoint(entry);
  m_ctx = m_fn->getArg(0);
  m_depth = m_fn->getArg(1);
  auto *p = m_env.ptr();
  auto load_field = [&](unsigned off, llvm::Type *t) {
    auto *addr = m_b.CreateConstInBoundsGEP1_64(m_b.getInt8Ty(), m_ctx, off);
    auto *ld = m_b.CreateLoad(t, addr);
    ld->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(m_env.ll, {}));
    return ld;
  };
  if (m_env.has_memory)
    m_mem = load_field(kCtxMemBase, p);
  if (!m_env.global_types.empty())
    m_globals = load_field(kCtxGlobals, p);
  // Native stack check: compiled code recurses on the host stack (spec "call stack exhausted").
  auto *limit = m_b.CreateLoad(
      m_b.getInt64Ty(), m_b.CreateConstInBoundsGEP1_64(m_b.getInt8Ty(), m_ctx, kCtxStackLimit));
  auto *sp = m_b.CreatePtrToInt(m_b.CreateStackSave(), m_b.getInt64Ty());
  // Traps in the prologue tell the runtime who called (a call stack exhausted is the caller's,
  // as the interpreter reports it; docs/wasm-aot.md "Traps").
  m_in_prologue = true;
  trap_if(m_b.CreateICmpULT(sp, limit), TrapCode::StackExhausted);
  enter_depth();
  check_interrupt(); // then fuel: the interpreter's order
  m_fuel.emplace_back();
  charge_fuel();
  m_in_prologue = false;
  const size_t params = m_s->type.params.size();
  llvm::IRBuilder<> ab(entry, entry->begin());
  for (uint32_t i = 0; i < m_s->slot_base; ++i) {
    const ValType vt = m_s->local_type(i);
    llvm::Type *t = m_env.type_of(vt);
    m_locals.push_back(ab.CreateAlloca(t));
    llvm::Value *init = i < params   ? static_cast<llvm::Value *>(m_fn->getArg(i + 2))
                        : is_ref(vt) ? m_b.getInt64(kNullRef)
                                     : llvm::Constant::getNullValue(t);
    m_b.CreateStore(init, m_locals.back());
  }
  Ctl f{.is_func = true};
  f.merge = llvm::BasicBlock::Create(m_env.ll, "ret", m_fn);
  llvm::IRBuilder<> mb(f.merge);
  for (ValType t : m_s->type.results)
    f.merge_phis.push_back(mb.CreatePHI(m_env.type_of(t), 2));
  m_ctl.push_back(std::move(f));
}

/// block / loop / if: a construct's param and result types are the validator's (its Ctrl).
void LlvmEmitter::block_start(const Instr &in, const Operand *, Ctrl &c, bool was_live) {
  if (failed())
    return;
  const bool is_loop = in.op == Opcode::Loop;
  if (is_loop)
    open_fuel_span(was_live);
  if (!was_live) {
    m_ctl.push_back(Ctl{.dead = true, .is_loop = is_loop});
    return;
  }
  const size_t n = c.params->size();
  if (in.op != Opcode::If) {
    at(c.height + n);
    open(c, is_loop);
    return;
  }
  at(c.height + n + 1); // the condition is above the params
  llvm::Value *cond = m_b.CreateICmpNE(pop(), i32(0));
  auto *then_bb = llvm::BasicBlock::Create(m_env.ll, "then", m_fn);
  auto *else_bb = llvm::BasicBlock::Create(m_env.ll, "else", m_fn);
  m_b.CreateCondBr(cond, then_bb, else_bb);
  m_b.SetInsertPoint(then_bb);
  open(c, false);
  Ctl &ctl = m_ctl.back();
  ctl.else_bb = else_bb;
  ctl.if_params.assign(m_vals.begin() + c.height, m_vals.begin() + c.height + n);
}

/// Opens a live construct whose params are the top of the stack.
void LlvmEmitter::open(const Ctrl &c, bool is_loop) {
  Ctl ctl{.is_loop = is_loop};
  ctl.merge = llvm::BasicBlock::Create(m_env.ll, "merge", m_fn);
  llvm::IRBuilder<> mb(ctl.merge);
  for (ValType t : *c.results)
    ctl.merge_phis.push_back(mb.CreatePHI(m_env.type_of(t), 2));
  if (is_loop) {
    ctl.header = llvm::BasicBlock::Create(m_env.ll, "loop", m_fn);
    llvm::IRBuilder<> hb(ctl.header);
    for (ValType t : *c.params)
      ctl.header_phis.push_back(hb.CreatePHI(m_env.type_of(t), 2));
    add_incoming(ctl.header_phis, c.params->size());
    m_b.CreateBr(ctl.header);
    m_b.SetInsertPoint(ctl.header);
    check_interrupt();
    charge_fuel();
    for (size_t i = 0; i < c.params->size(); ++i)
      m_vals[c.height + i] = ctl.header_phis[i];
  }
  m_ctl.push_back(std::move(ctl));
}

/// Adds the top `arity` operands as incoming values from the current block.
void LlvmEmitter::add_incoming(std::vector<llvm::PHINode *> &phis, size_t arity) {
  for (size_t i = 0; i < arity; ++i)
    phis[i]->addIncoming(m_vals[m_top - arity + i], m_b.GetInsertBlock());
}

void LlvmEmitter::branch_to(uint32_t depth) {
  Ctl &c = m_ctl[m_ctl.size() - 1 - depth];
  if (c.is_loop) {
    add_incoming(c.header_phis, c.header_phis.size());
    m_b.CreateBr(c.header);
  } else {
    add_incoming(c.merge_phis, c.merge_phis.size());
    m_b.CreateBr(c.merge);
  }
}

void LlvmEmitter::br(uint32_t depth, const std::vector<Operand> &vals, size_t first) {
  if (failed() || !m_s->live())
    return;
  at(first + vals.size());
  branch_to(depth);
}

void LlvmEmitter::br_if(uint32_t depth, const Operand &, const std::vector<Operand> &vals,
                        size_t first) {
  if (failed() || !m_s->live())
    return;
  at(first + vals.size() + 1); // the condition is above the values
  llvm::Value *cond = m_b.CreateICmpNE(pop(), i32(0));
  auto *taken = llvm::BasicBlock::Create(m_env.ll, "br_if", m_fn);
  auto *cont = llvm::BasicBlock::Create(m_env.ll, "cont", m_fn);
  m_b.CreateCondBr(cond, taken, cont);
  m_b.SetInsertPoint(taken);
  branch_to(depth);
  m_b.SetInsertPoint(cont); // the values stay where they are for the fall-through
}

/// `labels`: the targets with the default last.
void LlvmEmitter::br_table(const Operand &, const std::vector<uint32_t> &labels,
                           const std::vector<Operand> &vals, size_t first) {
  if (failed() || !m_s->live())
    return;
  at(first + vals.size() + 1);
  llvm::Value *index = pop();
  // One block per distinct target (tables of thousands of labels name a few depths): each
  // adds its phi incoming once, and the switch maps many cases to it.
  std::map<uint32_t, llvm::BasicBlock *> target_bb;
  auto block_for = [&](uint32_t depth) {
    auto [it, fresh] = target_bb.try_emplace(depth, nullptr);
    if (fresh)
      it->second = llvm::BasicBlock::Create(m_env.ll, "br_target", m_fn);
    return it->second;
  };
  const uint32_t fallback = labels.back();
  const size_t cases = labels.size() - 1;
  auto *sw = m_b.CreateSwitch(index, block_for(fallback), static_cast<unsigned>(cases));
  for (size_t i = 0; i < cases; ++i)
    if (labels[i] != fallback)
      sw->addCase(m_b.getInt32(static_cast<uint32_t>(i)), block_for(labels[i]));
  for (auto [depth, bb] : target_bb) {
    m_b.SetInsertPoint(bb);
    branch_to(depth);
  }
}

void LlvmEmitter::else_arm(Ctrl &c, const std::vector<Operand> &results) {
  if (failed() || m_ctl.back().dead)
    return;
  Ctl &ctl = m_ctl.back();
  if (m_s->live()) {
    at(c.height + results.size());
    add_incoming(ctl.merge_phis, results.size());
    m_b.CreateBr(ctl.merge);
  }
  at(c.height); // the else arm starts from the if's params
  for (llvm::Value *v : ctl.if_params)
    push(v);
  m_b.SetInsertPoint(ctl.else_bb);
  ctl.else_bb = nullptr;
}

void LlvmEmitter::end(Ctrl &c, const std::vector<Operand> &results) {
  if (failed())
    return;
  if (m_ctl.back().is_loop)
    close_fuel_span();
  Ctl ctl = std::move(m_ctl.back());
  m_ctl.pop_back();
  if (ctl.dead)
    return;
  if (m_s->live()) {
    at(c.height + results.size());
    add_incoming(ctl.merge_phis, results.size());
    m_b.CreateBr(ctl.merge);
  }
  if (ctl.else_bb != nullptr) { // an if without else passes its params through
    m_b.SetInsertPoint(ctl.else_bb);
    at(c.height);
    for (llvm::Value *v : ctl.if_params)
      push(v);
    add_incoming(ctl.merge_phis, ctl.if_params.size());
    m_b.CreateBr(ctl.merge);
  }
  m_b.SetInsertPoint(ctl.merge);
  const bool reached = !llvm::pred_empty(ctl.merge);
  if (ctl.is_func) {
    end_function_label(ctl, reached);
    return;
  }
  at(c.height);
  for (llvm::PHINode *phi : ctl.merge_phis) {
    if (reached) {
      push(phi);
      continue;
    }
    // Nothing reaches the end, though the validator goes on as if something did: the code
    // after it is emitted into this block without predecessors, and LLVM deletes it.
    auto *poison = llvm::PoisonValue::get(phi->getType());
    phi->replaceAllUsesWith(poison);
    phi->eraseFromParent();
    push(poison);
  }
}

/// The function's `end`: its results returned from the `ret` block.
void LlvmEmitter::end_function_label(Ctl &f, bool reached) {
  close_fuel_span();
  const FuncType &ft = m_s->type;
  if (!reached) {
    for (llvm::PHINode *phi : f.merge_phis)
      phi->eraseFromParent();
    m_b.CreateUnreachable();
    return;
  }
  fuel_to_memory();
  if (ft.results.empty()) {
    m_b.CreateRetVoid();
  } else if (ft.results.size() == 1) {
    m_b.CreateRet(f.merge_phis[0]);
  } else {
    llvm::Value *agg = llvm::PoisonValue::get(m_env.results_type(ft));
    for (unsigned i = 0; i < ft.results.size(); ++i)
      agg = m_b.CreateInsertValue(agg, f.merge_phis[i], i);
    m_b.CreateRet(agg);
  }
}

void LlvmEmitter::unreachable() {
  if (failed())
    return;
  call("isobox_aot_trap", m_b.getVoidTy(),
       {m_ctx, i32(static_cast<uint32_t>(TrapCode::Unreachable))});
  m_b.CreateUnreachable();
}

void LlvmEmitter::push_results(llvm::Value *ret, const FuncType &ft) {
  if (ft.results.size() == 1)
    push(ret);
  else
    for (unsigned i = 0; i < ft.results.size(); ++i)
      push(m_b.CreateExtractValue(ret, i));
}

/// call / call_indirect: the arguments are at positions from `first`, the table index (of
/// call_indirect) above them.
void LlvmEmitter::call(const Instr &in, const FuncType &ft, const Operand *table_index,
                       const std::vector<Operand> &args, size_t first) {
  if (failed() || !m_s->live())
    return;
  const size_t n = args.size();
  at(first + n + (table_index ? 1 : 0));
  std::vector<llvm::Value *> argv{m_ctx, nullptr};
  llvm::CallInst *ci = nullptr;
  if (table_index) {
    llvm::Value *elem = pop();
    auto *callee_ty = llvm::StructType::get(m_env.ll, {m_env.ptr(), m_env.ptr()});
    llvm::Value *callee =
        call("isobox_aot_resolve_indirect", callee_ty, {m_ctx, i32(in.b), elem, i32(in.a)});
    argv[0] = m_b.CreateExtractValue(callee, 1);
    argv[1] = callee_depth();
    argv.insert(argv.end(), m_vals.begin() + first, m_vals.begin() + first + n);
    ci = m_b.CreateCall(m_env.wasm_fn_type(ft), m_b.CreateExtractValue(callee, 0), argv);
  } else if (llvm::Function *callee = m_env.funcs[in.a]) {
    argv[1] = callee_depth();
    argv.insert(argv.end(), m_vals.begin() + first, m_vals.begin() + first + n);
    ci = m_b.CreateCall(callee, argv);
  } else {
    at(first);
    ci = call_import(in.a, ft, first);
    fuel_around_call(ci);
    auto *buf = llvm::cast<llvm::AllocaInst>(ci->getArgOperand(2));
    for (size_t i = 0; i < ft.results.size(); ++i) {
      llvm::Type *t = m_env.type_of(ft.results[i]);
      auto *cell = m_b.CreateConstInBoundsGEP2_64(buf->getAllocatedType(), buf, 0, i);
      push(m_b.CreateLoad(t, cell)); // little endian: the low bits first
    }
    return;
  }
  // Every Wasm call is a frame (deep recursion must exhaust the stack): no tail recursion
  // elimination, which would turn `f(x) = f(x + 1) + 1` into a loop that never ends.
  ci->setTailCallKind(llvm::CallInst::TCK_NoTail);
  fuel_around_call(ci);
  at(first);
  push_results(ci, ft); // the validator pushes them after this event
}

/// A call to an import: through the runtime, arguments and results in 64-bit cells.
llvm::CallInst *LlvmEmitter::call_import(uint32_t func, const FuncType &ft, size_t first) {
  auto *i64 = m_b.getInt64Ty();
  const size_t n = ft.params.size();
  const size_t cells = std::max<size_t>({n, ft.results.size(), 1});
  llvm::IRBuilder<> ab(&m_fn->getEntryBlock(), m_fn->getEntryBlock().begin());
  auto *buf = ab.CreateAlloca(llvm::ArrayType::get(i64, cells));
  for (size_t i = 0; i < n; ++i) {
    llvm::Value *v = m_vals[first + i];
    llvm::Type *t = v->getType();
    if (t->isFloatingPointTy())
      v = m_b.CreateBitCast(v, llvm::IntegerType::get(m_env.ll, t->getPrimitiveSizeInBits()));
    m_b.CreateStore(m_b.CreateZExt(v, i64),
                    m_b.CreateConstInBoundsGEP2_64(buf->getAllocatedType(), buf, 0, i));
  }
  publish_depth(callee_depth()); // a guest invoked again from the import continues above
  return llvm::cast<llvm::CallInst>(
      call("isobox_aot_call_import", m_b.getVoidTy(), {m_ctx, i32(func), buf}));
}

/// The --timeout flag (set by the watchdog thread): a relaxed byte load, compiled in only when the
/// engine has an interrupt flag, so unlimited runs pay nothing.
void LlvmEmitter::check_interrupt() {
  if (!m_env.interruptible)
    return;
  auto *field = m_b.CreateConstInBoundsGEP1_64(m_b.getInt8Ty(), m_ctx, kCtxInterrupt);
  auto *flag = m_b.CreateLoad(m_env.ptr(), field);
  flag->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(m_env.ll, {}));
  auto *set = m_b.CreateLoad(m_b.getInt8Ty(), flag);
  set->setAtomic(llvm::AtomicOrdering::Monotonic);
  set->setAlignment(llvm::Align(1));
  trap_if(m_b.CreateICmpNE(set, m_b.getInt8(0)), TrapCode::Interrupted);
}

void LlvmEmitter::trap_if(llvm::Value *cond, TrapCode code) {
  auto *trap = llvm::BasicBlock::Create(m_env.ll, "trap", m_fn);
  auto *cont = llvm::BasicBlock::Create(m_env.ll, "ok", m_fn);
  m_b.CreateCondBr(cond, trap, cont, llvm::MDBuilder(m_env.ll).createUnlikelyBranchWeights());
  m_b.SetInsertPoint(trap);
  if (m_in_prologue)
    call("isobox_aot_trap_entry", m_b.getVoidTy(),
         {m_ctx, i32(static_cast<uint32_t>(code)),
          m_b.CreateIntrinsic(llvm::Intrinsic::returnaddress, {}, {m_b.getInt32(0)})});
  else
    call("isobox_aot_trap", m_b.getVoidTy(), {m_ctx, i32(static_cast<uint32_t>(code))});
  m_b.CreateUnreachable();
  m_b.SetInsertPoint(cont);
}

llvm::Value *LlvmEmitter::call(const char *name, llvm::Type *ret,
                               std::initializer_list<llvm::Value *> args) {
  std::vector<llvm::Type *> types;
  for (auto *a : args)
    types.push_back(a->getType());
  auto *fty = llvm::FunctionType::get(ret, types, false);
  llvm::FunctionCallee f = m_env.mod.getOrInsertFunction(name, fty);
  return m_b.CreateCall(f, args);
}

} // namespace isobox::wasm::aot
