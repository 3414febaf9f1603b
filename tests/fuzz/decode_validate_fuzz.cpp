// libFuzzer target: arbitrary bytes through decode -> validate (-> print_code for valid bodies)
// -> instantiate -> invoke of every exported function with zero arguments, under tight limits
// (fuel, memory, table, call depth), imported functions answering zeros. Any outcome is fine
// except a crash, sanitizer report, leak or hang: guest faults must be traps. Slow-input oracle
// (issue 9 item 4): decode + validate of any input must take at most ISOBOX_FUZZ_SLOW_MS
// (default 250) plus 1 ms per KiB, or the target aborts, reporting the input; scripts/fuzz.sh adds
// libFuzzer's per-input -timeout and -rss_limit_mb for the whole pipeline.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "wasm/binary/decoder.hpp"
#include "wasm/binary/print_code.hpp"
#include "wasm/interp/invoke.hpp"
#include "wasm/runtime/instantiate.hpp"
#include "wasm/validator/validator.hpp"

namespace {

using namespace isobox::wasm;

void run_exports(const std::shared_ptr<const ValidatedModule> &vm) {
  Store store(StoreLimits{.max_memory_bytes = 16u << 20,
                          .max_table_elems = 10'000,
                          .max_call_depth = 400,
                          .value_stack_cells = 1u << 16,
                          .fuel = 200'000});
  const Module &m = vm->module;
  auto resolve = [&](std::string_view mod, std::string_view name) -> std::optional<ExternVal> {
    for (const Import &im : m.imports) {
      if (im.kind != ExternKind::Func || im.module != mod || im.name != name)
        continue;
      const uint32_t addr = store.add_host_func(
          m.types[im.func_type], [](HostCall &, std::span<const Value>, std::span<Value>) {
            return std::optional<Trap>(); // results stay zero
          });
      return ExternVal{ExternKind::Func, addr};
    }
    return std::nullopt;
  };
  auto inst = instantiate(store, vm, resolve);
  if (!inst)
    return;
  for (const Export &e : m.exports) {
    if (e.kind != ExternKind::Func)
      continue;
    const uint32_t addr = (*inst)->func_addrs[e.index];
    std::vector<Value> args;
    for (ValType t : store.func_ptr(addr)->type.params)
      args.push_back(is_ref(t) ? Value::null(t) : Value{t, 0});
    (void)invoke(store, addr, args);
  }
}

/// Milliseconds decode + validate may take for an input of `size` bytes.
double slow_limit_ms(size_t size) {
  static const double base = [] {
    const char *env = std::getenv("ISOBOX_FUZZ_SLOW_MS");
    return env ? std::atof(env) : 250.0;
  }();
  return base + static_cast<double>(size) / 1024.0;
}

/// decode + validate under the slow-input oracle.
isobox::Result<std::shared_ptr<const ValidatedModule>> load(const uint8_t *data, size_t size) {
  const auto start = std::chrono::steady_clock::now();
  auto module = decode(std::span<const uint8_t>(data, size));
  if (!module)
    return std::unexpected(module.error());
  // The printer walks every body of a decoded module; it must cope with unvalidated code.
  for (uint32_t i = 0; i < module->funcs.size() && i < 16; ++i)
    (void)print_code(*module, module->imported_funcs + i);
  auto vm = validate(std::move(*module));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (ms > slow_limit_ms(size)) {
    std::fprintf(stderr, "slow input: %zu bytes took %.1f ms to decode and validate\n", size, ms);
    std::abort();
  }
  return vm;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto vm = load(data, size);
  if (vm)
    run_exports(*vm);
  return 0;
}
