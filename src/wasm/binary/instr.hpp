// InstrReader: decodes one instruction (opcode + immediates) as listed in opcodes.def (spec 5.4).
#pragma once

#include <vector>

#include "wasm/binary/reader.hpp"
#include "wasm/opcodes/opcodes.hpp"
#include "wasm/runtime/value.hpp"

namespace isobox::wasm {

/// Block type (spec 5.4.1): empty, one value type, or a type index.
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, Index } kind = Kind::Empty;
  ValType value = ValType::I32;
  uint32_t index = 0;
};

/// One decoded instruction. Which fields are set depends on opcode_info(op).imm.
struct Instr {
  Opcode op = Opcode::Nop;
  uint32_t a = 0;  ///< label / func / type / local / global / table / segment index, or align
  uint32_t b = 0;  ///< second index (call_indirect table, table.copy src, table.init table)
  uint64_t c = 0;  ///< constant bits or memarg offset
  BlockType block; ///< for block / loop / if
  ValType type = ValType::I32;      ///< ref.null type, select type
  std::span<const uint32_t> labels; ///< br_table targets (default excluded; it is in `a`)
};

/// Reads a value type byte; "malformed value type" otherwise.
Result<ValType> read_val_type(Reader &r);
/// Reads a reference type byte; "malformed reference type" otherwise.
Result<ValType> read_ref_type(Reader &r);

/// Decodes instructions one by one. br_table targets live in a buffer reused per call.
class InstrReader {
public:
  explicit InstrReader(Reader &r) : m_r(r) {}
  Result<Instr> next();

private:
  Reader &m_r;
  std::vector<uint32_t> m_labels;
};

} // namespace isobox::wasm
