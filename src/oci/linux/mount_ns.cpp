// The propagation of the container's root (see mount_ns.hpp).
#include "oci/linux/mount_ns.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <sstream>

#include "common/file.hpp"
#include "oci/linux/mount_options.hpp"

namespace isobox::oci {
namespace {

// True when `mp` is `path` or one of its parent directories.
bool contains_path(const std::string &mp, const std::string &path) {
  if (mp == "/")
    return true;
  return path == mp || (path.starts_with(mp) && path[mp.size()] == '/');
}

} // namespace

ContainingMount containing_mount(std::string_view mountinfo, const std::string &path) {
  ContainingMount best;
  std::istringstream in{std::string(mountinfo)};
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    std::istringstream fields(line);
    std::string id, parent, dev, root, point, options, field;
    if (!(fields >> id >> parent >> dev >> root >> point >> options))
      continue;
    bool shared = false;
    while (fields >> field && field != "-")
      shared = shared || field.starts_with("shared:");
    std::string mp = unescape_mountinfo(point);
    // Later lines are mounted on top of earlier ones: ">=" keeps the topmost of equal points.
    if (contains_path(mp, path) && mp.size() >= best.mount_point.size())
      best = ContainingMount{mp, shared};
  }
  return best;
}

Result<> prepare_propagation(unsigned long flags, const std::string &rootfs) {
  if (flags & MS_UNBINDABLE)
    flags = MS_SLAVE | MS_REC;
  if (::mount(nullptr, "/", nullptr, flags, nullptr) < 0)
    return sys_error("set the propagation of /");
  if (!(flags & MS_SHARED))
    return {};
  std::string mountinfo = ISOBOX_TRY(read_file("/proc/self/mountinfo"));
  ContainingMount parent = containing_mount(mountinfo, rootfs);
  if (parent.shared &&
      ::mount(nullptr, parent.mount_point.c_str(), nullptr, MS_PRIVATE, nullptr) < 0)
    return sys_error("make {} (the rootfs's mount) private", parent.mount_point);
  return {};
}

Result<> finish_propagation(const std::string &name) {
  if (name.empty())
    return {};
  if (::mount(nullptr, "/", nullptr, rootfs_propagation_flags(name), nullptr) < 0)
    return sys_error("set rootfs propagation {}", name);
  return {};
}

} // namespace isobox::oci
