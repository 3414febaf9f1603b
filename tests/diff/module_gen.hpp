// Random valid Wasm modules for differential testing: typed expression trees and statements over
// params, locals and globals of every number type, memory (loads and stores of every width, near
// the end and with large offsets, grow/size/fill/copy/init), a funcref table (call_indirect,
// table.get/set/fill/grow), bounded loops, br_table, if/else, select and calls.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wasm/runtime/value.hpp"

namespace isobox::diff {

/// One exported function of a generated module: no parameters, one number result.
struct GeneratedExport {
  std::string name;
  wasm::ValType result;
};

struct GeneratedModule {
  std::vector<uint8_t> bytes;           ///< the binary module
  std::vector<GeneratedExport> exports; ///< in export order (wasm-interp runs them in this order)
};

struct GenOptions {
  /// Exports return integers only (wasm_diff parses wabt's printing of i32 and i64 results).
  bool integer_results = false;
};

/// Generates a module from `seed`; the same seed and options always give the same bytes. Every
/// module is valid; its exports may trap (division, conversions, memory and table bounds,
/// call_indirect type or null, unreachable) but always terminate (func_gen.hpp). A NaN whose bits
/// the spec leaves open is canonicalised before it can be observed, so results, memories and
/// globals can be compared bit for bit.
GeneratedModule generate_module(uint64_t seed, const GenOptions &options = {});
/// The same, with the first choices taken from `choices` (a fuzzer's input; diff/choices.hpp).
GeneratedModule generate_module(std::span<const uint8_t> choices, const GenOptions &options = {});

} // namespace isobox::diff
