// The interpreter-vs-aot oracle: one module run in both tiers, every observable outcome compared
// (each export's results or trap text, then the final memories, globals and tables).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::diff {

/// What one tier observed, as comparable lines: "call f0: i32:0x5", "call f1: trap: integer
/// divide by zero (in function #2)", "memory 0: 65536 bytes, fnv 0x...", "global 2: f64:0x...",
/// "table 0: [3 null]"; with fuel, each call's line ends with the fuel left after it.
/// Floats are compared bit for bit: modules fed to this oracle must not let a NaN whose bits the
/// spec leaves open reach an observable place (the generator canonicalises those, module_gen.hpp).
struct Observation {
  std::vector<std::string> lines;
  /// Memory contents, kept so a divergence can name the first differing byte.
  std::vector<std::vector<uint8_t>> memories;
  /// With fuel: what each call used (the interpreter's figure is the budget "exactly enough").
  std::vector<uint64_t> fuel_used;
};

/// Limits of one observe() run. With `fuel`, the store is metered: the call at export position
/// `limited` (exports in order) starts with `*fuel` units and is the last call made; every call
/// before it starts with kAmpleFuel (so a trap's leftover counter never carries over). Aot runs
/// load `aot_object` (compiled metered, compile_limit_object()) instead of compiling.
struct RunLimits {
  std::optional<uint64_t> fuel;
  size_t limited = SIZE_MAX;
  uint32_t max_call_depth = wasm::StoreLimits{}.max_call_depth;
  std::span<const uint8_t> aot_object;
};
inline constexpr uint64_t kAmpleFuel = uint64_t{1} << 40;

/// Loads `bytes` into a fresh engine of `tier` (no imports) and calls every exported function
/// with zero arguments, in export order. Error if the engine cannot be made; a module that does
/// not load is an observation ("load: <kind>: <message>"), as is each trap.
Result<Observation> observe(wasm::Tier tier, std::span<const uint8_t> bytes,
                            const RunLimits &limits = {});

/// The first difference between two observations, described in one line; nullopt if equal.
std::optional<std::string> first_difference(const Observation &interp, const Observation &aot);

/// observe() in both tiers and first_difference(); Error if a tier cannot be made.
Result<std::optional<std::string>> compare_tiers(std::span<const uint8_t> bytes);

} // namespace isobox::diff
