// Validator (spec 3): checks a Module; function bodies drive a tier's emitter (func_emitter.hpp).
#pragma once

#include <atomic>
#include <memory>
#include <unordered_set>

#include "common/error.hpp"
#include "wasm/binary/module.hpp"

namespace isobox::wasm {

class FuncEmitter;

/// A module that passed validation: the module and the index spaces validation resolved. It
/// holds no tier's code (each tier keeps its own). Shared (shared_ptr) by every instance made
/// from it. Only validate() makes one.
struct ValidatedModule {
  Module module;
  std::vector<uint32_t> func_types;           ///< type index of every function, imports first
  std::vector<TableType> tables;              ///< all tables, imports first
  std::vector<MemoryType> memories;           ///< all memories, imports first
  std::vector<GlobalType> globals;            ///< all globals, imports first
  std::unordered_set<uint32_t> declared_refs; ///< C.refs: the functions ref.func may name
};

/// Options of validate(). `interrupt`, set from another thread (a --timeout watchdog: pass the
/// flag given to StoreLimits::interrupt), ends validation with Error "interrupted"; it is read
/// before each function and every 4096 instructions.
struct ValidateOptions {
  const std::atomic<bool> *interrupt = nullptr;
  /// Driven with every validated function body, in order (a tier's code generator, e.g. the
  /// interpreter's: interp/emit/interp_emitter.hpp); null: validation only.
  FuncEmitter *emitter = nullptr;
};

/// Validates `module` (Error.message = the spec's text, e.g. "type mismatch"), driving
/// options.emitter. Time and memory are linear in the module's size (limits:
/// docs/wasm-engine.md "Limits").
Result<std::shared_ptr<const ValidatedModule>> validate(Module module,
                                                        const ValidateOptions &options = {});

/// validate() without the function bodies, for a tier whose emitter the function validator
/// then drives as a template parameter (validation::validate_bodies, func_validator.hpp): the
/// module is not valid until that succeeds.
Result<std::shared_ptr<ValidatedModule>> validate_declarations(Module module);

/// Runs the function-body validator again over a validated module, driving `emitter` (a tier
/// that did not take part in validate()). Errors are the emitter's or "interrupted".
Result<void> emit_functions(const ValidatedModule &module, FuncEmitter &emitter,
                            const std::atomic<bool> *interrupt = nullptr);

} // namespace isobox::wasm
