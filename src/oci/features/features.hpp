// The runtime-spec "features" document (features.md) printed by `isobox features`.
#pragma once

#include <string>

namespace isobox::oci {

/// The features JSON (ociVersionMin/Max, hooks, mountOptions, linux.namespaces, capabilities,
/// cgroup, seccomp actions/operators/archs, apparmor/selinux), pretty-printed, newline-terminated.
std::string features_json();

} // namespace isobox::oci
