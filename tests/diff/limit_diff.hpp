// The interpreter-vs-aot oracle under limits: fuel budgets around each export's cost and small
// call depths, every outcome, trap (with its function), fuel left and final state compared.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/error.hpp"

namespace isobox::diff {

struct LimitTally {
  uint64_t runs = 0;        ///< limited runs compared (each in both tiers)
  uint64_t fuel_traps = 0;  ///< of those, runs that ended in "all fuel consumed" (interpreter)
  uint64_t depth_traps = 0; ///< calls that ended in "call stack exhausted" (interpreter)
};

/// Runs `bytes` (no imports; see observe()) in both tiers: first in the interpreter with ample
/// fuel, which gives each export's cost; then, per export, with budgets of exactly its cost, one
/// less, none and two random ones below it (from `seed`); then with call depths 1, 2 and 3. The
/// module is compiled once, metered, and every aot run loads that object. Returns the first
/// difference, prefixed with the run's limits; Error if a tier cannot be made or the module does
/// not compile.
Result<std::optional<std::string>> compare_tiers_with_limits(std::span<const uint8_t> bytes,
                                                             uint64_t seed, LimitTally &tally);

} // namespace isobox::diff
