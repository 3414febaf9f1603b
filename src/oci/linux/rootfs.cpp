// Root filesystem setup: mounts in order, pivot_root, masked and read-only paths.
#include "oci/linux/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/log.hpp"
#include "oci/linux/devices.hpp"
#include "oci/linux/mount_ns.hpp"
#include "oci/linux/mount_options.hpp"
#include "oci/linux/secure_path.hpp"
#include "oci/spec/parse.hpp"
#include "oci/spec/path.hpp"

namespace isobox::oci {
namespace {

bool is_proc_or_sys(const Mount &m) { return m.type == "proc" || m.type == "sysfs"; }

// The target of a mount, created if missing: a directory unless binding a non-directory.
Result<UniqueFd> mount_target(int root_fd, const Mount &m, bool bind) {
  if (is_proc_or_sys(m)) {
    // CVE-2019-16884 class: never mount proc/sysfs through a symlink or onto a non-directory.
    auto fd = open_in_root(root_fd, m.destination, /*no_symlinks=*/true);
    if (!fd && fd.error().errno_value == ENOENT)
      return mkdir_all_in_root(root_fd, m.destination);
    if (!fd)
      return make_error("mount {} onto {}: {}", m.type, m.destination, fd.error().message);
    struct stat st {};
    if (::fstat(fd->get(), &st) < 0 || !S_ISDIR(st.st_mode))
      return make_error("mount {} onto {}: destination is not a directory", m.type, m.destination);
    return fd;
  }
  if (bind) {
    struct stat st {};
    if (::stat(m.source.c_str(), &st) < 0)
      return sys_error("bind mount source {}", m.source);
    if (!S_ISDIR(st.st_mode))
      return touch_in_root(root_fd, m.destination);
  }
  return mkdir_all_in_root(root_fd, m.destination);
}

Result<> do_mount(const std::string &src, const std::string &target, const char *type,
                  unsigned long flags, const std::string &data, const std::string &what) {
  if (::mount(src.c_str(), target.c_str(), type, flags, data.empty() ? nullptr : data.c_str()) < 0)
    return sys_error("mount {}", what);
  return {};
}

// Bind mounts ignore most flags on the first call: apply them with a remount (mount(2) NOTES).
Result<> mount_bind(int root_fd, const Mount &m, const MountOptions &o, const std::string &target) {
  ISOBOX_CHECK(
      do_mount(m.source, target, nullptr, o.flags & (MS_BIND | MS_REC), "", m.destination));
  unsigned long extra = o.flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (extra == 0)
    return {};
  // `target` still names the directory under the new mount: reopen to reach the mount itself.
  UniqueFd mounted = ISOBOX_TRY(open_in_root(root_fd, m.destination));
  std::string mpath = fd_path(mounted.get());
  struct statvfs sv {};
  if (::statvfs(mpath.c_str(), &sv) == 0) {
    // Keep flags the source has locked (nosuid/nodev/noexec), or the remount fails with EPERM.
    extra |= (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
             (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
  }
  if (::mount(nullptr, mpath.c_str(), nullptr, MS_BIND | MS_REMOUNT | extra, nullptr) < 0)
    return sys_error("remount {}", m.destination);
  return {};
}

Result<> mount_one(int root_fd, const Mount &m) {
  MountOptions o = parse_mount_options(m.options);
  UniqueFd target = ISOBOX_TRY(mount_target(root_fd, m, o.is_bind()));
  std::string tpath = fd_path(target.get());
  if (m.type == "cgroup")
    return mount_cgroup(root_fd, m.destination, o.flags);
  if (o.is_bind()) {
    ISOBOX_CHECK(mount_bind(root_fd, m, o, tpath));
  } else {
    std::string source = m.source.empty() ? m.type : m.source;
    ISOBOX_CHECK(do_mount(source, tpath, m.type.c_str(), o.flags, o.data, m.destination));
  }
  if (o.propagation != 0) {
    // Re-open: the fd still names the underlying directory, not the new mount on top.
    UniqueFd mounted = ISOBOX_TRY(open_in_root(root_fd, m.destination));
    if (::mount(nullptr, fd_path(mounted.get()).c_str(), nullptr, o.propagation, nullptr) < 0)
      return sys_error("set propagation of {}", m.destination);
  }
  return {};
}

bool dev_is_mounted(const Spec &spec) {
  for (const auto &m : spec.mounts)
    if (clean_path(m.destination) == "/dev")
      return true;
  return false;
}

// pivot_root(".", ".") stacks the old root on top of the new one; detaching it then drops it
// without a directory for it in the image (pivot_root(2) NOTES). "." still names the new root
// after the pivot: the old one is reached through an fd opened before, made rslave (so the
// detach does not propagate to the host) and detached from there, as runc does.
Result<> pivot_into_cwd() {
  UniqueFd old_root(::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
  if (!old_root)
    return sys_error("open the old root");
  if (::syscall(SYS_pivot_root, ".", ".") < 0)
    return sys_error("pivot_root");
  if (::fchdir(old_root.get()) < 0)
    return sys_error("chdir to the old root");
  if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
    return sys_error("make old root rslave");
  if (::umount2(".", MNT_DETACH) < 0)
    return sys_error("detach old root");
  return {};
}

} // namespace

Result<> prepare_rootfs(const Spec &spec, const RootfsOptions &opt) {
  unsigned long prop = rootfs_propagation_flags(spec.linux->rootfs_propagation);
  if (prop == 0)
    return make_error("config.json: linux.rootfsPropagation: unknown \"{}\"",
                      spec.linux->rootfs_propagation);
  bool own_ns = spec.has_namespace(NamespaceType::Mount);
  // Nothing we mount may propagate back to the host unless asked (rshared, see mount_ns.hpp).
  // Without a mount namespace the caller's "/" is left alone.
  if (own_ns)
    ISOBOX_CHECK(prepare_propagation(prop, opt.rootfs));
  // pivot_root and root.readonly need the new root to be a mount point (without a namespace of
  // its own the bind stays in the caller's, so it is made only for root.readonly).
  if ((own_ns || spec.root.readonly) &&
      ::mount(opt.rootfs.c_str(), opt.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    return sys_error("bind rootfs {}", opt.rootfs);
  UniqueFd root(::open(opt.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return sys_error("open rootfs {}", opt.rootfs);
  for (const auto &m : spec.mounts)
    ISOBOX_CHECK(mount_one(root.get(), m));
  if (dev_is_mounted(spec)) {
    ISOBOX_CHECK(create_default_devices(root.get(), opt.in_user_namespace));
    ISOBOX_CHECK(create_dev_symlinks(root.get()));
  }
  for (const auto &d : spec.linux->devices)
    ISOBOX_CHECK(create_device(root.get(), d, opt.in_user_namespace));
  // A missing process.cwd is created (0755, as root) like runc does, before root.readonly.
  if (spec.process)
    ISOBOX_TRY(mkdir_all_in_root(root.get(), spec.process->cwd));
  return {};
}

Result<> enter_rootfs(const Spec &spec, const RootfsOptions &opt) {
  if (::chdir(opt.rootfs.c_str()) < 0)
    return sys_error("chdir {}", opt.rootfs);
  if (!spec.has_namespace(NamespaceType::Mount)) {
    // The caller's namespace: pivot_root or MS_MOVE would change "/" for every process in it.
    if (::chroot(".") < 0)
      return sys_error("chroot");
  } else if (opt.no_pivot) {
    if (::mount(opt.rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) < 0)
      return sys_error("move rootfs to /");
    if (::chroot(".") < 0)
      return sys_error("chroot");
  } else {
    ISOBOX_CHECK(pivot_into_cwd());
  }
  if (::chdir("/") < 0)
    return sys_error("chdir /");
  return {};
}

Result<> finish_rootfs(const Spec &spec) {
  for (const auto &[key, value] : spec.linux->sysctl)
    ISOBOX_CHECK(write_sysctl(key, value));
  for (const auto &p : spec.linux->readonly_paths)
    ISOBOX_CHECK(make_readonly(p));
  for (const auto &p : spec.linux->masked_paths)
    ISOBOX_CHECK(mask_path(p));
  if (spec.root.readonly) {
    if (::mount(nullptr, "/", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) < 0)
      return sys_error("remount / read-only");
  }
  // Last: an unbindable "/" would refuse the binds above (EINVAL).
  if (spec.has_namespace(NamespaceType::Mount))
    ISOBOX_CHECK(finish_propagation(spec.linux->rootfs_propagation));
  return {};
}

} // namespace isobox::oci
