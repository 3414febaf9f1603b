// `--invoke NAME [ARGS...]` for `isobox wasm run`: argument parsing by type and result printing.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::cli {

/// Removes a leading "--invoke NAME" or "--invoke=NAME" from the words after the module
/// (wasmtime-style placement: `isobox wasm run m.wasm --invoke fib 30`) and returns NAME.
/// Error if "--invoke" has no name.
Result<std::optional<std::string>> take_invoke(std::vector<std::string> &words);

/// Parses one CLI word as a value of type `t`: i32/i64 signed or unsigned decimal or 0x hex
/// (wrapping like the binary encoding), f32/f64 decimal, "nan", "inf" (C strtod syntax),
/// references only "null".
Result<wasm::Value> parse_arg(wasm::ValType t, std::string_view word);

/// Parses all words against the function's parameter types (the count must match).
Result<std::vector<wasm::Value>> parse_args(std::string_view func, const wasm::FuncType &type,
                                            std::span<const std::string> words);

/// Prints one result the way `wasm run` does: i32/i64 as signed decimal, floats as the shortest
/// decimal that reads back to the same value ("nan", "-inf", "0.1"), refs "null" or "ref:N".
std::string format_result(const wasm::Value &v);

/// Finds export `name` (a function), parses `words` as its arguments, invokes it and prints the
/// results one per line on stdout. A trap is returned as the Trap (the caller prints it).
Result<std::expected<std::vector<wasm::Value>, wasm::Trap>>
invoke_export(wasm::Engine &engine, wasm::InstanceId id, std::string_view name,
              std::span<const std::string> words);

} // namespace isobox::cli
