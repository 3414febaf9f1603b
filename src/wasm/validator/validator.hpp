// Validator (spec 3): checks a Module and compiles every function body into internal code.
#pragma once

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

/// Validates `module` (Error.message = the spec's text, e.g. "type mismatch") and compiles it.
Result<std::shared_ptr<const ValidatedModule>> validate(Module module);

} // namespace isobox::wasm
