// The list of process handlers the init asks, in order (the Wasm handler is the only one yet).
#include "oci/handlers/handler.hpp"

#include "oci/handlers/wasm_handler.hpp"

namespace isobox::oci {

Result<std::unique_ptr<ProcessHandler>> select_handler(const Spec &spec) {
  std::unique_ptr<ProcessHandler> candidates[] = {std::make_unique<WasmHandler>()};
  for (auto &h : candidates) {
    if (!ISOBOX_TRY(h->can_handle(spec)))
      continue;
    if (auto r = h->prepare(spec); !r)
      return std::unexpected(r.error());
    return std::move(h);
  }
  return nullptr;
}

} // namespace isobox::oci
