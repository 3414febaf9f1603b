// The propagation of the container's root (see mount_ns.hpp).
#include "oci/linux/mount_ns.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <sstream>

#include "common/file.hpp"
#include "oci/linux/mount_options.hpp"

namespace isobox::oci {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo (proc(5)).
std::string unescape(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      auto oct = field.substr(i + 1, 3);
      if (std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

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
    std::string mp = unescape(point);
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
