// Lookup tables over opcodes.def: info per opcode and byte -> opcode decoding.
#include "wasm/opcodes/opcodes.hpp"

#include <array>

namespace isobox::wasm {
namespace {

constexpr std::array<OpcodeInfo, kOpcodeCount> kInfo = {{
#define OP(prefix, code, name, ident, imm, r, p1, p2)                                              \
  {prefix, code, name, ImmKind::imm, SigType::r, SigType::p1, SigType::p2},
#include "wasm/opcodes/opcodes.def"
}};

struct ByteMaps {
  std::array<int16_t, 256> one{};
  std::array<int16_t, 32> fc{};
  constexpr ByteMaps() {
    one.fill(-1);
    fc.fill(-1);
    for (unsigned i = 0; i < kOpcodeCount; ++i) {
      if (kInfo[i].prefix == 0)
        one[kInfo[i].code] = static_cast<int16_t>(i);
      else
        fc[kInfo[i].code] = static_cast<int16_t>(i);
    }
  }
};
constexpr ByteMaps kMaps;

} // namespace

const OpcodeInfo &opcode_info(Opcode op) { return kInfo[static_cast<unsigned>(op)]; }

std::optional<Opcode> opcode_from_byte(uint8_t byte) {
  if (kMaps.one[byte] < 0)
    return std::nullopt;
  return static_cast<Opcode>(kMaps.one[byte]);
}

std::optional<Opcode> opcode_from_fc(uint32_t code) {
  if (code >= kMaps.fc.size() || kMaps.fc[code] < 0)
    return std::nullopt;
  return static_cast<Opcode>(kMaps.fc[code]);
}

} // namespace isobox::wasm
