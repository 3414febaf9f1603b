// The `spectest` host module every spec script imports from (spec interpreter host/spectest.ml).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "wasm/runtime/store.hpp"

namespace isobox::spec {

/// Exports of one spectest instance, by name.
using HostExports = std::map<std::string, wasm::ExternVal, std::less<>>;

/// Adds spectest's objects to `store`: print, print_i32, print_i64, print_f32, print_f64,
/// print_i32_f32, print_f64_f64 (no results; they print nothing unless `echo` is set),
/// global_i32 = 666, global_i64 = 666, global_f32 = 666.6, global_f64 = 666.6 (immutable),
/// table = 10..20 funcref, memory = 1..2 pages.
HostExports add_spectest(wasm::Store &store, bool echo = false);

} // namespace isobox::spec
