// FuncCompiler: validates one function body (spec 3.3) and emits its internal code on the way.
#pragma once

#include <unordered_set>

#include "wasm/validator/validator.hpp"

namespace isobox::wasm {

/// What function validation needs to know about the module (spec 3.1.1 context C).
struct ValidationContext {
  const ValidatedModule &vm;
  const std::unordered_set<uint32_t> &declared_refs; ///< C.refs: functions ref.func may name
};

/// Validates body `index` (defined-function index) and returns its compiled code.
Result<CompiledFunc> compile_function(const ValidationContext &ctx, uint32_t index);

} // namespace isobox::wasm
