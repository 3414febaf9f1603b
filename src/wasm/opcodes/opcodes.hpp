// Opcode enum and per-opcode facts, all generated from opcodes.def (the one instruction table).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace isobox::wasm {

/// Dense opcode numbering (not the binary encoding): one enumerator per row of opcodes.def.
enum class Opcode : uint16_t {
#define OP(prefix, code, name, ident, imm, r, p1, p2) ident,
#include "wasm/opcodes/opcodes.def"
  Count_
};
inline constexpr unsigned kOpcodeCount = static_cast<unsigned>(Opcode::Count_);

/// What follows an opcode in the binary format (spec 5.4).
enum class ImmKind : uint8_t {
  None,
  Block,
  Label,
  LabelTable,
  Func,
  CallIndirect,
  SelectT,
  Local,
  Global,
  Table,
  Mem8,
  Mem16,
  Mem32,
  Mem64,
  MemIdx,
  I32,
  I64,
  F32,
  F64,
  RefType,
  MemInit,
  Data,
  MemCopy,
  TableInit,
  Elem,
  TableCopy
};

/// Operand/result type of a "simple" operator in the table; X = validated by hand.
enum class SigType : uint8_t { _, X, I32, I64, F32, F64 };

struct OpcodeInfo {
  uint8_t prefix; ///< 0 or 0xFC
  uint32_t code;  ///< byte (or u32 after the prefix)
  std::string_view name;
  ImmKind imm;
  SigType result, param1, param2;
};

/// Table row of an opcode.
const OpcodeInfo &opcode_info(Opcode op);
/// Decodes a one-byte opcode (nullopt for illegal or prefix bytes).
std::optional<Opcode> opcode_from_byte(uint8_t byte);
/// Decodes an 0xFC-prefixed opcode from its u32 sub-code.
std::optional<Opcode> opcode_from_fc(uint32_t code);
/// Natural alignment exponent of a memory access opcode (ImmKind Mem8..Mem64).
inline unsigned natural_align_log2(ImmKind k) {
  return k == ImmKind::Mem8 ? 0 : k == ImmKind::Mem16 ? 1 : k == ImmKind::Mem32 ? 2 : 3;
}

} // namespace isobox::wasm
