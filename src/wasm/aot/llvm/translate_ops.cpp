// LlvmEmitter: the value events (variables, memory, tables, bulk operations, numeric operators)
// as LLVM IR, with the spec's traps made explicit (division, conversion) or left to the guard
// pages (memory).
#include <cmath>

#include <llvm/IR/Intrinsics.h>

#include "wasm/aot/llvm/translate.hpp"

namespace isobox::wasm::aot {
namespace {

bool in_range(Opcode op, Opcode first, Opcode last) {
  return static_cast<unsigned>(op) >= static_cast<unsigned>(first) &&
         static_cast<unsigned>(op) <= static_cast<unsigned>(last);
}

bool has_result(Opcode op) {
  switch (op) {
  case Opcode::GlobalSet:
  case Opcode::TableSet:
  case Opcode::TableInit:
  case Opcode::TableCopy:
  case Opcode::TableFill:
  case Opcode::ElemDrop:
  case Opcode::MemoryInit:
  case Opcode::MemoryCopy:
  case Opcode::MemoryFill:
  case Opcode::DataDrop: return false;
  default: return !in_range(op, Opcode::I32Store, Opcode::I64Store32);
  }
}

} // namespace

void LlvmEmitter::numeric_op(const Instr &in, std::span<const Operand> args) {
  if (failed())
    return;
  operands(args.size(), 1);
  if (!numeric(in))
    fail(std::string("unsupported operator ") + std::string(opcode_info(in.op).name));
  check_height();
}

void LlvmEmitter::memory_op(const Instr &in, std::span<const Operand> args) {
  if (failed())
    return;
  operands(args.size(), has_result(in.op) ? 1 : 0);
  if (!load_store(in) && !bulk_op(in))
    fail(std::string("unsupported operator ") + std::string(opcode_info(in.op).name));
  check_height();
}

void LlvmEmitter::table_op(const Instr &in, std::span<const Operand> args) {
  if (failed())
    return;
  operands(args.size(), has_result(in.op) ? 1 : 0);
  if (!variable_op(in) && !bulk_op(in))
    fail(std::string("unsupported operator ") + std::string(opcode_info(in.op).name));
  check_height();
}

void LlvmEmitter::value_op(const Instr &in, std::span<const Operand> args) {
  if (failed())
    return;
  operands(args.size(), has_result(in.op) ? 1 : 0);
  if (!variable_op(in) && !numeric(in))
    fail(std::string("unsupported operator ") + std::string(opcode_info(in.op).name));
  check_height();
}

/// local.get: the local's value now (a later local.set does not change it).
void LlvmEmitter::local_get(uint32_t idx) {
  if (failed() || !m_s->live())
    return;
  operands(0, 1);
  push(m_b.CreateLoad(m_locals[idx]->getAllocatedType(), m_locals[idx]));
}

/// local.set and local.tee (whose result, pushed after this event, is the value left in place).
void LlvmEmitter::local_set(uint32_t idx, const Operand &) {
  if (failed() || !m_s->live())
    return;
  operands(1, 0);
  m_b.CreateStore(pop(), m_locals[idx]);
}

bool LlvmEmitter::variable_op(const Instr &in) {
  switch (in.op) {
  case Opcode::Select:
  case Opcode::SelectT: {
    llvm::Value *cond = m_b.CreateICmpNE(pop(), i32(0));
    llvm::Value *v2 = pop(), *v1 = pop();
    // A load selected from must happen whatever is selected: the x86 backend folds a load that
    // feeds only a select into an AVX-512 masked move, which does not fault when its lane is
    // masked off, volatile or not (tests/diff/regressions/select_of_load.wat). A frozen value
    // is no load to fold.
    for (llvm::Value **v : {&v1, &v2})
      if (llvm::isa<llvm::LoadInst>(*v))
        *v = m_b.CreateFreeze(*v);
    push(m_b.CreateSelect(cond, v1, v2));
    return true;
  }
  case Opcode::GlobalGet:
  case Opcode::GlobalSet: {
    auto *slot = m_b.CreateConstInBoundsGEP1_64(m_env.ptr(), m_globals, in.a);
    auto *cell = m_b.CreateLoad(m_env.ptr(), slot);
    cell->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(m_env.ll, {}));
    llvm::Type *t = m_env.type_of(m_env.global_types[in.a]);
    if (in.op == Opcode::GlobalGet) {
      push(m_b.CreateLoad(t, cell));
      return true;
    }
    llvm::Value *v = pop();
    if (t->isFloatingPointTy())
      v = m_b.CreateBitCast(v, llvm::IntegerType::get(m_env.ll, t->getPrimitiveSizeInBits()));
    // Volatile, as memory accesses are: LLVM would otherwise sink a global.set in a loop past
    // a store that faults (tests/diff/regressions/global_set_before_trap.wat).
    m_b.CreateStore(m_b.CreateZExt(v, m_b.getInt64Ty()), cell, /*isVolatile=*/true);
    return true;
  }
  case Opcode::RefNull: push(m_b.getInt64(kNullRef)); return true;
  case Opcode::RefIsNull:
    push(bool_i32(m_b.CreateICmpEQ(pop(), m_b.getInt64(kNullRef))));
    return true;
  case Opcode::RefFunc:
    push(call("isobox_aot_ref_func", m_b.getInt64Ty(), {m_ctx, i32(in.a)}));
    return true;
  case Opcode::TableGet: {
    llvm::Value *i = pop();
    push(call("isobox_aot_table_get", m_b.getInt64Ty(), {m_ctx, i32(in.a), i}));
    return true;
  }
  case Opcode::TableSet: {
    llvm::Value *ref = pop(), *i = pop();
    call("isobox_aot_table_set", m_b.getVoidTy(), {m_ctx, i32(in.a), i, ref});
    return true;
  }
  default: return false;
  }
}

