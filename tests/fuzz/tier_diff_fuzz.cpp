// libFuzzer target: the interpreter-vs-aot oracle on generated modules. The input's bytes are the
// generator's first choices (diff/choices.hpp: 8 bytes a choice, then a PRNG seeded from them), so
// coverage feedback steers what gets generated, while the generator still only writes modules whose
// every observable bit is determined (arbitrary bytes as a module could compute NaNs whose bits the
// spec leaves open: false divergences). An input of odd length also runs the module under fuel
// budgets and call depths (diff/limit_diff.hpp). A divergence aborts with the difference; replay
// the input in the normal build: wasm_tier_diff --choices INPUT [--limits] -v.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "diff/limit_diff.hpp"
#include "diff/module_gen.hpp"
#include "diff/tier_diff.hpp"

namespace {

[[noreturn]] void fail(const char *what, const std::string &text) {
  std::fprintf(stderr, "tier_diff_fuzz: %s: %s\n", what, text.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  const auto module = isobox::diff::generate_module(input);
  auto diff = isobox::diff::compare_tiers(module.bytes);
  if (!diff) // no aot tier in this process: nothing to compare, and no point going on
    fail("error", diff.error().message);
  if (*diff)
    fail("divergence", **diff);
  if (size % 2 == 1) {
    isobox::diff::LimitTally tally;
    auto limited = isobox::diff::compare_tiers_with_limits(module.bytes, size, tally);
    if (!limited)
      fail("error", limited.error().message);
    if (*limited)
      fail("divergence under limits", **limited);
  }
  return 0;
}
