// FuncTranslator: limit checks compiled into functions: fuel charges and the call-depth counter.
#include "wasm/aot/llvm/translate.hpp"

#include <llvm/IR/Instructions.h>

namespace isobox::wasm::aot {
namespace {

/// Whether a function body has a loop (a decode error is left to the translation to report).
bool has_loop(const FuncBody &body) {
  Reader r(body.code);
  InstrReader ir(r);
  while (!r.at_end()) {
    auto in = ir.next();
    if (!in)
      return false;
    if (in->op == Opcode::Loop)
      return true;
  }
  return false;
}

} // namespace

llvm::Value *load_ctx_pointer(llvm::IRBuilder<> &b, llvm::Value *ctx, unsigned offset) {
  auto *field = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), ctx, offset);
  auto *p = b.CreateLoad(llvm::PointerType::getUnqual(b.getContext()), field);
  p->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(b.getContext(), {}));
  return p;
}

/// Counts `in` exactly as the interpreter does (FuncState::instr_count, interp/emit/): one
/// unit per instruction except block, loop, else, end and nop, into the innermost loop's
/// iteration or else the function body, dead code included. A loop's or the body's count is
/// final at its `end`, where it is patched into the charge emitted at its header.
void FuncTranslator::count_fuel(const Instr &in) {
  if (!m_env.metered)
    return;
  switch (in.op) {
  case Opcode::Loop:
    m_fuel_nesting.push_back(true);
    m_fuel.emplace_back();
    return;
  case Opcode::Block: m_fuel_nesting.push_back(false); return;
  case Opcode::If:
    m_fuel_nesting.push_back(false);
    ++m_fuel.back().cost;
    return;
  case Opcode::Else:
  case Opcode::Nop: return;
  case Opcode::End: break;
  default: ++m_fuel.back().cost; return;
  }
  const bool closes_body = m_fuel_nesting.empty();
  if (!closes_body) {
    const bool loop = m_fuel_nesting.back();
    m_fuel_nesting.pop_back();
    if (!loop)
      return;
  }
  const FuelSite &site = m_fuel.back();
  if (site.cmp != nullptr) {
    site.cmp->setOperand(1, m_b.getInt64(site.cost));
    site.sub->setOperand(1, m_b.getInt64(site.cost));
  }
  m_fuel.pop_back();
}

/// Charges the fuel of the body or loop iteration now starting (m_fuel.back(), cost patched
/// later) as the interpreter's L_meter does: too little left traps "all fuel consumed" (the
/// helper sets what is left to 0), else it is taken. The counter is the store's, shared with
/// the interpreter. A function with loops works on a local copy (a register once promoted),
/// loaded at its entry and after each call, written back before each call and at its return;
/// one without (charged once per call) charges the store's counter directly.
void FuncTranslator::charge_fuel() {
  if (!m_env.metered)
    return;
  if (m_fuel_ptr == nullptr) { // the function's entry
    m_fuel_ptr = load_ctx_pointer(m_b, m_ctx, kCtxFuel);
    if (has_loop(m_body)) {
      llvm::IRBuilder<> ab(&m_fn->getEntryBlock(), m_fn->getEntryBlock().begin());
      m_fuel_local = ab.CreateAlloca(m_b.getInt64Ty());
      fuel_from_memory();
    }
  }
  llvm::Value *counter = m_fuel_local ? m_fuel_local : m_fuel_ptr;
  llvm::Value *left = m_b.CreateLoad(m_b.getInt64Ty(), counter);
  llvm::Constant *placeholder = m_b.getInt64(0);
  auto *cmp = m_b.Insert(new llvm::ICmpInst(llvm::CmpInst::ICMP_ULT, left, placeholder));
  trap_if(cmp, TrapCode::FuelExhausted);
  auto *sub = m_b.Insert(llvm::BinaryOperator::Create(llvm::Instruction::Sub, left, placeholder));
  m_b.CreateStore(sub, counter);
  m_fuel.back().cmp = cmp;
  m_fuel.back().sub = sub;
}

/// Before a call or a return: the callee (or the caller) charges the store's counter.
void FuncTranslator::fuel_to_memory() {
  if (m_fuel_local != nullptr)
    m_b.CreateStore(m_b.CreateLoad(m_b.getInt64Ty(), m_fuel_local), m_fuel_ptr);
}

/// After a call: what the callee left.
void FuncTranslator::fuel_from_memory() {
  if (m_fuel_local != nullptr)
    m_b.CreateStore(m_b.CreateLoad(m_b.getInt64Ty(), m_fuel_ptr), m_fuel_local);
}

/// The call depth travels as an argument (a register, no memory traffic per call): `m_depth`
/// frames are below this one, so it is frame m_depth + 1 and traps "call stack exhausted" past
/// ctx->max_depth, the interpreter's frame limit.
void FuncTranslator::enter_depth() {
  if (!m_env.count_depth)
    return;
  auto *field = m_b.CreateConstInBoundsGEP1_64(m_b.getInt8Ty(), m_ctx, kCtxMaxDepth);
  auto *max = m_b.CreateLoad(m_b.getInt32Ty(), field);
  max->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(m_env.ll, {}));
  trap_if(m_b.CreateICmpUGE(m_depth, max), TrapCode::StackExhausted);
}

/// The depth argument of a call made here.
llvm::Value *FuncTranslator::callee_depth() { return m_b.CreateAdd(m_depth, i32(1)); }

/// Before a call out to the runtime: a guest invoked again below it (a host function calling
/// back) starts at `depth` (its entry wrapper reads it); the invoke boundary restores it.
void FuncTranslator::publish_depth(llvm::Value *depth) {
  if (m_env.count_depth)
    m_b.CreateStore(depth, load_ctx_pointer(m_b, m_ctx, kCtxDepthInUse));
}

} // namespace isobox::wasm::aot
