// Implementation limits on module structure (issue 9 item 4), checked by decoder and validator.
#pragma once

#include <cstdint>

namespace isobox::wasm::limits {

// The first group matches V8's src/wasm/wasm-limits.h and Wasmtime's wasmparser limits.rs (the
// engines agree on them); see docs/wasm-engine.md "Limits" for where ours differ and why.
inline constexpr uint32_t kTypes = 1'000'000;
inline constexpr uint32_t kFunctions = 1'000'000; ///< imported and defined
inline constexpr uint32_t kImports = 100'000;
inline constexpr uint32_t kExports = 100'000;
inline constexpr uint32_t kGlobals = 1'000'000; ///< imported and defined
inline constexpr uint32_t kDataSegments = 100'000;
inline constexpr uint32_t kElemSegments = 100'000; ///< wasmparser's (V8 has none)
inline constexpr uint32_t kTables = 100;           ///< imported and defined (wasmparser's)
inline constexpr uint32_t kMemories = 100;  ///< decoded; validation allows 1 (no multi-memory)
inline constexpr uint32_t kParams = 1'000;  ///< per function type
inline constexpr uint32_t kResults = 1'000; ///< per function type
inline constexpr uint32_t kLocals = 50'000; ///< declared locals per function
inline constexpr uint32_t kFunctionSize = 7'654'321; ///< bytes of one function body (V8's)
inline constexpr uint32_t kBrTableTargets = 65'520;  ///< per br_table (V8's)
inline constexpr uint32_t kElemItems = 10'000'000;   ///< items of one element segment
// Ours (no V8/wasmparser counterpart: they bound these by the function size only).
inline constexpr uint32_t kControlDepth = 65'536; ///< nested blocks/loops/ifs in one function
/// Operand types the validator may move or compare per byte of code (all bodies together), plus
/// kWorkFree: keeps validation linear when few-byte instructions move up to 1000 values each.
inline constexpr uint64_t kWorkPerCodeByte = 8;
inline constexpr uint64_t kWorkFree = 4'000'000;

} // namespace isobox::wasm::limits
