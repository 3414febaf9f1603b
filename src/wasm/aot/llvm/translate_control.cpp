// FuncTranslator: structured control flow, calls, traps and the function prologue as LLVM IR.
#include "wasm/aot/llvm/translate.hpp"

#include <map>

#include <llvm/IR/CFG.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

namespace isobox::wasm::aot {

FuncTranslator::FuncTranslator(ModuleEnv &env, uint32_t func_index)
    : m_env(env), m_index(func_index), m_type(env.wm.types[env.func_types[func_index]]),
      m_body(env.wm.bodies[func_index - env.wm.imported_funcs]), m_fn(env.funcs[func_index]),
      m_b(env.ll) {}

std::string FuncTranslator::run() {
  emit_prologue();
  Reader r(m_body.code);
  InstrReader ir(r);
  while (!m_ctl.empty()) {
    auto in = ir.next();
    if (!in)
      return "decode: " + in.error().message;
    const bool dropped = !r.at_end() && r.rest()[0] == 0x1a;
    Instr next_drop{};
    next_drop.op = Opcode::Drop;
    count_fuel(*in);
    if (std::string e = step(*in, dropped ? &next_drop : nullptr); !e.empty())
      return e;
  }
  return {};
}

void FuncTranslator::emit_prologue() {
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
  trap_if(m_b.CreateICmpULT(sp, limit), TrapCode::StackExhausted);
  enter_depth();
  check_interrupt(); // then fuel: the interpreter's order
  m_fuel.emplace_back();
  charge_fuel();
  for (size_t i = 0; i < m_type.params.size(); ++i)
    m_local_types.push_back(m_type.params[i]);
  for (const auto &[count, type] : m_body.locals)
    m_local_types.insert(m_local_types.end(), count, type);
  llvm::IRBuilder<> ab(entry, entry->begin());
  for (size_t i = 0; i < m_local_types.size(); ++i) {
    llvm::Type *t = m_env.type_of(m_local_types[i]);
    m_locals.push_back(ab.CreateAlloca(t));
    llvm::Value *init = i < m_type.params.size()   ? static_cast<llvm::Value *>(m_fn->getArg(i + 2))
                        : is_ref(m_local_types[i]) ? m_b.getInt64(kNullRef)
                                                   : llvm::Constant::getNullValue(t);
    m_b.CreateStore(init, m_locals.back());
  }
  Ctl f{.kind = CtlKind::Func};
  f.results = m_type.results;
  f.merge = llvm::BasicBlock::Create(m_env.ll, "ret", m_fn);
  llvm::IRBuilder<> mb(f.merge);
  for (ValType t : f.results)
    f.merge_phis.push_back(mb.CreatePHI(m_env.type_of(t), 2));
  m_ctl.push_back(std::move(f));
}

std::string FuncTranslator::next_block(Opcode kind, const PlannedBlock *&block) {
  const auto &blocks = m_env.plan->blocks(m_index - m_env.wm.imported_funcs);
  if (m_next_block >= blocks.size() || blocks[m_next_block].kind != kind)
    return "translator out of step with the validator at construct " + std::to_string(m_next_block);
  block = &blocks[m_next_block++];
  return {};
}

/// A construct's param and result types are the validator's (PlannedBlock), not re-derived.
void FuncTranslator::push_ctl(CtlKind kind, const PlannedBlock &block) {
  Ctl c{.kind = kind};
  c.params = block.params;
  c.results = block.results;
  c.height = m_stack.size() - c.params.size();
  c.merge = llvm::BasicBlock::Create(m_env.ll, "merge", m_fn);
  llvm::IRBuilder<> mb(c.merge);
  for (ValType t : c.results)
    c.merge_phis.push_back(mb.CreatePHI(m_env.type_of(t), 2));
  if (kind == CtlKind::Loop) {
    c.header = llvm::BasicBlock::Create(m_env.ll, "loop", m_fn);
    llvm::IRBuilder<> hb(c.header);
    for (ValType t : c.params)
      c.header_phis.push_back(hb.CreatePHI(m_env.type_of(t), 2));
    add_incoming(c.header_phis, c.params.size());
    m_b.CreateBr(c.header);
    m_b.SetInsertPoint(c.header);
    check_interrupt();
    charge_fuel();
    for (size_t i = 0; i < c.params.size(); ++i)
      m_stack[c.height + i] = c.header_phis[i];
  }
  m_ctl.push_back(std::move(c));
}

/// Adds the top `arity` operands as incoming values from the current block.
void FuncTranslator::add_incoming(std::vector<llvm::PHINode *> &phis, size_t arity) {
  for (size_t i = 0; i < arity; ++i)
    phis[i]->addIncoming(m_stack[m_stack.size() - arity + i], m_b.GetInsertBlock());
}

void FuncTranslator::branch_to(uint32_t depth) {
  Ctl &c = m_ctl[m_ctl.size() - 1 - depth];
  if (c.kind == CtlKind::Loop) {
    add_incoming(c.header_phis, c.params.size());
    m_b.CreateBr(c.header);
  } else {
    add_incoming(c.merge_phis, c.results.size());
    m_b.CreateBr(c.merge);
  }
}

void FuncTranslator::set_unreachable() {
  m_unreachable = true;
  m_stack.resize(m_ctl.back().height);
}

void FuncTranslator::op_br_if(uint32_t depth) {
  llvm::Value *cond = m_b.CreateICmpNE(pop(), i32(0));
  auto *taken = llvm::BasicBlock::Create(m_env.ll, "br_if", m_fn);
  auto *cont = llvm::BasicBlock::Create(m_env.ll, "cont", m_fn);
  m_b.CreateCondBr(cond, taken, cont);
  m_b.SetInsertPoint(taken);
  branch_to(depth);
  m_b.SetInsertPoint(cont);
}

void FuncTranslator::op_br_table(const Instr &in) {
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
  auto *sw = m_b.CreateSwitch(index, block_for(in.a), static_cast<unsigned>(in.labels.size()));
  for (size_t i = 0; i < in.labels.size(); ++i)
    if (in.labels[i] != in.a)
      sw->addCase(m_b.getInt32(static_cast<uint32_t>(i)), block_for(in.labels[i]));
  for (auto [depth, bb] : target_bb) {
    m_b.SetInsertPoint(bb);
    branch_to(depth);
  }
  set_unreachable();
}

void FuncTranslator::op_if(const PlannedBlock &bt) {
  llvm::Value *cond = m_b.CreateICmpNE(pop(), i32(0));
  auto *then_bb = llvm::BasicBlock::Create(m_env.ll, "then", m_fn);
  auto *else_bb = llvm::BasicBlock::Create(m_env.ll, "else", m_fn);
  m_b.CreateCondBr(cond, then_bb, else_bb);
  m_b.SetInsertPoint(then_bb);
  push_ctl(CtlKind::If, bt);
  Ctl &c = m_ctl.back();
  c.else_bb = else_bb;
  c.if_params.assign(m_stack.end() - static_cast<long>(c.params.size()), m_stack.end());
}

void FuncTranslator::op_else() {
  Ctl &c = m_ctl.back();
  if (!m_unreachable) {
    add_incoming(c.merge_phis, c.results.size());
    m_b.CreateBr(c.merge);
  }
  m_unreachable = false;
  c.has_else = true;
  m_stack.resize(c.height);
  m_stack.insert(m_stack.end(), c.if_params.begin(), c.if_params.end());
  m_b.SetInsertPoint(c.else_bb);
}

void FuncTranslator::op_end() {
  Ctl &c = m_ctl.back();
  if (!m_unreachable) {
    add_incoming(c.merge_phis, c.results.size());
    m_b.CreateBr(c.merge);
  }
  if (c.kind == CtlKind::If && !c.has_else) { // the missing else passes the params through
    m_b.SetInsertPoint(c.else_bb);
    m_stack.resize(c.height);
    m_stack.insert(m_stack.end(), c.if_params.begin(), c.if_params.end());
    add_incoming(c.merge_phis, c.results.size());
    m_b.CreateBr(c.merge);
  }
  m_stack.resize(c.height);
  m_b.SetInsertPoint(c.merge);
  const bool reached = !llvm::pred_empty(c.merge);
  for (auto *phi : c.merge_phis)
    m_stack.push_back(phi);
  m_unreachable = !reached;
  if (c.kind == CtlKind::Func) {
    llvm::Type *rt = m_env.results_type(m_type);
    if (reached)
      fuel_to_memory();
    if (!reached)
      m_b.CreateUnreachable();
    else if (m_type.results.empty())
      m_b.CreateRetVoid();
    else if (m_type.results.size() == 1)
      m_b.CreateRet(m_stack.back());
    else {
      llvm::Value *agg = llvm::PoisonValue::get(rt);
      for (unsigned i = 0; i < m_type.results.size(); ++i)
        agg = m_b.CreateInsertValue(agg, m_stack[m_stack.size() - m_type.results.size() + i], i);
      m_b.CreateRet(agg);
    }
  } else if (!reached) {
    m_b.CreateUnreachable();
    m_stack.resize(c.height);
    for (auto *phi : c.merge_phis) { // no predecessor: the values are never used
      phi->replaceAllUsesWith(llvm::PoisonValue::get(phi->getType()));
      phi->eraseFromParent();
    }
  }
  m_ctl.pop_back();
  if (m_unreachable && !m_ctl.empty())
    m_stack.resize(m_ctl.back().height);
}

void FuncTranslator::op_return() {
  branch_to(static_cast<uint32_t>(m_ctl.size() - 1));
  set_unreachable();
}

void FuncTranslator::push_results(llvm::Value *ret, const FuncType &ft) {
  if (ft.results.size() == 1)
    push(ret);
  else
    for (unsigned i = 0; i < ft.results.size(); ++i)
      push(m_b.CreateExtractValue(ret, i));
}

void FuncTranslator::op_call(uint32_t func) {
  const FuncType &ft = m_env.wm.types[m_env.func_types[func]];
  const size_t n = ft.params.size();
  if (llvm::Function *callee = m_env.funcs[func]) {
    std::vector<llvm::Value *> args{m_ctx, callee_depth()};
    args.insert(args.end(), m_stack.end() - static_cast<long>(n), m_stack.end());
    m_stack.resize(m_stack.size() - n);
    fuel_to_memory();
    llvm::CallInst *ci = m_b.CreateCall(callee, args);
    fuel_from_memory();
    // Every Wasm call is a frame (deep recursion must exhaust the stack): no tail recursion
    // elimination, which would turn `f(x) = f(x + 1) + 1` into a loop that never ends.
    ci->setTailCallKind(llvm::CallInst::TCK_NoTail);
    push_results(ci, ft);
    return;
  }
  // An import: through the runtime, arguments and results in 64-bit cells.
  auto *i64 = m_b.getInt64Ty();
  const size_t cells = std::max<size_t>({n, ft.results.size(), 1});
  llvm::IRBuilder<> ab(&m_fn->getEntryBlock(), m_fn->getEntryBlock().begin());
  auto *buf = ab.CreateAlloca(llvm::ArrayType::get(i64, cells));
  for (size_t i = 0; i < n; ++i) {
    llvm::Value *v = m_stack[m_stack.size() - n + i];
    llvm::Type *t = v->getType();
    if (t->isFloatingPointTy())
      v = m_b.CreateBitCast(v, llvm::IntegerType::get(m_env.ll, t->getPrimitiveSizeInBits()));
    m_b.CreateStore(m_b.CreateZExt(v, i64),
                    m_b.CreateConstInBoundsGEP2_64(buf->getAllocatedType(), buf, 0, i));
  }
  m_stack.resize(m_stack.size() - n);
  publish_depth(callee_depth()); // a guest invoked again from the import continues above
  fuel_to_memory();
  call("isobox_aot_call_import", m_b.getVoidTy(), {m_ctx, i32(func), buf});
  fuel_from_memory();
  for (size_t i = 0; i < ft.results.size(); ++i) {
    llvm::Type *t = m_env.type_of(ft.results[i]);
    auto *cell = m_b.CreateConstInBoundsGEP2_64(buf->getAllocatedType(), buf, 0, i);
    push(m_b.CreateLoad(t, cell)); // little endian: the low bits first
  }
}

void FuncTranslator::op_call_indirect(uint32_t type, uint32_t table) {
  const FuncType &ft = m_env.wm.types[type];
  llvm::Value *elem = pop();
  auto *callee_ty = llvm::StructType::get(m_env.ll, {m_env.ptr(), m_env.ptr()});
  llvm::Value *callee =
      call("isobox_aot_resolve_indirect", callee_ty, {m_ctx, i32(table), elem, i32(type)});
  const size_t n = ft.params.size();
  std::vector<llvm::Value *> args{m_b.CreateExtractValue(callee, 1), callee_depth()};
  args.insert(args.end(), m_stack.end() - static_cast<long>(n), m_stack.end());
  m_stack.resize(m_stack.size() - n);
  fuel_to_memory();
  llvm::CallInst *ret =
      m_b.CreateCall(m_env.wasm_fn_type(ft), m_b.CreateExtractValue(callee, 0), args);
  fuel_from_memory();
  ret->setTailCallKind(llvm::CallInst::TCK_NoTail);
  push_results(ret, ft);
}

/// The --timeout flag (set by the watchdog thread): a relaxed byte load, compiled in only when the
/// engine has an interrupt flag, so unlimited runs pay nothing.
void FuncTranslator::check_interrupt() {
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

void FuncTranslator::trap_if(llvm::Value *cond, TrapCode code) {
  auto *trap = llvm::BasicBlock::Create(m_env.ll, "trap", m_fn);
  auto *cont = llvm::BasicBlock::Create(m_env.ll, "ok", m_fn);
  m_b.CreateCondBr(cond, trap, cont, llvm::MDBuilder(m_env.ll).createUnlikelyBranchWeights());
  m_b.SetInsertPoint(trap);
  call("isobox_aot_trap", m_b.getVoidTy(), {m_ctx, i32(static_cast<uint32_t>(code))});
  m_b.CreateUnreachable();
  m_b.SetInsertPoint(cont);
}

llvm::Value *FuncTranslator::call(const char *name, llvm::Type *ret,
                                  std::initializer_list<llvm::Value *> args) {
  std::vector<llvm::Type *> types;
  for (auto *a : args)
    types.push_back(a->getType());
  auto *fty = llvm::FunctionType::get(ret, types, false);
  llvm::FunctionCallee f = m_env.mod.getOrInsertFunction(name, fty);
  return m_b.CreateCall(f, args);
}

/// In unreachable code only the nesting matters: blocks are counted, nothing is emitted.
void FuncTranslator::skip(const Instr &in) {
  switch (in.op) {
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If:
    ++m_skip_depth;
    ++m_next_block; // the validator saw it too (dead)
    break;
  case Opcode::End:
    if (m_skip_depth > 0)
      --m_skip_depth;
    else
      op_end();
    break;
  case Opcode::Else:
    if (m_skip_depth == 0)
      op_else();
    break;
  default: break;
  }
}

std::string FuncTranslator::step(const Instr &in, const Instr *next) {
  if (m_unreachable) {
    skip(in);
    return {};
  }
  switch (in.op) {
  case Opcode::Unreachable:
    call("isobox_aot_trap", m_b.getVoidTy(),
         {m_ctx, i32(static_cast<uint32_t>(TrapCode::Unreachable))});
    m_b.CreateUnreachable();
    set_unreachable();
    return {};
  case Opcode::Nop: return {};
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If: {
    const PlannedBlock *block = nullptr;
    if (std::string e = next_block(in.op, block); !e.empty())
      return e;
    if (in.op == Opcode::If)
      op_if(*block);
    else
      push_ctl(in.op == Opcode::Loop ? CtlKind::Loop : CtlKind::Block, *block);
    return {};
  }
  case Opcode::Else: op_else(); return {};
  case Opcode::End: op_end(); return {};
  case Opcode::Br:
    branch_to(in.a);
    set_unreachable();
    return {};
  case Opcode::BrIf: op_br_if(in.a); return {};
  case Opcode::BrTable: op_br_table(in); return {};
  case Opcode::Return: op_return(); return {};
  case Opcode::Call: op_call(in.a); return {};
  case Opcode::CallIndirect: op_call_indirect(in.a, in.b); return {};
  default: break;
  }
  if (variable_op(in) || memory_op(in, next != nullptr) || bulk_op(in) || numeric(in))
    return {};
  return std::string("unsupported operator ") + std::string(opcode_info(in.op).name);
}

} // namespace isobox::wasm::aot
