// LlvmEmitter: limit checks compiled into functions: fuel charges and the call-depth counter.
#include "wasm/aot/llvm/translate.hpp"

#include <llvm/IR/Instructions.h>

namespace isobox::wasm::aot {

llvm::Value *load_ctx_pointer(llvm::IRBuilder<> &b, llvm::Value *ctx, unsigned offset) {
  auto *field = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), ctx, offset);
  auto *p = b.CreateLoad(llvm::PointerType::getUnqual(b.getContext()), field);
  p->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(b.getContext(), {}));
  return p;
}

/// A loop opens (its `block_start`): its iteration's fuel is counted from here, as the
/// interpreter's emitter counts it (interp/emit/emit_control.cpp), dead loops included: their
/// instructions are no one's cost.
void LlvmEmitter::open_fuel_span(bool live_loop) {
  if (!m_env.metered)
    return;
  if (live_loop && m_fuel_local == nullptr)
    make_fuel_local();
  m_fuel.push_back(FuelSpan{m_s->instr_count, 0});
}

/// A loop or the body ends: its cost, the instructions since it opened less those of the loops
/// nested in it, is patched into the charge emitted at its header.
void LlvmEmitter::close_fuel_span() {
  if (!m_env.metered)
    return;
  const FuelSpan span = m_fuel.back();
  m_fuel.pop_back();
  const uint32_t length = m_s->instr_count - span.start;
  if (span.cmp != nullptr) {
    span.cmp->setOperand(1, m_b.getInt64(length - span.nested));
    span.sub->setOperand(1, m_b.getInt64(length - span.nested));
  }
  if (!m_fuel.empty())
    m_fuel.back().nested += length;
}

/// Charges the fuel of the body or loop iteration now starting (m_fuel.back(), cost patched
/// later) as the interpreter's L_meter does: too little left traps "all fuel consumed" (the
/// helper sets what is left to 0), else it is taken. The counter is the store's, shared with
/// the interpreter. A function with loops works on a local copy (a register once promoted),
/// loaded after the entry's charge and after each call, written back before each call and at
/// its return; one without (charged once per call) charges the store's counter directly.
void LlvmEmitter::charge_fuel() {
  if (!m_env.metered)
    return;
  if (m_fuel_ptr == nullptr) // the function's entry
    m_fuel_ptr = load_ctx_pointer(m_b, m_ctx, kCtxFuel);
  llvm::Value *counter = m_fuel_local ? m_fuel_local : m_fuel_ptr;
  llvm::Value *left = m_b.CreateLoad(m_b.getInt64Ty(), counter);
  llvm::Constant *placeholder = m_b.getInt64(0);
  auto *cmp = m_b.Insert(new llvm::ICmpInst(llvm::CmpInst::ICMP_ULT, left, placeholder));
  trap_if(cmp, TrapCode::FuelExhausted);
  auto *sub = m_b.Insert(llvm::BinaryOperator::Create(llvm::Instruction::Sub, left, placeholder));
  auto *store = m_b.CreateStore(sub, counter);
  if (m_entry_charge == nullptr)
    m_entry_charge = store;
  m_fuel.back().cmp = cmp;
  m_fuel.back().sub = sub;
}

/// The first live loop: from here on the function keeps its fuel in a local, loaded right after
/// the entry's charge. Calls already emitted get the write-back and reload they now need (the
/// body is read once, so whether a loop follows is not known at the entry).
void LlvmEmitter::make_fuel_local() {
  llvm::BasicBlock &entry = m_fn->getEntryBlock();
  m_fuel_local = llvm::IRBuilder<>(&entry, entry.begin()).CreateAlloca(m_b.getInt64Ty());
  llvm::IRBuilder<> b(m_entry_charge->getParent(), std::next(m_entry_charge->getIterator()));
  b.CreateStore(b.CreateLoad(b.getInt64Ty(), m_fuel_ptr), m_fuel_local);
  for (llvm::CallInst *ci : m_calls_before_local)
    fuel_around_call(ci);
  m_calls_before_local.clear();
}

/// Around a call made here: the callee charges the store's counter, so the local copy is
/// written back before it and reloaded after it.
void LlvmEmitter::fuel_around_call(llvm::CallInst *ci) {
  if (!m_env.metered)
    return;
  if (m_fuel_local == nullptr) {
    m_calls_before_local.push_back(ci);
    return;
  }
  auto *i64 = m_b.getInt64Ty();
  llvm::IRBuilder<> before(ci);
  before.CreateStore(before.CreateLoad(i64, m_fuel_local), m_fuel_ptr);
  llvm::IRBuilder<> after(ci->getParent(), std::next(ci->getIterator()));
  after.CreateStore(after.CreateLoad(i64, m_fuel_ptr), m_fuel_local);
}

/// At the return: the caller charges the store's counter.
void LlvmEmitter::fuel_to_memory() {
  if (m_fuel_local != nullptr)
    m_b.CreateStore(m_b.CreateLoad(m_b.getInt64Ty(), m_fuel_local), m_fuel_ptr);
}

/// The call depth travels as an argument (a register, no memory traffic per call): `m_depth`
/// frames are below this one, so it is frame m_depth + 1 and traps "call stack exhausted" past
/// ctx->max_depth, the interpreter's frame limit.
void LlvmEmitter::enter_depth() {
  if (!m_env.count_depth)
    return;
  auto *field = m_b.CreateConstInBoundsGEP1_64(m_b.getInt8Ty(), m_ctx, kCtxMaxDepth);
  auto *max = m_b.CreateLoad(m_b.getInt32Ty(), field);
  max->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(m_env.ll, {}));
  trap_if(m_b.CreateICmpUGE(m_depth, max), TrapCode::StackExhausted);
}

/// The depth argument of a call made here.
llvm::Value *LlvmEmitter::callee_depth() { return m_b.CreateAdd(m_depth, i32(1)); }

/// Before a call out to the runtime: a guest invoked again below it (a host function calling
/// back) starts at `depth` (its entry wrapper reads it); the invoke boundary restores it.
void LlvmEmitter::publish_depth(llvm::Value *depth) {
  if (m_env.count_depth)
    m_b.CreateStore(depth, load_ctx_pointer(m_b, m_ctx, kCtxDepthInUse));
}

} // namespace isobox::wasm::aot
