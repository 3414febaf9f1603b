// Devices, /dev symlinks and the cgroup / masked / read-only special mounts.
#include "oci/linux/devices.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "oci/linux/secure_path.hpp"
#include "oci/spec/parse.hpp"
#include "oci/spec/path.hpp"

namespace isobox::oci {
namespace {

Result<> make_node(int root_fd, const std::string &path, mode_t type, dev_t dev, mode_t mode,
                   bool in_user_namespace) {
  std::string clean = clean_path(path);
  size_t slash = clean.rfind('/');
  std::string parent = slash == 0 ? "/" : clean.substr(0, slash);
  std::string name = clean.substr(slash + 1);
  UniqueFd dir = ISOBOX_TRY(mkdir_all_in_root(root_fd, parent));
  if (!in_user_namespace) {
    ::unlinkat(dir.get(), name.c_str(), 0);
    if (::mknodat(dir.get(), name.c_str(), type | mode, dev) < 0)
      return sys_error("mknod {}", clean);
    // mknod honours the umask; the spec's mode is exact.
    UniqueFd node = ISOBOX_TRY(open_in_root(root_fd, clean, true));
    if (::fchmodat(dir.get(), name.c_str(), mode, 0) < 0)
      return sys_error("chmod {}", clean);
    return {};
  }
  // Without CAP_MKNOD in the host namespace: bind the host's device node.
  UniqueFd target = ISOBOX_TRY(touch_in_root(root_fd, clean));
  if (::mount(clean.c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) < 0)
    return sys_error("bind device {}", clean);
  return {};
}

unsigned long current_flags(const std::string &path) {
  struct statvfs sv {};
  if (::statvfs(path.c_str(), &sv) < 0)
    return 0;
  unsigned long f = 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY)
    f |= MS_RDONLY;
  return f;
}

Result<> remount_readonly(const std::string &path, unsigned long extra = 0) {
  unsigned long f = current_flags(path) | extra | MS_BIND | MS_REMOUNT | MS_RDONLY;
  if (::mount(nullptr, path.c_str(), nullptr, f, nullptr) < 0)
    return sys_error("remount {} read-only", path);
  return {};
}

// "N:controllers:path" lines of /proc/self/cgroup, keyed by controllers ("" for v2).
std::map<std::string, std::string> own_cgroups() {
  std::map<std::string, std::string> out;
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(':');
    size_t b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos)
      continue;
    std::string ctrl = line.substr(a + 1, b - a - 1);
    if (ctrl.starts_with("name="))
      ctrl = ctrl.substr(5);
    out[ctrl] = line.substr(b + 1);
  }
  return out;
}

Result<> bind_hierarchy(const std::string &host_dir, const std::string &sub,
                        const std::string &target, unsigned long flags) {
  std::string src = host_dir + (sub == "/" ? "" : sub);
  if (::mkdir(target.c_str(), 0755) < 0 && errno != EEXIST)
    return sys_error("mkdir {}", target);
  if (::mount(src.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    return sys_error("bind cgroup {}", src);
  return remount_readonly(target, flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC));
}

} // namespace

Result<> create_default_devices(int root_fd, bool in_user_namespace) {
  struct Dev {
    const char *path;
    unsigned major, minor;
  };
  static const Dev kDevices[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                                 {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
  for (const auto &d : kDevices)
    ISOBOX_CHECK(
        make_node(root_fd, d.path, S_IFCHR, makedev(d.major, d.minor), 0666, in_user_namespace));
  return {};
}

Result<> create_dev_symlinks(int root_fd) {
  static const std::pair<const char *, const char *> kLinks[] = {{"fd", "/proc/self/fd"},
                                                                 {"stdin", "/proc/self/fd/0"},
                                                                 {"stdout", "/proc/self/fd/1"},
                                                                 {"stderr", "/proc/self/fd/2"},
                                                                 {"ptmx", "pts/ptmx"}};
  UniqueFd dev = ISOBOX_TRY(mkdir_all_in_root(root_fd, "/dev"));
  for (const auto &[name, target] : kLinks) {
    if (::symlinkat(target, dev.get(), name) < 0 && errno != EEXIST)
      return sys_error("symlink /dev/{}", name);
  }
  return {};
}

Result<> create_device(int root_fd, const LinuxDevice &d, bool in_user_namespace) {
  mode_t type = d.type == 'b' ? S_IFBLK : d.type == 'p' ? S_IFIFO : S_IFCHR;
  mode_t mode = d.file_mode.value_or(0666) & 07777;
  ISOBOX_CHECK(make_node(root_fd, d.path, type,
                         makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor)),
                         mode, in_user_namespace));
  if (d.uid || d.gid) {
    UniqueFd node = ISOBOX_TRY(open_in_root(root_fd, d.path, true));
    if (::fchownat(node.get(), "", d.uid.value_or(0), d.gid.value_or(0), AT_EMPTY_PATH) < 0)
      return sys_error("chown {}", d.path);
  }
  return {};
}

