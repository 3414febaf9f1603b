// Capabilities: OCI capability names and applying process.capabilities (filled by src/oci/caps/).
#pragma once

#include <optional>
#include <string_view>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// The capability number of "CAP_CHOWN" etc.; nullopt for an unknown name.
std::optional<int> capability_from_name(std::string_view name);

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
