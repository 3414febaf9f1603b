// Random valid Wasm modules for differential testing: typed expression trees over params, locals,
// globals and memory, with bounded loops, blocks, br_if, if/else, select, calls and float math.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wasm/runtime/value.hpp"

namespace isobox::diff {

/// One exported function of a generated module: no parameters, one i32 or i64 result.
struct GeneratedExport {
  std::string name;
  wasm::ValType result;
};

struct GeneratedModule {
  std::vector<uint8_t> bytes;           ///< the binary module
  std::vector<GeneratedExport> exports; ///< in export order (wasm-interp runs them in this order)
};

/// Generates a module from `seed`; the same seed always gives the same bytes. Every module is
/// valid; its exports may trap (division, conversions, out-of-bounds addresses) but always
/// terminate (loops are bounded by counters, calls only go to lower-indexed helpers). Results are
/// integers only, so NaN payloads (non-deterministic in the spec) never reach a comparison.
GeneratedModule generate_module(uint64_t seed);

} // namespace isobox::diff
