// Text listing of a function body for `isobox wasm dump`, driven by opcodes.def.
#pragma once

#include <string>

#include "common/error.hpp"
#include "wasm/binary/module.hpp"

namespace isobox::wasm {

/// One instruction per line, indented by nesting, e.g. "  local.get 0"; past 16 levels the line
/// starts with its depth instead ("[17] block"), so the text is linear in the body's size.
/// `func_index` counts
/// imported functions first; error if it names an import or is out of range.
Result<std::string> print_code(const Module &module, uint32_t func_index);

} // namespace isobox::wasm
