// The caller's stdio open file descriptions: saved before a guest runs and put back after it.
#pragma once

#include <array>

namespace isobox::wasm::embed {

/// WASI stdio are dup()s of fds 0-2, so they share the caller's open file descriptions: a guest
/// that sets O_NONBLOCK or O_APPEND (fd_fdstat_set_flags) changes them for the caller and for
/// every process sharing them. This saves the status flags of 0-2 and restores them, on every
/// way a run ends (return, trap, proc_exit, and the watchdog's _exit path: restore() only calls
/// fcntl, which is async-signal-safe and allowed by the engine's seccomp filter).
class HostStdioFlags {
public:
  HostStdioFlags();
  ~HostStdioFlags() { restore(); }
  HostStdioFlags(const HostStdioFlags &) = delete;
  HostStdioFlags &operator=(const HostStdioFlags &) = delete;

  /// Puts back the saved flags of the fds that were open (idempotent).
  void restore() const noexcept;

private:
  std::array<int, 3> m_flags{-1, -1, -1}; ///< F_GETFL of 0-2, -1 if closed
};

} // namespace isobox::wasm::embed
