// Resolving and creating paths inside a rootfs with openat2(RESOLVE_IN_ROOT), so a symlink in the
// image can never point a mount outside the rootfs (CVE-2021-30465 class).
#pragma once

#include <string>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace isobox::oci {

/// Opens `path` (container view, absolute or relative) with O_PATH inside `root_fd`, symlinks
/// resolved as if root_fd were "/". `no_symlinks` refuses any symlink on the way (for /proc, /sys).
Result<UniqueFd> open_in_root(int root_fd, const std::string &path, bool no_symlinks = false);

/// mkdir -p inside the root; returns an O_PATH fd of the final directory.
Result<UniqueFd> mkdir_all_in_root(int root_fd, const std::string &path, unsigned mode = 0755);

/// Makes sure `path` exists as a regular file (creating parents) for a file bind mount; returns an
/// O_PATH fd of it.
Result<UniqueFd> touch_in_root(int root_fd, const std::string &path);

/// "/proc/self/fd/<fd>": the path through which mount(2) reaches what an fd refers to.
std::string fd_path(int fd);

} // namespace isobox::oci
