// Instruction decoding for the decoder, the validator and the printer (spec 5.4).
#include "wasm/binary/instr.hpp"

#include "wasm/binary/limits.hpp"

namespace isobox::wasm {

static bool is_val_type_byte(uint8_t b) {
  return b == 0x7f || b == 0x7e || b == 0x7d || b == 0x7c || b == 0x70 || b == 0x6f;
}

Result<ValType> read_val_type(Reader &r) {
  uint8_t b = ISOBOX_TRY(r.u8());
  if (!is_val_type_byte(b))
    return make_error("malformed value type");
  return static_cast<ValType>(b);
}

Result<ValType> read_ref_type(Reader &r) {
  uint8_t b = ISOBOX_TRY(r.u8());
  if (b != 0x70 && b != 0x6f)
    return make_error("malformed reference type");
  return static_cast<ValType>(b);
}

static Result<BlockType> read_block_type(Reader &r) {
  auto rest = r.rest();
  if (!rest.empty() && rest[0] == 0x40) {
    (void)r.u8();
    return BlockType{};
  }
  if (!rest.empty() && is_val_type_byte(rest[0])) {
    (void)r.u8();
    return BlockType{BlockType::Kind::Value, static_cast<ValType>(rest[0]), 0};
  }
  int64_t idx = ISOBOX_TRY(r.s33());
  if (idx < 0)
    return make_error("malformed value type");
  return BlockType{BlockType::Kind::Index, ValType::I32, static_cast<uint32_t>(idx)};
}

static Result<void> zero_byte(Reader &r) {
  uint8_t b = ISOBOX_TRY(r.u8());
  if (b != 0)
    return make_error("zero byte expected");
  return {};
}

Result<Instr> InstrReader::next() {
  Instr in;
  uint8_t byte = ISOBOX_TRY(m_r.u8());
  std::optional<Opcode> op;
  if (byte == 0xfc) {
    uint32_t sub = ISOBOX_TRY(m_r.u32());
    op = opcode_from_fc(sub);
  } else {
    op = opcode_from_byte(byte);
  }
  if (!op)
    return make_error("illegal opcode");
  in.op = *op;
  switch (opcode_info(in.op).imm) {
  case ImmKind::None: break;
  case ImmKind::Block: in.block = ISOBOX_TRY(read_block_type(m_r)); break;
  case ImmKind::Label:
  case ImmKind::Func:
  case ImmKind::Local:
  case ImmKind::Global:
  case ImmKind::Table:
  case ImmKind::Data:
  case ImmKind::Elem: in.a = ISOBOX_TRY(m_r.u32()); break;
  case ImmKind::LabelTable: {
    uint32_t n = ISOBOX_TRY(m_r.u32());
    if (n > limits::kBrTableTargets)
      return make_error("too many br_table targets: {} (implementation limit {})", n,
                        limits::kBrTableTargets);
    m_labels.clear();
    for (uint32_t i = 0; i < n; ++i) {
      m_labels.push_back(ISOBOX_TRY(m_r.u32()));
    }
    in.a = ISOBOX_TRY(m_r.u32());
    in.labels = m_labels;
    break;
  }
  case ImmKind::CallIndirect:
  case ImmKind::TableCopy:
  case ImmKind::TableInit:
    in.a = ISOBOX_TRY(m_r.u32());
    in.b = ISOBOX_TRY(m_r.u32());
    break;
  case ImmKind::SelectT: {
    uint32_t n = ISOBOX_TRY(m_r.u32());
    in.b = n; // arity, checked by the validator ("invalid result arity")
    for (uint32_t i = 0; i < n; ++i)
      in.type = ISOBOX_TRY(read_val_type(m_r));
    break;
  }
  case ImmKind::Mem8:
  case ImmKind::Mem16:
  case ImmKind::Mem32:
  case ImmKind::Mem64:
    in.a = ISOBOX_TRY(m_r.u32());
    in.c = ISOBOX_TRY(m_r.u32());
    break;
  case ImmKind::MemIdx: ISOBOX_CHECK(zero_byte(m_r)); break;
  case ImmKind::I32: in.c = static_cast<uint32_t>(ISOBOX_TRY(m_r.s32())); break;
  case ImmKind::I64: in.c = static_cast<uint64_t>(ISOBOX_TRY(m_r.s64())); break;
  case ImmKind::F32: in.c = ISOBOX_TRY(m_r.fixed32()); break;
  case ImmKind::F64: in.c = ISOBOX_TRY(m_r.fixed64()); break;
  case ImmKind::RefType: in.type = ISOBOX_TRY(read_ref_type(m_r)); break;
  case ImmKind::MemInit:
    in.a = ISOBOX_TRY(m_r.u32());
    ISOBOX_CHECK(zero_byte(m_r));
    break;
  case ImmKind::MemCopy:
    ISOBOX_CHECK(zero_byte(m_r));
    ISOBOX_CHECK(zero_byte(m_r));
    break;
  }
  return in;
}

} // namespace isobox::wasm