llvm::Value *LlvmEmitter::address(llvm::Value *index, uint64_t offset) {
  llvm::Value *off = m_b.CreateZExt(index, m_b.getInt64Ty());
  if (offset != 0)
    off = m_b.CreateAdd(off, m_b.getInt64(offset), "", /*HasNUW=*/true);
  return m_b.CreateGEP(m_b.getInt8Ty(), m_mem, off);
}

/// Loads and stores: no bounds check; an access past the accessible part faults in the guard
/// region and the signal handler turns it into "out of bounds memory access". Every access is
/// volatile, so LLVM keeps each one, in program order: it deletes a plain load whose value ends
/// up unused (a compare it folds, a local never read again), and the trap with it; and it deletes
/// a store overwritten later, though a faulting access between the two makes the first one
/// observable (tests/diff/regressions/dead_loads.wat, dead_store.wat).
bool LlvmEmitter::load_store(const Instr &in) {
  const Opcode op = in.op;
  if (op == Opcode::MemorySize) {
    push(call("isobox_aot_memory_size", m_b.getInt32Ty(), {m_ctx}));
    return true;
  }
  if (op == Opcode::MemoryGrow) {
    llvm::Value *delta = pop();
    push(call("isobox_aot_memory_grow", m_b.getInt32Ty(), {m_ctx, delta}));
    return true;
  }
  if (!in_range(op, Opcode::I32Load, Opcode::I64Store32))
    return false;
  const OpcodeInfo &info = opcode_info(op);
  unsigned bytes = 4;
  switch (info.imm) {
  case ImmKind::Mem8: bytes = 1; break;
  case ImmKind::Mem16: bytes = 2; break;
  case ImmKind::Mem64: bytes = 8; break;
  default: break;
  }
  auto *access_int = llvm::IntegerType::get(m_env.ll, bytes * 8);
  if (in_range(op, Opcode::I32Load, Opcode::I64Load32U)) {
    const SigType rt = info.result;
    llvm::Type *result = rt == SigType::I32   ? m_b.getInt32Ty()
                         : rt == SigType::I64 ? m_b.getInt64Ty()
                         : rt == SigType::F32 ? m_b.getFloatTy()
                                              : m_b.getDoubleTy();
    llvm::Value *ptr = address(pop(), in.c);
    llvm::Type *lt = result->isFloatingPointTy() ? result : static_cast<llvm::Type *>(access_int);
    auto *v = m_b.CreateAlignedLoad(lt, ptr, llvm::MaybeAlign(1), /*isVolatile=*/true);
    if (lt == result) {
      push(v);
      return true;
    }
    const bool is_signed = opcode_info(op).name.ends_with("_s");
    push(is_signed ? m_b.CreateSExt(v, result) : m_b.CreateZExt(v, result));
    return true;
  }
  llvm::Value *v = pop();
  llvm::Value *ptr = address(pop(), in.c);
  if (!v->getType()->isFloatingPointTy() && v->getType() != access_int)
    v = m_b.CreateTrunc(v, access_int);
  m_b.CreateAlignedStore(v, ptr, llvm::MaybeAlign(1), /*isVolatile=*/true);
  return true;
}

