// libFuzzer target: the interpreter-vs-aot oracle on generated modules. The input's bytes pick the
// generator's seed (FNV-1a of all of them), so libFuzzer explores seeds, not raw bytes: arbitrary
// modules may compute NaNs whose bits the spec leaves open, which would be false divergences. A
// divergence aborts with the seed and the difference (replay: wasm_tier_diff --first SEED --seeds
// 1).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "diff/module_gen.hpp"
#include "diff/tier_diff.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint64_t seed = 0xcbf29ce484222325;
  for (uint8_t b : std::span<const uint8_t>(data, size))
    seed = (seed ^ b) * 0x100000001b3;
  const auto module = isobox::diff::generate_module(seed);
  auto diff = isobox::diff::compare_tiers(module.bytes);
  if (!diff) { // no aot tier in this process: nothing to compare, and no point going on
    std::fprintf(stderr, "tier_diff_fuzz: %s\n", diff.error().message.c_str());
    std::abort();
  }
  if (*diff) {
    std::fprintf(stderr, "tier_diff_fuzz: seed %llu: %s\n", static_cast<unsigned long long>(seed),
                 (*diff)->c_str());
    std::abort();
  }
  return 0;
}
