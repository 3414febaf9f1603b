// Validator (spec 3): checks a Module and compiles every function body into internal code.
#pragma once

#include <atomic>
#include <memory>

#include "common/error.hpp"
#include "wasm/binary/module.hpp"
#include "wasm/interp/code.hpp"

namespace isobox::wasm {

/// A module that passed validation, with the interpreter's code. Shared (shared_ptr) by every
/// instance made from it. Only validate() makes one.
struct ValidatedModule {
  Module module;
  std::vector<CompiledFunc> code;   ///< one per defined function (index - imported_funcs)
  std::vector<uint32_t> func_types; ///< type index of every function, imports first
  std::vector<TableType> tables;    ///< all tables, imports first
  std::vector<MemoryType> memories; ///< all memories, imports first
  std::vector<GlobalType> globals;  ///< all globals, imports first
};

/// Options of validate(). `interrupt`, set from another thread (a --timeout watchdog: pass the
/// flag given to StoreLimits::interrupt), ends validation with Error "interrupted"; it is read
/// before each function and every 4096 instructions.
struct ValidateOptions {
  const std::atomic<bool> *interrupt = nullptr;
};

/// Validates `module` (Error.message = the spec's text, e.g. "type mismatch") and compiles it.
/// Time and memory are linear in the module's size (limits: docs/wasm-engine.md "Limits").
Result<std::shared_ptr<const ValidatedModule>> validate(Module module,
                                                        const ValidateOptions &options = {});

} // namespace isobox::wasm
