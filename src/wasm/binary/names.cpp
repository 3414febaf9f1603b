#include "wasm/binary/names.hpp"

#include "wasm/binary/reader.hpp"

namespace isobox::wasm {
namespace {

/// Looks `index` up in a name section's function-names subsection (id 1: a vector of
/// (index, name) pairs in index order). Any malformed part ends the search.
Result<std::optional<std::string>> from_name_section(std::span<const uint8_t> bytes,
                                                     uint32_t index) {
  Reader r(bytes);
  while (!r.at_end()) {
    const uint8_t id = ISOBOX_TRY(r.u8());
    const uint32_t size = ISOBOX_TRY(r.u32());
    auto sub = ISOBOX_TRY(r.bytes(size));
    if (id != 1)
      continue;
    Reader s(sub);
    const uint32_t count = ISOBOX_TRY(s.u32());
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t idx = ISOBOX_TRY(s.u32());
      const uint32_t len = ISOBOX_TRY(s.u32());
      auto name = ISOBOX_TRY(s.bytes(len));
      if (idx == index)
        return std::string(name.begin(), name.end());
    }
  }
  return std::optional<std::string>();
}

} // namespace

std::optional<std::string> function_name(const Module &module, uint32_t index) {
  for (const CustomSection &c : module.customs) {
    if (c.name != "name")
      continue;
    if (auto found = from_name_section(c.bytes, index); found && *found)
      return **found;
  }
  for (const Export &e : module.exports)
    if (e.kind == ExternKind::Func && e.index == index)
      return e.name;
  return std::nullopt;
}

} // namespace isobox::wasm
