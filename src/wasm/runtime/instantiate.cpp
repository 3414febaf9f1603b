// Instantiation (spec 4.5.4): resolve imports, allocate, initialise segments, run start.
#include "wasm/runtime/instantiate.hpp"

namespace isobox::wasm {

std::expected<ModuleInstance *, InstantiateError>
instantiate(Store &store, std::shared_ptr<const ValidatedModule> module,
            const ImportResolver &resolve) {
  (void)store, (void)module, (void)resolve;
  return std::unexpected(InstantiateError{InstantiateError::Uninstantiable, "not implemented"});
}

} // namespace isobox::wasm
