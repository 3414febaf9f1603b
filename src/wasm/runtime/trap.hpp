// Trap: a guest fault (spec 4.4.1) carrying the spec's text, or a WASI proc_exit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace isobox::wasm {

/// A guest fault. `message` is the spec text ("integer divide by zero", "out of bounds memory
/// access", "call stack exhausted", ...). WASI proc_exit sets `exit_code`: a clean exit, not a
/// fault.
struct Trap {
  std::string message;
  std::optional<int> exit_code;
  /// The wasm function that was running (index in its module's function space) and its name
  /// from the name section or an export, when known: for the report, not for matching.
  std::optional<uint32_t> func_index;
  std::optional<std::string> func_name;
};

/// Spec trap texts used by the engine (one place, shared by interpreter and runtime).
namespace trap_text {
inline constexpr const char *kUnreachable = "unreachable";
inline constexpr const char *kDivByZero = "integer divide by zero";
inline constexpr const char *kIntOverflow = "integer overflow";
inline constexpr const char *kInvalidConversion = "invalid conversion to integer";
inline constexpr const char *kMemOob = "out of bounds memory access";
inline constexpr const char *kTableOob = "out of bounds table access";
inline constexpr const char *kUndefinedElement = "undefined element";
inline constexpr const char *kUninitializedElement = "uninitialized element";
inline constexpr const char *kIndirectMismatch = "indirect call type mismatch";
inline constexpr const char *kStackExhausted = "call stack exhausted";
inline constexpr const char *kFuelExhausted = "all fuel consumed";
inline constexpr const char *kInterrupted = "interrupted";
} // namespace trap_text

} // namespace isobox::wasm
