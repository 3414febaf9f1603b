// Landlock for the Wasm engine: the file system it can reach is the preopened directories only.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"

namespace isobox::wasm::embed {

/// One directory the guest was granted (a WASI preopen), read-only or read-write.
struct LandlockDir {
  std::string host;
  bool read_only = false;
};

/// What landlock_confine did on this kernel.
struct LandlockStatus {
  int abi = 0; ///< Landlock ABI version the kernel offers (0: none)
  bool applied = false;
  std::string reason; ///< why not (or what is missing) when degraded; empty when fully applied
};

/// The Landlock ABI version of the running kernel, or 0 when Landlock is absent or disabled.
int landlock_abi();

/// Restricts the calling thread (and the threads it creates later) to `dirs`: every file system
/// access right the kernel's ABI can handle is denied outside them; read-only dirs get read
/// rights only. From ABI 6 signals and abstract Unix sockets are also scoped to the process,
/// from ABI 4 TCP bind/connect are denied. Needs no_new_privs. A kernel without Landlock is not
/// an error: the status says why nothing was applied. Errors are for a dir that cannot be opened
/// or a ruleset the kernel refuses.
Result<LandlockStatus> landlock_confine(const std::vector<LandlockDir> &dirs);

} // namespace isobox::wasm::embed
