// Module-level validation (spec 3.4); function bodies are checked and compiled by FuncCompiler.
#include "wasm/validator/validator.hpp"

namespace isobox::wasm {

Result<std::shared_ptr<const ValidatedModule>> validate(Module module) {
  (void)module;
  return make_error("validation not implemented yet");
}

} // namespace isobox::wasm
