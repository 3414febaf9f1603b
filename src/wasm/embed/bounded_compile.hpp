// Compiling a module in a child process with an address-space bound and a deadline, so that
// LLVM on a crafted module cannot take an unbounded share of the memory or time of the process
// that asked (a container runtime compiling for a container, outside the container's cgroup).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/error.hpp"
#include "wasm/aot/aot.hpp"

namespace isobox::wasm::embed {

/// How much a bounded compilation may take.
struct CompileBounds {
  uint64_t max_memory = 2ull << 30; ///< RLIMIT_AS of the compiling process (libLLVM included)
  uint64_t timeout_ms = 60'000;     ///< wall-clock deadline, then SIGKILL
};

/// The runtime's bounds: the defaults, or $ISOBOX_COMPILE_MAX_MEMORY (bytes) and
/// $ISOBOX_COMPILE_TIMEOUT (a duration: "500ms", "30s"). Error: a value that does not parse.
Result<CompileBounds> compile_bounds_from_env();

/// Validates and compiles `module` (named `name` in messages) in a forked child bounded by
/// `bounds` and confined (confine_compiler: nobody, no capabilities, only the answer pipe, no file
/// system, a seccomp allowlist) before it reads the module; the object comes back over the pipe. A
/// child that runs out of time is killed and reaped before this returns. Errors (one line): the
/// module's own (invalid, not translatable), "compilation exceeded its time bound of N ms",
/// "compilation failed (killed by signal 6; bounded to N MiB of address space)".
Result<aot::CompiledObject> compile_bounded(std::span<const uint8_t> module, std::string_view name,
                                            const aot::CompileOptions &options,
                                            const CompileBounds &bounds);

} // namespace isobox::wasm::embed
