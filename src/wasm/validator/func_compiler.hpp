// FuncCompiler: validates one function body (spec 3.3) and emits its internal code on the way.
#pragma once

#include <atomic>
#include <unordered_set>

#include "wasm/validator/validator.hpp"

namespace isobox::wasm {

/// Buffers indexed by local that one validation reuses for all its functions, reset only where
/// a function touched them: a function's cost then depends on its size, not on how many locals
/// it declares (40 bodies of 8 bytes declaring 50M locals each took 10 s).
struct CompileScratch {
  std::vector<uint8_t> local_use;               ///< by local: LocalUse (func_compiler_impl.hpp)
  std::vector<uint32_t> used;                   ///< locals whose local_use is set
  std::vector<std::vector<uint32_t>> alias_at;  ///< by local: stack positions aliasing it
  std::vector<uint32_t> aliased;                ///< locals whose alias_at is not empty
  const std::atomic<bool> *interrupt = nullptr; ///< checked every kInterruptStride instructions
  /// Operand types moved or compared so far, against a budget linear in the code size: an
  /// instruction of a few bytes can move up to 1000 values (block params, br_if, return), so
  /// without it 1 MB of such code took seconds (limits::kWorkPerCodeByte).
  uint64_t work = 0, work_budget = UINT64_MAX;
};

/// What function validation needs to know about the module (spec 3.1.1 context C).
struct ValidationContext {
  const ValidatedModule &vm;
  const std::unordered_set<uint32_t> &declared_refs; ///< C.refs: functions ref.func may name
  CompileScratch &scratch;
};

/// Validates body `index` (defined-function index) and returns its compiled code.
Result<CompiledFunc> compile_function(const ValidationContext &ctx, uint32_t index);

} // namespace isobox::wasm
