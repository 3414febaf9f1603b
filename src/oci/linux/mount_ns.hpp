// The propagation of the container's root (config-linux.md "rootfsPropagation"; runc's
// prepareRoot, crun's late unbindable).
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace isobox::oci {

/// The mount point (from mountinfo text) of the mount that contains `path`, and whether it is
/// shared ("shared:N" among the optional fields). Exposed for unit tests.
struct ContainingMount {
  std::string mount_point;
  bool shared = false;
};
ContainingMount containing_mount(std::string_view mountinfo, const std::string &path);

/// Propagation of "/" before the rootfs is bound onto itself (`flags` from
/// rootfs_propagation_flags): shared stays shared, with the rootfs's parent mount made private so
/// that the bind does not propagate to the host and pivot_root accepts it; unbindable is made
/// rslave here (an unbindable "/" cannot be bound: EINVAL) and applied by finish_propagation;
/// anything else is applied as is.
Result<> prepare_propagation(unsigned long flags, const std::string &rootfs);

/// Applies rootfsPropagation to the container's "/" once every bind mount is done (after the
/// pivot, the masked and read-only paths). `name` is the spec's value ("" = nothing to do).
Result<> finish_propagation(const std::string &name);

} // namespace isobox::oci