bool LlvmEmitter::bulk_op(const Instr &in) {
  auto *i32t = m_b.getInt32Ty();
  auto *vt = m_b.getVoidTy();
  switch (in.op) {
  case Opcode::MemoryInit: {
    llvm::Value *n = pop(), *s = pop(), *d = pop();
    call("isobox_aot_memory_init", vt, {m_ctx, i32(in.a), d, s, n});
    return true;
  }
  case Opcode::DataDrop: call("isobox_aot_data_drop", vt, {m_ctx, i32(in.a)}); return true;
  case Opcode::MemoryCopy:
  case Opcode::MemoryFill: {
    llvm::Value *n = pop(), *s = pop(), *d = pop();
    const char *name =
        in.op == Opcode::MemoryCopy ? "isobox_aot_memory_copy" : "isobox_aot_memory_fill";
    call(name, vt, {m_ctx, d, s, n});
    return true;
  }
  case Opcode::TableInit: {
    llvm::Value *n = pop(), *s = pop(), *d = pop();
    call("isobox_aot_table_init", vt, {m_ctx, i32(in.b), i32(in.a), d, s, n});
    return true;
  }
  case Opcode::ElemDrop: call("isobox_aot_elem_drop", vt, {m_ctx, i32(in.a)}); return true;
  case Opcode::TableCopy: {
    llvm::Value *n = pop(), *s = pop(), *d = pop();
    call("isobox_aot_table_copy", vt, {m_ctx, i32(in.a), i32(in.b), d, s, n});
    return true;
  }
  case Opcode::TableGrow: {
    llvm::Value *n = pop(), *ref = pop();
    push(call("isobox_aot_table_grow", i32t, {m_ctx, i32(in.a), ref, n}));
    return true;
  }
  case Opcode::TableSize:
    push(call("isobox_aot_table_size", i32t, {m_ctx, i32(in.a)}));
    return true;
  case Opcode::TableFill: {
    llvm::Value *n = pop(), *ref = pop(), *i = pop();
    call("isobox_aot_table_fill", vt, {m_ctx, i32(in.a), i, ref, n});
    return true;
  }
  default: return false;
  }
}

