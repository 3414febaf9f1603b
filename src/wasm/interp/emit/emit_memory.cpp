// InterpEmitter, memory and table operators: loads and stores (with `addr + k` folded into the
// address), bulk memory, table access and bulk table operations.
#include "wasm/interp/emit/interp_emitter.hpp"

namespace isobox::wasm::interp {

/// True if `addr` is the canonical result of the I32AddImm at `pos`, rewindable.
bool InterpEmitter::added_address(IOp op, uint32_t pos, const Operand &addr) const {
  return op == IOp::I32AddImm && pos >= m_barrier && pos + 4 <= here() &&
         m_out.code[pos + 1] == addr.slot && addr.slot >= m_fss;
}

/// The load/store variant that adds an immediate to the address slot first.
static IOp k_variant(Opcode op) {
  const unsigned i = static_cast<unsigned>(op) - static_cast<unsigned>(Opcode::I32Load);
  return static_cast<IOp>(static_cast<unsigned>(IOp::I32LoadK) + i);
}

/// A load's address as (slot, imm, off) of the K form; plain loads have imm 0.
struct LoadAt {
  uint32_t dst, addr, imm, off;
};

static std::optional<LoadAt> load_at(IOp op, IOp plain, const std::vector<uint32_t> &code,
                                     uint32_t pos, uint32_t end) {
  const IOp k = k_variant(static_cast<Opcode>(plain));
  if (op == plain && end == pos + 4)
    return LoadAt{code[pos + 1], code[pos + 2], 0, code[pos + 3]};
  if (op == k && end == pos + 5)
    return LoadAt{code[pos + 1], code[pos + 2], code[pos + 3], code[pos + 4]};
  return std::nullopt;
}

/// `load a; load b; op` (f32/f64 add or mul, both loads just emitted into the operands' stack
/// slots) becomes one operator that loads both and computes: the dot-product and
/// array-arithmetic shape. Loads trap in the same order as before.
bool InterpEmitter::try_fuse_loads(Opcode op, const Operand &a, const Operand &b, uint32_t dst) {
  IOp fused, plain;
  switch (op) {
  case Opcode::F32Mul: fused = IOp::F32MulLL, plain = IOp::F32Load; break;
  case Opcode::F32Add: fused = IOp::F32AddLL, plain = IOp::F32Load; break;
  case Opcode::F64Mul: fused = IOp::F64MulLL, plain = IOp::F64Load; break;
  case Opcode::F64Add: fused = IOp::F64AddLL, plain = IOp::F64Load; break;
  default: return false;
  }
  if (m_prev_pos < m_barrier || m_last_op == IOp::Count_ || m_prev_op == IOp::Count_ ||
      a.slot < m_fss || b.slot < m_fss)
    return false;
  auto la = load_at(m_prev_op, plain, m_out.code, m_prev_pos, m_last_pos);
  auto lb = load_at(m_last_op, plain, m_out.code, m_last_pos, here());
  if (!la || !lb || la->dst != a.slot || lb->dst != b.slot)
    return false;
  rewind(m_prev_pos);
  emit_dst(fused, {dst, la->addr, la->imm, la->off, lb->addr, lb->imm, lb->off});
  return true;
}

/// `const c; store` of 8, 16 or 32 bits (also f32, same bytes) becomes a store of an immediate,
/// folding an `addr + k` just before the constant as well.
bool InterpEmitter::try_store_imm(Opcode op, const Operand &addr, const Operand &v, uint32_t off) {
  IOp store_imm;
  switch (op) {
  case Opcode::I32Store:
  case Opcode::F32Store: store_imm = IOp::I32StoreKI; break;
  case Opcode::I32Store8: store_imm = IOp::I32Store8KI; break;
  case Opcode::I32Store16: store_imm = IOp::I32Store16KI; break;
  default: return false;
  }
  if (m_last_op != IOp::Const32 || here() != m_last_pos + 3 || m_last_pos < m_barrier ||
      m_out.code[m_last_pos + 1] != v.slot || v.slot < m_fss)
    return false;
  const uint32_t c = m_out.code[m_last_pos + 2];
  if (m_prev_pos + 4 == m_last_pos && added_address(m_prev_op, m_prev_pos, addr)) {
    const uint32_t a = m_out.code[m_prev_pos + 2], k = m_out.code[m_prev_pos + 3];
    rewind(m_prev_pos);
    emit(store_imm, {a, c, k, off});
  } else {
    rewind(m_last_pos);
    emit(store_imm, {addr.slot, c, 0, off});
  }
  return true;
}

void InterpEmitter::memory_op(const Instr &in, std::span<const Operand> args) {
  const uint32_t dst = this->dst();
  switch (in.op) {
  case Opcode::DataDrop: emit(IOp::DataDropOp, {in.a}); return;
  case Opcode::MemorySize: emit_dst(IOp::MemorySizeOp, {dst}); return;
  case Opcode::MemoryGrow: emit_dst(IOp::MemoryGrowOp, {dst, args[0].slot}); return;
  case Opcode::MemoryInit:
    emit(IOp::MemoryInitOp, {in.a, args[0].slot, args[1].slot, args[2].slot});
    return;
  case Opcode::MemoryCopy:
  case Opcode::MemoryFill:
    emit(in.op == Opcode::MemoryCopy ? IOp::MemoryCopyOp : IOp::MemoryFillOp,
         {args[0].slot, args[1].slot, args[2].slot});
    return;
  default: break;
  }
  if (opcode_info(in.op).result != SigType::_)
    op_load(in, args[0], dst);
  else
    op_store(in, args[0], args[1]);
}

void InterpEmitter::op_load(const Instr &in, const Operand &addr, uint32_t dst) {
  const uint32_t off = static_cast<uint32_t>(in.c);
  if (here() == m_last_pos + 4 && added_address(m_last_op, m_last_pos, addr)) {
    const uint32_t a = m_out.code[m_last_pos + 2], k = m_out.code[m_last_pos + 3];
    rewind(m_last_pos);
    emit_dst(k_variant(in.op), {dst, a, k, off});
  } else {
    emit_dst(to_iop(in.op), {dst, addr.slot, off});
  }
}

void InterpEmitter::op_store(const Instr &in, const Operand &addr, const Operand &v) {
  const uint32_t off = static_cast<uint32_t>(in.c);
  if (here() == m_last_pos + 4 && added_address(m_last_op, m_last_pos, addr)) {
    const uint32_t a = m_out.code[m_last_pos + 2], k = m_out.code[m_last_pos + 3];
    rewind(m_last_pos);
    emit(k_variant(in.op), {a, v.slot, k, off});
  } else if (try_store_imm(in.op, addr, v, off)) {
  } else if (m_last_op == IOp::Const32 && here() == m_last_pos + 3 &&
             m_out.code[m_last_pos + 1] == v.slot && v.slot >= m_fss &&
             m_prev_pos + 4 == m_last_pos && added_address(m_prev_op, m_prev_pos, addr)) {
    // `addr + k; const c; store`: the constant's Const32 moves before the fused store.
    const uint32_t a = m_out.code[m_prev_pos + 2], k = m_out.code[m_prev_pos + 3];
    const uint32_t c = m_out.code[m_last_pos + 2];
    rewind(m_prev_pos);
    emit(IOp::Const32, {v.slot, c});
    emit(k_variant(in.op), {a, v.slot, k, off});
  } else {
    emit(to_iop(in.op), {addr.slot, v.slot, off});
  }
}

void InterpEmitter::table_op(const Instr &in, std::span<const Operand> args) {
  const uint32_t dst = this->dst();
  switch (in.op) {
  case Opcode::ElemDrop: emit(IOp::ElemDropOp, {in.a}); return;
  case Opcode::TableInit:
    emit(IOp::TableInitOp, {in.b, in.a, args[0].slot, args[1].slot, args[2].slot});
    return;
  case Opcode::TableCopy:
    emit(IOp::TableCopyOp, {in.a, in.b, args[0].slot, args[1].slot, args[2].slot});
    return;
  case Opcode::TableGet: emit_dst(IOp::TableGetOp, {dst, in.a, args[0].slot}); return;
  case Opcode::TableSet: emit(IOp::TableSetOp, {in.a, args[0].slot, args[1].slot}); return;
  case Opcode::TableSize: emit_dst(IOp::TableSizeOp, {dst, in.a}); return;
  case Opcode::TableGrow:
    emit_dst(IOp::TableGrowOp, {dst, in.a, args[0].slot, args[1].slot});
    return;
  default: // TableFill
    emit(IOp::TableFillOp, {in.a, args[0].slot, args[1].slot, args[2].slot});
    return;
  }
}

} // namespace isobox::wasm::interp
