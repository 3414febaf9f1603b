// The interpreter tier's artifact: validation driving InterpEmitter.
#include "wasm/interp/interp_module.hpp"

#include "wasm/interp/emit/interp_emitter.hpp"
#include "wasm/validator/func_validator.hpp"

namespace isobox::wasm {

Result<InterpModule> validate_for_interp(Module module, const std::atomic<bool> *interrupt) {
  interp::InterpEmitter emitter; // final: the validator calls its events directly
  auto validated = ISOBOX_TRY(validate_declarations(std::move(module)));
  ISOBOX_CHECK(validation::validate_bodies(*validated, emitter, interrupt));
  return InterpModule{std::move(validated), emitter.take()};
}

Result<std::shared_ptr<const InterpCode>> compile_for_interp(const ValidatedModule &module,
                                                             const std::atomic<bool> *interrupt) {
  interp::InterpEmitter emitter;
  ISOBOX_CHECK(validation::validate_bodies(module, emitter, interrupt));
  return emitter.take();
}

} // namespace isobox::wasm