bool LlvmEmitter::numeric(const Instr &in) {
  const Opcode op = in.op;
  switch (op) {
  case Opcode::I32Const: push(i32(in.c)); return true;
  case Opcode::I64Const: push(m_b.getInt64(in.c)); return true;
  case Opcode::F32Const: push(m_b.CreateBitCast(i32(in.c), m_b.getFloatTy())); return true;
  case Opcode::F64Const:
    push(m_b.CreateBitCast(m_b.getInt64(in.c), m_b.getDoubleTy()));
    return true;
  case Opcode::I32Eqz:
  case Opcode::I64Eqz: {
    llvm::Value *v = pop();
    push(bool_i32(m_b.CreateICmpEQ(v, llvm::Constant::getNullValue(v->getType()))));
    return true;
  }
  default: break;
  }
  if (in_range(op, Opcode::I32Eq, Opcode::I32GeU) || in_range(op, Opcode::I64Eq, Opcode::I64GeU)) {
    static constexpr llvm::CmpInst::Predicate preds[] = {
        llvm::CmpInst::ICMP_EQ,  llvm::CmpInst::ICMP_NE,  llvm::CmpInst::ICMP_SLT,
        llvm::CmpInst::ICMP_ULT, llvm::CmpInst::ICMP_SGT, llvm::CmpInst::ICMP_UGT,
        llvm::CmpInst::ICMP_SLE, llvm::CmpInst::ICMP_ULE, llvm::CmpInst::ICMP_SGE,
        llvm::CmpInst::ICMP_UGE};
    const Opcode base = in_range(op, Opcode::I32Eq, Opcode::I32GeU) ? Opcode::I32Eq : Opcode::I64Eq;
    llvm::Value *c = pop(), *a = pop();
    push(bool_i32(
        m_b.CreateICmp(preds[static_cast<unsigned>(op) - static_cast<unsigned>(base)], a, c)));
    return true;
  }
  if (in_range(op, Opcode::F32Eq, Opcode::F32Ge) || in_range(op, Opcode::F64Eq, Opcode::F64Ge)) {
    static constexpr llvm::CmpInst::Predicate preds[] = {
        llvm::CmpInst::FCMP_OEQ, llvm::CmpInst::FCMP_UNE, llvm::CmpInst::FCMP_OLT,
        llvm::CmpInst::FCMP_OGT, llvm::CmpInst::FCMP_OLE, llvm::CmpInst::FCMP_OGE};
    const Opcode base = in_range(op, Opcode::F32Eq, Opcode::F32Ge) ? Opcode::F32Eq : Opcode::F64Eq;
    llvm::Value *c = pop(), *a = pop();
    push(bool_i32(
        m_b.CreateFCmp(preds[static_cast<unsigned>(op) - static_cast<unsigned>(base)], a, c)));
    return true;
  }
  if (in_range(op, Opcode::I32Clz, Opcode::I32Popcnt) ||
      in_range(op, Opcode::I64Clz, Opcode::I64Popcnt)) {
    llvm::Value *v = pop();
    const auto name = opcode_info(op).name;
    if (name.ends_with("popcnt"))
      push(m_b.CreateUnaryIntrinsic(llvm::Intrinsic::ctpop, v));
    else
      push(m_b.CreateBinaryIntrinsic(name.ends_with("clz") ? llvm::Intrinsic::ctlz
                                                           : llvm::Intrinsic::cttz,
                                     v, m_b.getFalse()));
    return true;
  }
  if (in_range(op, Opcode::I32Add, Opcode::I32Rotr) ||
      in_range(op, Opcode::I64Add, Opcode::I64Rotr)) {
    llvm::Value *c = pop(), *a = pop();
    return int_binary(op, a, c);
  }
  return float_op(op) || conversion(op);
}

bool LlvmEmitter::int_binary(Opcode op, llvm::Value *a, llvm::Value *c) {
  const auto name = opcode_info(op).name.substr(4); // after "i32." / "i64."
  const unsigned bits = a->getType()->getIntegerBitWidth();
  llvm::Value *amount = m_b.CreateAnd(c, llvm::ConstantInt::get(a->getType(), bits - 1));
  llvm::Value *r = nullptr;
  if (name == "add")
    r = m_b.CreateAdd(a, c);
  else if (name == "sub")
    r = m_b.CreateSub(a, c);
  else if (name == "mul")
    r = m_b.CreateMul(a, c);
  else if (name == "and")
    r = m_b.CreateAnd(a, c);
  else if (name == "or")
    r = m_b.CreateOr(a, c);
  else if (name == "xor")
    r = m_b.CreateXor(a, c);
  else if (name == "shl")
    r = m_b.CreateShl(a, amount);
  else if (name == "shr_s")
    r = m_b.CreateAShr(a, amount);
  else if (name == "shr_u")
    r = m_b.CreateLShr(a, amount);
  else if (name == "rotl")
    r = m_b.CreateIntrinsic(llvm::Intrinsic::fshl, {a->getType()}, {a, a, c});
  else if (name == "rotr")
    r = m_b.CreateIntrinsic(llvm::Intrinsic::fshr, {a->getType()}, {a, a, c});
  else
    r = div_rem(op, a, c);
  push(r);
  return true;
}

