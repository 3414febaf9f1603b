// The interpreter tier's artifact: its code for a validated module, made by the validator
// driving InterpEmitter (in the validation pass itself, or in a second pass).
#pragma once

#include <atomic>
#include <memory>

#include "common/error.hpp"
#include "wasm/interp/code.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::wasm {

/// A validated module and the interpreter's code for it.
struct InterpModule {
  std::shared_ptr<const ValidatedModule> validated;
  std::shared_ptr<const InterpCode> code;
};

/// Validates `module` and compiles it for the interpreter in the same pass (validate() errors).
Result<InterpModule> validate_for_interp(Module module,
                                         const std::atomic<bool> *interrupt = nullptr);

/// Compiles a module that was validated without the interpreter's emitter (the function
/// validator runs again; a container validates at create, then loads in a tier).
Result<std::shared_ptr<const InterpCode>>
compile_for_interp(const ValidatedModule &module, const std::atomic<bool> *interrupt = nullptr);

} // namespace isobox::wasm
