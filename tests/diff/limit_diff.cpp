// Fuel budgets and call depths in both tiers: the interpreter's cost of each export first, then
// budgets around it; the aot tier runs one metered object compiled up front.
#include "diff/limit_diff.hpp"

#include <algorithm>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "diff/tier_diff.hpp"
#include "wasm/aot/aot.hpp"
#include "wasm/aot/aot_engine.hpp"
#include "wasm/binary/decoder.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::diff {
namespace {

/// The module compiled as a metered store runs it (any fuel limit; the depth is always counted).
Result<std::vector<uint8_t>> metered_object(std::span<const uint8_t> bytes) {
  auto module = ISOBOX_TRY(wasm::decode(bytes));
  auto validated = ISOBOX_TRY(wasm::validate(std::move(module)));
  const wasm::StoreLimits metered{.fuel = kAmpleFuel};
  auto compiled =
      ISOBOX_TRY(wasm::aot::compile_object(*validated, wasm::aot::compile_options(metered)));
  return std::move(compiled.object);
}

/// Budgets for a call that costs `cost`: exactly enough, one less, none, two random ones below.
std::vector<uint64_t> budgets(uint64_t cost, std::mt19937_64 &rng) {
  std::vector<uint64_t> b{cost, 0};
  if (cost > 0)
    b.insert(b.end(), {cost - 1, rng() % cost, rng() % cost});
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

size_t count_lines(const Observation &obs, std::string_view text) {
  return static_cast<size_t>(std::count_if(obs.lines.begin(), obs.lines.end(), [&](const auto &l) {
    return l.find(text) != std::string::npos;
  }));
}

/// One limited run in both tiers; the difference, described with `what`.
Result<std::optional<std::string>> run_both(std::span<const uint8_t> bytes, const RunLimits &limits,
                                            const std::string &what, LimitTally &tally) {
  const Observation interp = ISOBOX_TRY(observe(wasm::Tier::Interp, bytes, limits));
  const Observation aot = ISOBOX_TRY(observe(wasm::Tier::Aot, bytes, limits));
  ++tally.runs;
  tally.fuel_traps += count_lines(interp, wasm::trap_text::kFuelExhausted) > 0;
  tally.depth_traps += count_lines(interp, wasm::trap_text::kStackExhausted);
  if (auto d = first_difference(interp, aot))
    return std::optional<std::string>(what + ": " + *d);
  return std::optional<std::string>();
}

} // namespace

Result<std::optional<std::string>> compare_tiers_with_limits(std::span<const uint8_t> bytes,
                                                             uint64_t seed, LimitTally &tally) {
  const std::vector<uint8_t> object = ISOBOX_TRY(metered_object(bytes));
  const Observation costs =
      ISOBOX_TRY(observe(wasm::Tier::Interp, bytes, RunLimits{.fuel = kAmpleFuel}));
  std::mt19937_64 rng(seed);
  for (size_t call = 0; call < costs.fuel_used.size(); ++call)
    for (uint64_t budget : budgets(costs.fuel_used[call], rng)) {
      const RunLimits limits{.fuel = budget, .limited = call, .aot_object = object};
      const std::string what =
          fmt::format("export {} with fuel {} (cost {})", call, budget, costs.fuel_used[call]);
      if (auto d = ISOBOX_TRY(run_both(bytes, limits, what, tally)))
        return d;
    }
  for (uint32_t depth = 1; depth <= 3; ++depth) {
    const RunLimits limits{.fuel = kAmpleFuel, .max_call_depth = depth, .aot_object = object};
    if (auto d = ISOBOX_TRY(run_both(bytes, limits, fmt::format("max depth {}", depth), tally)))
      return d;
  }
  return std::optional<std::string>();
}

} // namespace isobox::diff
