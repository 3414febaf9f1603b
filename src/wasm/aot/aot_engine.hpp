// The aot tier as an Engine: modules are compiled by LLVM when loaded and run as native code.
#pragma once

#include <memory>

#include "common/error.hpp"
#include "wasm/aot/abi.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::wasm::aot {

/// The checks an aot engine with `limits` compiles in (a timeout, fuel, the call depth): what
/// its code depends on besides the module.
CompileOptions compile_options(const StoreLimits &limits);

/// A fresh aot-tier engine enforcing every limit of `limits`; `load_compiler`: load the plug-in
/// (and libLLVM) now, false when every module comes with its code (LoadOptions::aot_object).
/// Error: the compiler plug-in is missing.
Result<std::unique_ptr<Engine>> make_aot_engine(const StoreLimits &limits, bool load_compiler);

} // namespace isobox::wasm::aot
