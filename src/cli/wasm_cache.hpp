// `isobox wasm compile` and `isobox wasm cache ls|clear`: filling, listing and clearing the
// compiled-code cache, and writing precompiled artifacts.
#pragma once

#include "cli/context.hpp"

namespace isobox::cli {

/// Adds `compile` and `cache` under `wasm` (called from register_wasm_commands).
void register_wasm_cache(CLI::App &wasm, Context &ctx);

} // namespace isobox::cli
