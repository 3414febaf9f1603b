// The interpreter tier's artifact: validation driving InterpEmitter.
#include "wasm/interp/interp_module.hpp"

#include "wasm/interp/emit/interp_emitter.hpp"

namespace isobox::wasm {

Result<InterpModule> validate_for_interp(Module module, const std::atomic<bool> *interrupt) {
  interp::InterpEmitter emitter;
  auto validated = ISOBOX_TRY(
      validate(std::move(module), ValidateOptions{.interrupt = interrupt, .emitter = &emitter}));
  return InterpModule{std::move(validated), emitter.take()};
}

Result<std::shared_ptr<const InterpCode>> compile_for_interp(const ValidatedModule &module,
                                                             const std::atomic<bool> *interrupt) {
  interp::InterpEmitter emitter;
  ISOBOX_CHECK(emit_functions(module, emitter, interrupt));
  return emitter.take();
}

} // namespace isobox::wasm
