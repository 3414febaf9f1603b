// Building the container's root filesystem in its mount namespace (config.md "Mounts",
// config-linux.md "Devices", "maskedPaths", "readonlyPaths", "rootfsPropagation").
#pragma once

#include <string>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// What the init needs besides the spec.
struct RootfsOptions {
  std::string rootfs; // absolute host path of root.path
  bool no_pivot = false;
  bool in_user_namespace = false; // devices are bind-mounted from the host instead of mknod
  std::string cgroup_path;        // the container's cgroup path, for the "cgroup" mount
};

/// Step 1 (before pivot_root): propagation of "/", rootfs bind, mounts in order, /dev contents.
/// Without a mount namespace (the caller's is inherited) "/" keeps its propagation and the
/// rootfs is bound onto itself only for root.readonly; the mounts stay in the caller's
/// namespace after the container ends, as with runc.
Result<> prepare_rootfs(const Spec &spec, const RootfsOptions &opt);

/// Step 2: pivot_root (or MS_MOVE + chroot with no_pivot; chroot alone without a mount
/// namespace) into the rootfs; cwd becomes "/".
Result<> enter_rootfs(const Spec &spec, const RootfsOptions &opt);

/// Step 3 (inside): sysctl, readonlyPaths, maskedPaths, root.readonly, rootfsPropagation.
Result<> finish_rootfs(const Spec &spec);

} // namespace isobox::oci