Result<> mount_cgroup(int root_fd, const std::string &destination, unsigned long flags) {
  // The init already sits in its cgroup: /proc/self/cgroup names its path in each hierarchy.
  UniqueFd under = ISOBOX_TRY(open_in_root(root_fd, destination));
  unsigned long base = flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
  struct statfs sf {};
  if (::statfs("/sys/fs/cgroup", &sf) < 0)
    return sys_error("statfs /sys/fs/cgroup");
  auto own = own_cgroups();
  if (sf.f_type == CGROUP2_SUPER_MAGIC) // pure v2: the container's subtree only
    return bind_hierarchy("/sys/fs/cgroup", own[""], fd_path(under.get()), base);
  if (::mount("tmpfs", fd_path(under.get()).c_str(), "tmpfs", base, "mode=755") < 0)
    return sys_error("mount tmpfs on {}", destination);
  UniqueFd mounted = ISOBOX_TRY(open_in_root(root_fd, destination));
  std::string target = fd_path(mounted.get());
  std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir("/sys/fs/cgroup"), ::closedir);
  if (!dir)
    return sys_error("open /sys/fs/cgroup");
  while (dirent *e = ::readdir(dir.get())) {
    std::string name = e->d_name;
    if (name == "." || name == "..")
      continue;
    std::string host = "/sys/fs/cgroup/" + name;
    std::string dst = target + "/" + name;
    if (e->d_type == DT_LNK) {
      char buf[256];
      ssize_t n = ::readlink(host.c_str(), buf, sizeof buf - 1);
      if (n > 0 && ::symlink(std::string(buf, static_cast<size_t>(n)).c_str(), dst.c_str()) < 0)
        return sys_error("symlink {}", dst);
      continue;
    }
    std::string key = name == "unified" ? "" : name;
    auto it = own.find(key);
    if (e->d_type != DT_DIR || it == own.end())
      continue;
    ISOBOX_CHECK(bind_hierarchy(host, it->second, dst, base));
  }
  return remount_readonly(target, base);
}

Result<> write_sysctl(const std::string &key, const std::string &value) {
  std::string path = "/proc/sys/" + key;
  for (size_t i = 10; i < path.size(); ++i)
    if (path[i] == '.')
      path[i] = '/';
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd || ::write(fd.get(), value.data(), value.size()) < 0)
    return sys_error("sysctl {}", key);
  return {};
}

Result<> make_readonly(const std::string &path) {
  UniqueFd fd(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT)
      return {};
    return sys_error("readonly path {}", path);
  }
  std::string p = fd_path(fd.get());
  if (::mount(p.c_str(), p.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    return sys_error("bind readonly path {}", path);
  return remount_readonly(path, MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

Result<> mask_path(const std::string &path) {
  // Runs after pivot_root: "/" is the container's root. A symlink is followed inside it (its
  // target is what gets masked, as runc does), never through a /proc magic link.
  UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return sys_error("open / to mask {}", path);
  auto resolved = open_in_root(root.get(), path);
  if (!resolved) {
    if (resolved.error().errno_value == ENOENT)
      return {};
    return std::unexpected(resolved.error().wrap("mask " + path));
  }
  UniqueFd target = std::move(*resolved);
  struct stat st {};
  if (::fstat(target.get(), &st) < 0)
    return sys_error("stat masked path {}", path);
  std::string tpath = fd_path(target.get());
  if (S_ISDIR(st.st_mode)) {
    if (::mount("tmpfs", tpath.c_str(), "tmpfs", MS_RDONLY, "size=0k,nr_inodes=1") < 0 &&
        ::mount("tmpfs", tpath.c_str(), "tmpfs", MS_RDONLY, nullptr) < 0)
      return sys_error("mask {}", path);
    return {};
  }
  UniqueFd null(::open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC));
  struct stat ns {};
  if (!null || ::fstat(null.get(), &ns) < 0)
    return sys_error("open /dev/null to mask {}", path);
  if (!S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3))
    return make_error("mask {}: /dev/null is not the null device", path);
  if (::mount(fd_path(null.get()).c_str(), tpath.c_str(), nullptr, MS_BIND, nullptr) < 0)
    return sys_error("mask {}", path);
  return {};
}

} // namespace isobox::oci
