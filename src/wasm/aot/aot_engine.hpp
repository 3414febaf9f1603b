// The aot tier as an Engine: modules are compiled by LLVM when loaded and run as native code.
#pragma once

#include <memory>

#include "common/error.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::wasm::aot {

/// A fresh aot-tier engine. Errors: the compiler plug-in is missing; a limit the tier does not
/// enforce yet was set (fuel).
Result<std::unique_ptr<Engine>> make_aot_engine(const StoreLimits &limits);

} // namespace isobox::wasm::aot
