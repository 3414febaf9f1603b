// Running a WASI module the way `isobox wasm run` does, as one library call: bytes + WASI
// config + limits + confinement -> exit status (used by the CLI, and meant for the OCI init).
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "wasm/embed/code_choice.hpp"
#include "wasm/engine/engine.hpp"
#include "wasm/wasi/wasi.hpp"

namespace isobox::wasm::embed {

/// Exit status after a trap: 128 + 6 (like a process killed by SIGABRT), see README.
inline constexpr int kTrapExitCode = 134;
/// Exit status for a proc_exit code outside 0..255 (POSIX keeps only 8 bits, so 256 would
/// read as success): 255, what exit(-1) gives a C program.
inline constexpr int kOutOfRangeExitCode = 255;

/// Ranges of the limits (checked by set_limit; the CLI and the OCI annotations use it).
inline constexpr uint64_t kMaxMemoryBytes = uint64_t{1} << 32; ///< a whole 32-bit memory
inline constexpr uint32_t kMaxCallDepth = 1'000'000;
inline constexpr uint32_t kMaxTableElems = 100'000'000;
inline constexpr uint64_t kMaxTimeoutMs = uint64_t{30} * 24 * 3'600'000; ///< 30 days

/// The engine limits plus the wall-clock timeout (nullopt: no watchdog).
struct RunLimits {
  StoreLimits store;
  std::optional<uint64_t> timeout_ms;
};

/// Sets one limit from text: `name` is "max-memory", "max-stack", "max-table", "fuel" or
/// "timeout". Errors read "'TEXT': expected a number from MIN to MAX" (no name: the caller
/// prefixes its flag or annotation).
Result<void> set_limit(RunLimits &limits, std::string_view name, std::string_view text);

/// What a guest run returns before the exit status is derived from it.
using InvokeResult = wasm::InvokeResult;
/// An entry point other than `_start` (the CLI's --invoke): runs confined, after start, in the
/// engine's tier (Engine::invoke).
using Entry = std::function<Result<InvokeResult>(Engine &, InstanceId)>;

/// One run: the module, what the guest is granted, its limits, and whether to confine.
struct RunRequest {
  std::string name;           ///< for messages: "NAME: unexpected end"
  std::vector<uint8_t> bytes; ///< the module binary (unused when `validated` is set)
  std::shared_ptr<const ValidatedModule> validated; ///< already loaded (load_module), or null
  wasi::WasiConfig wasi;
  RunLimits limits;
  bool confine = true;            ///< no_new_privs + Landlock + seccomp (false: debugging only)
  Entry entry;                    ///< empty: the WASI command's exported `_start`
  Tier tier = Tier::Auto;         ///< which code runs the guest (choose_code, then make_engine)
  CacheOptions cache;             ///< where Auto and Aot look for compiled code
  bool allow_precompiled = false; ///< `bytes` may be a `wasm compile -o` artifact (native code)
  /// The code chosen already (an artifact, or a container's choice at create): no cache lookup.
  std::optional<CodeChoice> code;
};

/// Loads and validates the module (unless `validated` is set), instantiates it in the engine of
/// `tier` and runs its start function and then `_start` (or `entry`). The watchdog covers
/// everything from loading on; the confinement (Landlock before loading, seccomp before the first
/// guest instruction) covers all guest code, the start function included. Returns the exit status:
/// 0, the guest's proc_exit code (out of 0..255: kOutOfRangeExitCode), or kTrapExitCode after a
/// trap (whose line is printed on stderr). The caller's stdio flags are as they were when it
/// returns. Errors (a tier not built in, bad module, unknown import, no `_start`, a preopen that
/// cannot be opened) come before any guest code runs. A module passed in `validated` was loaded by
/// the caller, before this confinement.
Result<int> run_module(RunRequest request);

/// Decodes and validates a module (errors read "NAME: ..."); `interrupt`, if set, stops a long
/// validation. run_module does this itself unless the request carries the result.
Result<std::shared_ptr<const ValidatedModule>>
load_module(std::span<const uint8_t> bytes, std::string_view name,
            const std::atomic<bool> *interrupt = nullptr);

/// Reads a module file (a regular file). Errors read "<path>: <errno text>".
Result<std::vector<uint8_t>> read_module_file(const std::string &path);

/// The exit status for a finished invocation (prints the trap line for a trap).
int exit_status(const InvokeResult &result);

} // namespace isobox::wasm::embed
