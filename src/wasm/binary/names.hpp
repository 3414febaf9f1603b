// Function names for diagnostics: the "name" custom section (function names subsection), else an
// export name. Malformed name sections are ignored, as the spec asks of custom sections.
#pragma once

#include <optional>
#include <string>

#include "wasm/binary/module.hpp"

namespace isobox::wasm {

/// The best known name of function `index` (imports included in the index space), or nullopt.
std::optional<std::string> function_name(const Module &module, uint32_t index);

} // namespace isobox::wasm
