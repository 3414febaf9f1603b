// The interpreter loop.
#include "wasm/interp/invoke.hpp"

namespace isobox::wasm {

const int32_t *handler_offsets() {
  static int32_t table[kIOpCount] = {};
  return table;
}

std::expected<std::vector<Value>, Trap> invoke(Store &store, uint32_t func_addr,
                                               std::span<const Value> args) {
  (void)store, (void)func_addr, (void)args;
  return std::unexpected(Trap{"not implemented", std::nullopt});
}

} // namespace isobox::wasm
