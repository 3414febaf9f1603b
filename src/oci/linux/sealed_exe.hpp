// Protection of the host's isobox binary from a container (CVE-2019-5736 class).
#pragma once

#include "common/error.hpp"

namespace isobox::oci {

/// Makes sure the running isobox executes from a read-only mount before it starts a container
/// process: if /proc/self/exe is on a writable mount, enters a private mount namespace, binds
/// the binary read-only onto itself there and re-executes it with the same argv (once: the
/// re-executed process finds /proc/self/exe on a read-only mount; no environment variable is
/// consulted, so none can turn this off). A container process that reaches our executable
/// through /proc/<pid>/exe (e.g. an entrypoint "#!/proc/self/exe") then gets EROFS on write.
/// Returns normally when already sealed or when sealing is impossible (not root: logged).
Result<> ensure_sealed_exe();

} // namespace isobox::oci
