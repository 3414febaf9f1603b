// `isobox wasm run`: options and entry point for running a WASI command module (_start).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "common/unique_fd.hpp"

namespace isobox::cli {

/// Exit status after a trap: 128 + 6 (like a process killed by SIGABRT), see README.
inline constexpr int kTrapExitCode = 134;

/// What `isobox wasm run` was asked to do.
struct WasmRunOptions {
  std::vector<std::string> dirs;       ///< --dir HOST[::GUEST][:ro]
  std::vector<std::string> env;        ///< --env K=V
  std::vector<std::string> tcp_listen; ///< --tcp-listen ADDR:PORT, pre-opened listening sockets
  std::optional<uint64_t> max_memory;
  std::optional<uint32_t> max_stack;
  std::optional<uint32_t> max_table;
  std::optional<uint64_t> fuel;
  std::string timeout; ///< e.g. "10s", "500ms"; empty = none
  bool print_syscalls = false;
  bool no_confine = false;
  std::string module;            ///< path of the .wasm file
  std::vector<std::string> args; ///< guest arguments after the module
};

/// Adds `run` under `wasm` (called from register_wasm_commands).
void register_wasm_run(CLI::App &wasm, Context &ctx);

/// Runs `_start` of a WASI module; returns the guest's exit code (kTrapExitCode on a trap).
Result<int> wasm_run(const WasmRunOptions &opts);

/// Binds and listens on an IPv4 "ADDR:PORT" (the guest gets it as a pre-opened socket).
Result<UniqueFd> listen_tcp(std::string_view spec);

/// Parses "1500ms", "10s", "2m", "1h" or plain seconds into milliseconds.
Result<uint64_t> parse_duration_ms(std::string_view text);

} // namespace isobox::cli
