// The device cgroup whitelist of a container: the config's rules plus what linux.devices needs.
#pragma once

#include <vector>

#include "oci/spec/spec.hpp"

namespace isobox::oci::cgroup {

/// `rules` (linux.resources.devices) followed by one "allow rwm" rule per char or block device
/// of linux.devices: a device the config asks to create must be usable even when the config's
/// own rules deny all. Appended last because the last matching rule wins (the v1 write order and
/// the v2 program both work that way). FIFOs ('p') are not governed by the device cgroup.
std::vector<LinuxDeviceCgroup> with_configured_devices(std::vector<LinuxDeviceCgroup> rules,
                                                       const std::vector<LinuxDevice> &devices);

} // namespace isobox::oci::cgroup
