// Self-confinement of the Wasm engine: no_new_privs plus a seccomp allowlist (libseccomp).
#pragma once

#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace isobox::wasm::embed {

/// Which granted capabilities need syscalls beyond the engine's core set.
struct ConfineOptions {
  bool filesystem = true; ///< a --dir was granted: openat2, *at calls, getdents64, ...
  bool sockets = false;   ///< pre-opened listening sockets: accept4 (+ socket_io)
  bool socket_io = false; ///< a socket among stdio or listeners: recvmsg, sendmsg, shutdown
};

/// The syscall names allowed for `opts` (core engine set first).
std::vector<std::string_view> wasm_allowlist(const ConfineOptions &opts);

/// Sets no_new_privs and installs the allowlist filter on every thread of the process (TSYNC).
/// Any other syscall fails with EPERM and is not executed (see docs/wasi.md for why EPERM and
/// not SIGSYS). Signal-sending calls are allowed only towards this process (its pid).
Result<void> confine_wasm_engine(const ConfineOptions &opts);

/// Sets no_new_privs (needed by both Landlock and an unprivileged seccomp filter).
Result<void> set_no_new_privs();

/// Sanitizer builds only (a no-op otherwise): does now what the ASan/LSan/UBSan runtimes could
/// not do once confined. LSan's leak check (it stops the world with clone + ptrace and reads
/// /proc/self/task) runs now, which also cancels the one at exit; the external symbolizer is
/// started now (fork + exec, /proc/self/maps, /proc/self/exe) so that a report from the confined
/// engine is still symbolised through the pipes it already holds. Call before Landlock.
void prepare_sanitizers_for_confinement();

/// `isobox wasm run --print-syscalls`: prints the full allowlist, one name a line, and a count.
Result<int> print_allowlist();

} // namespace isobox::wasm::embed
