// Protection of the host's isobox binary from a container (CVE-2019-5736 class).
#pragma once

#include "common/error.hpp"

namespace isobox::oci {

/// Makes sure the running isobox executes from a read-only mount before it starts a container
/// process: if /proc/self/exe is on a writable mount, re-executes it with the same argv from a
/// read-only bind of the binary: a detached one executed by fd (Linux 5.12: the mount namespace
/// stays the caller's), or before 5.12 one made in a private mount namespace (once: the
/// re-executed process finds /proc/self/exe on a read-only mount; no environment variable is
/// consulted, so none can turn this off). A container process that reaches our executable
/// through /proc/<pid>/exe (e.g. an entrypoint "#!/proc/self/exe") then gets EROFS on write.
/// Returns normally when already sealed or when sealing is impossible (not root: logged).
Result<> ensure_sealed_exe();

} // namespace isobox::oci
