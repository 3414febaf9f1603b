// Capabilities: OCI capability names and applying process.capabilities (filled by src/oci/caps/).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// The capability number of "CAP_CHOWN" etc.; nullopt for an unknown name.
std::optional<int> capability_from_name(std::string_view name);

/// "CAP_CHOWN" for 0 etc.; "" for a number outside the table.
std::string_view capability_name(int cap);

/// Every name of the table, CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40) (for `features`).
std::vector<std::string> known_capabilities();

/// The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap). Names above
/// it are ignored with a warning when applied (as runc does: CAP_PERFMON on old kernels).
int last_capability();

/// PR_SET_KEEPCAPS: with `keep` true, permitted capabilities survive the init's setuid to a
/// non-root uid (effective is cleared by the kernel; apply_capabilities restores it).
/// apply_capabilities clears it again.
Result<> keep_capabilities_on_setuid(bool keep);

/// Checks every name in every set (unknown name -> Error naming it), for `create` to refuse early.
Result<> validate_capabilities(const LinuxCapabilities &caps);

/// Drops every capability not in caps.bounding from the bounding set (PR_CAPBSET_DROP).
/// Called in the init before the uid/gid change, while CAP_SETPCAP is still effective.
Result<> drop_bounding_set(const LinuxCapabilities &caps);

/// Sets effective/permitted/inheritable (capset) and raises the ambient set. Called after
/// setgroups/setgid/setuid (done with PR_SET_KEEPCAPS=1, so permitted survived the uid change
/// while effective was cleared). Sets absent from `caps` become empty.
Result<> apply_capabilities(const LinuxCapabilities &caps);

} // namespace isobox::oci
