// `isobox wasm run`: flags for running a WASI command module; the run itself is
// wasm::embed::run_module (the engine library's embedding policy).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "common/unique_fd.hpp"
#include "wasm/embed/run_module.hpp"

namespace isobox::cli {

/// What `isobox wasm run` was asked to do (numeric flags as given; run_limits checks them).
struct WasmRunOptions {
  std::vector<std::string> dirs;       ///< --dir HOST[::GUEST][:ro]
  std::vector<std::string> env;        ///< --env K=V
  std::vector<std::string> tcp_listen; ///< --tcp-listen ADDR:PORT, pre-opened listening sockets
  std::optional<std::string> max_memory, max_stack, max_table, fuel;
  std::optional<std::string> timeout;   ///< e.g. "10s", "500ms"
  std::string tier = "auto";            ///< --tier interp|aot|auto
  std::optional<std::string> cache_dir; ///< --cache-dir (else $ISOBOX_CACHE_DIR, ~/.cache/isobox)
  bool allow_precompiled = false;       ///< the module may be a `wasm compile -o` artifact
  bool print_syscalls = false;
  bool no_confine = false;
  std::string module;            ///< path of the .wasm file
  std::vector<std::string> args; ///< guest arguments after the module
};

/// Adds `run` under `wasm` (called from register_wasm_commands).
void register_wasm_run(CLI::App &wasm, Context &ctx);

/// The limits of the numeric flags, each checked against its range. Errors read
/// "--max-stack: '0': expected a number from 1 to 1000000" (a usage error: exit 2).
Result<wasm::embed::RunLimits> run_limits(const WasmRunOptions &opts);

/// Runs `_start` of a WASI module; returns the guest's exit status (134 after a trap).
Result<int> wasm_run(const WasmRunOptions &opts);

/// Binds and listens on an IPv4 "ADDR:PORT" (the guest gets it as a pre-opened socket).
Result<UniqueFd> listen_tcp(std::string_view spec);

} // namespace isobox::cli
