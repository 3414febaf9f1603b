// The caller's mount namespace and the propagation of the container's root (see mount_ns.hpp).
#include "oci/linux/mount_ns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <sstream>

#include "common/file.hpp"
#include "common/unique_fd.hpp"
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

Result<struct stat> stat_path(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0)
    return sys_error("stat {}", path);
  return st;
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

Result<> rejoin_caller_mount_namespace() {
  pid_t parent = ::getppid();
  UniqueFd ns(::open(fmt::format("/proc/{}/ns/mnt", parent).c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns)
    return sys_error("open the caller's mount namespace");
  if (::getppid() != parent) // reparented: the fd may name someone else's namespace
    return make_error("the caller exited while isobox was starting");
  struct stat theirs {};
  if (::fstat(ns.get(), &theirs) < 0)
    return sys_error("stat the caller's mount namespace");
  struct stat ours = ISOBOX_TRY(stat_path("/proc/self/ns/mnt"));
  if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev)
    return {};
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr)
    return sys_error("getcwd");
  if (::setns(ns.get(), CLONE_NEWNS) < 0)
    return sys_error("join the caller's mount namespace");
  if (::chdir(cwd) < 0)
    return sys_error("chdir {} in the caller's mount namespace", cwd);
  return {};
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
