// /dev contents and the special mounts of a container: devices, /dev symlinks, the cgroup
// mount, sysctl, readonlyPaths and maskedPaths.
#pragma once

#include <string>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// null, zero, full, random, urandom, tty (config-linux.md "Default Devices"), mode 0666.
Result<> create_default_devices(int root_fd, bool in_user_namespace);

/// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/ptmx (runtime-spec "Dev symbolic links").
Result<> create_dev_symlinks(int root_fd);

/// One linux.devices entry: mknod (or bind from the host inside a user namespace), chown.
Result<> create_device(int root_fd, const LinuxDevice &device, bool in_user_namespace);

/// The "cgroup" mount type: a read-only view of the container's own cgroup in every hierarchy.
Result<> mount_cgroup(int root_fd, const std::string &destination, unsigned long flags);

/// Writes /proc/sys/<key with dots as slashes>.
Result<> write_sysctl(const std::string &key, const std::string &value);

/// readonlyPaths: bind the path onto itself, remount read-only (missing paths are skipped).
Result<> make_readonly(const std::string &path);

/// maskedPaths: /dev/null over files, an empty read-only tmpfs over directories. The /dev/null we
/// mount from is checked by its fd to be the real 1:3 device (CVE-2025-31133 class).
Result<> mask_path(const std::string &path);

} // namespace isobox::oci