llvm::Value *LlvmEmitter::div_rem(Opcode op, llvm::Value *a, llvm::Value *c) {
  const auto name = opcode_info(op).name.substr(4);
  llvm::Type *t = a->getType();
  auto *zero = llvm::ConstantInt::get(t, 0);
  trap_if(m_b.CreateICmpEQ(c, zero), TrapCode::DivByZero);
  if (name == "div_u")
    return m_b.CreateUDiv(a, c);
  if (name == "rem_u")
    return m_b.CreateURem(a, c);
  auto *min = llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(t->getIntegerBitWidth()));
  auto *minus1 = llvm::ConstantInt::getSigned(t, -1);
  llvm::Value *overflow = m_b.CreateAnd(m_b.CreateICmpEQ(a, min), m_b.CreateICmpEQ(c, minus1));
  if (name == "div_s") {
    trap_if(overflow, TrapCode::IntOverflow);
    return m_b.CreateSDiv(a, c);
  }
  // rem_s: INT_MIN % -1 is 0 in Wasm, undefined in LLVM: divide by 1 instead.
  return m_b.CreateSRem(a, m_b.CreateSelect(overflow, llvm::ConstantInt::get(t, 1), c));
}

bool LlvmEmitter::float_op(Opcode op) {
  if (!in_range(op, Opcode::F32Abs, Opcode::F32Copysign) &&
      !in_range(op, Opcode::F64Abs, Opcode::F64Copysign))
    return false;
  const auto name = opcode_info(op).name.substr(4);
  using I = llvm::Intrinsic::ID;
  static const std::pair<std::string_view, I> unary[] = {
      {"abs", llvm::Intrinsic::fabs},          {"ceil", llvm::Intrinsic::ceil},
      {"floor", llvm::Intrinsic::floor},       {"trunc", llvm::Intrinsic::trunc},
      {"nearest", llvm::Intrinsic::roundeven}, {"sqrt", llvm::Intrinsic::sqrt}};
  for (const auto &[n, id] : unary)
    if (name == n) {
      push(m_b.CreateUnaryIntrinsic(id, pop()));
      return true;
    }
  if (name == "neg") {
    push(m_b.CreateFNeg(pop()));
    return true;
  }
  llvm::Value *c = pop(), *a = pop();
  llvm::Value *r = nullptr;
  // LLVM folds x*1, x-0, x/1, min(x, y) to an operand, NaN or not; Wasm's result NaN is quiet.
  const bool fold_risk = name == "min" || name == "max" || llvm::isa<llvm::Constant>(a) ||
                         llvm::isa<llvm::Constant>(c);
  if (name == "add")
    r = m_b.CreateFAdd(a, c);
  else if (name == "sub")
    r = m_b.CreateFSub(a, c);
  else if (name == "mul")
    r = m_b.CreateFMul(a, c);
  else if (name == "div")
    r = m_b.CreateFDiv(a, c);
  else if (name == "min")
    r = m_b.CreateBinaryIntrinsic(llvm::Intrinsic::minimum, a, c);
  else if (name == "max")
    r = m_b.CreateBinaryIntrinsic(llvm::Intrinsic::maximum, a, c);
  else
    r = m_b.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, a, c);
  push(fold_risk && name != "copysign" ? quiet_nan(r) : r);
  return true;
}

