// Invoking functions: the entry from the host into the interpreter.
#pragma once

#include <expected>
#include <span>
#include <vector>

#include "wasm/runtime/store.hpp"

namespace isobox::wasm {

/// Calls the function at store address `func_addr` with `args` (types must match its type;
/// otherwise a Trap "type mismatch" is returned). Returns the results or the Trap.
std::expected<std::vector<Value>, Trap> invoke(Store &store, uint32_t func_addr,
                                               std::span<const Value> args);

} // namespace isobox::wasm
