// libFuzzer target: arbitrary bytes through decode -> validate (-> print_code for valid bodies).
// Any outcome is fine except a crash, sanitizer report, leak or hang.
#include <cstddef>
#include <cstdint>
#include <span>

#include "wasm/binary/decoder.hpp"
#include "wasm/binary/print_code.hpp"
#include "wasm/validator/validator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace isobox::wasm;
  auto module = decode(std::span<const uint8_t>(data, size));
  if (!module)
    return 0;
  // The printer walks every body of a decoded module; it must cope with unvalidated code.
  for (uint32_t i = 0; i < module->funcs.size() && i < 16; ++i)
    (void)print_code(*module, module->imported_funcs + i);
  (void)validate(std::move(*module));
  return 0;
}