/// A NaN with its quiet bit set (sign and payload kept), any other value unchanged.
llvm::Value *LlvmEmitter::quiet_nan(llvm::Value *v) {
  llvm::Type *t = v->getType();
  const unsigned bits = t->getPrimitiveSizeInBits();
  auto *it = llvm::IntegerType::get(m_env.ll, bits);
  const uint64_t quiet = bits == 32 ? uint64_t{0x00400000} : uint64_t{1} << 51;
  llvm::Value *q = m_b.CreateBitCast(
      m_b.CreateOr(m_b.CreateBitCast(v, it), llvm::ConstantInt::get(it, quiet)), t);
  return m_b.CreateSelect(m_b.CreateFCmpUNO(v, v), q, v);
}

/// Trapping float -> int: NaN is "invalid conversion to integer"; a truncated value outside the
/// target range is "integer overflow" (the bounds are powers of two, exact in both float types).
llvm::Value *LlvmEmitter::checked_trunc(llvm::Value *v, llvm::Type *to, bool is_signed) {
  trap_if(m_b.CreateFCmpUNO(v, v), TrapCode::InvalidConversion);
  llvm::Value *t = m_b.CreateUnaryIntrinsic(llvm::Intrinsic::trunc, v);
  const unsigned bits = to->getIntegerBitWidth();
  const double hi = is_signed ? std::ldexp(1.0, static_cast<int>(bits) - 1)
                              : std::ldexp(1.0, static_cast<int>(bits));
  const double lo = is_signed ? -hi : 0.0;
  auto *lo_c = llvm::ConstantFP::get(v->getType(), lo);
  auto *hi_c = llvm::ConstantFP::get(v->getType(), hi);
  llvm::Value *bad = m_b.CreateOr(m_b.CreateFCmpOLT(t, lo_c), m_b.CreateFCmpOGE(t, hi_c));
  trap_if(bad, TrapCode::IntOverflow);
  return is_signed ? m_b.CreateFPToSI(t, to) : m_b.CreateFPToUI(t, to);
}

bool LlvmEmitter::conversion(Opcode op) {
  const OpcodeInfo &info = opcode_info(op);
  auto type_of = [&](SigType s) -> llvm::Type * {
    switch (s) {
    case SigType::I32: return m_b.getInt32Ty();
    case SigType::I64: return m_b.getInt64Ty();
    case SigType::F32: return m_b.getFloatTy();
    case SigType::F64: return m_b.getDoubleTy();
    default: return nullptr;
    }
  };
  llvm::Type *to = type_of(info.result);
  if (to == nullptr || info.param2 != SigType::_)
    return false;
  const std::string_view name = info.name.substr(4);
  const bool is_signed = name.ends_with("_s");
  llvm::Value *v = pop();
  llvm::Value *r = nullptr;
  if (name.starts_with("wrap"))
    r = m_b.CreateTrunc(v, to);
  else if (name.starts_with("extend_i32"))
    r = is_signed ? m_b.CreateSExt(v, to) : m_b.CreateZExt(v, to);
  else if (name.starts_with("extend")) { // extend8_s, extend16_s, extend32_s
    const unsigned bits = name == "extend8_s" ? 8 : name == "extend16_s" ? 16 : 32;
    r = m_b.CreateSExt(m_b.CreateTrunc(v, llvm::IntegerType::get(m_env.ll, bits)), to);
  } else if (name.starts_with("trunc_sat"))
    r = m_b.CreateIntrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                            {to, v->getType()}, {v});
  else if (name.starts_with("trunc"))
    r = checked_trunc(v, to, is_signed);
  else if (name.starts_with("convert"))
    r = is_signed ? m_b.CreateSIToFP(v, to) : m_b.CreateUIToFP(v, to);
  else if (name.starts_with("demote"))
    r = quiet_nan(m_b.CreateFPTrunc(v, to)); // LLVM folds demote(promote(x)) to x, even a NaN
  else if (name.starts_with("promote"))
    r = quiet_nan(m_b.CreateFPExt(v, to));
  else if (name.starts_with("reinterpret"))
    r = m_b.CreateBitCast(v, to);
  else {
    push(v);
    return false;
  }
  push(r);
  return true;
}

} // namespace isobox::wasm::aot
