// openat2-based path resolution inside a container rootfs.
#include "oci/linux/secure_path.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci/spec/path.hpp"

namespace isobox::oci {
namespace {

int openat2_in_root(int root_fd, const std::string &rel, uint64_t flags, uint64_t resolve) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how));
}

std::string relative(const std::string &clean) {
  return clean == "/" ? std::string(".") : clean.substr(1);
}

} // namespace

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

Result<UniqueFd> open_in_root(int root_fd, const std::string &path, bool no_symlinks) {
  std::string clean = clean_path(path);
  uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  if (no_symlinks)
    resolve |= RESOLVE_NO_SYMLINKS;
  int fd = openat2_in_root(root_fd, relative(clean), O_PATH, resolve);
  if (fd < 0)
    return sys_error("open {} in rootfs", clean);
  return UniqueFd(fd);
}

Result<UniqueFd> mkdir_all_in_root(int root_fd, const std::string &path, unsigned mode) {
  std::string clean = clean_path(path);
  UniqueFd dir(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  size_t pos = 1;
  std::string prefix;
  while (pos <= clean.size() && clean != "/") {
    size_t next = clean.find('/', pos);
    if (next == std::string::npos)
      next = clean.size();
    std::string name = clean.substr(pos, next - pos);
    prefix = clean.substr(0, next);
    // Resolve the whole prefix in the root each step: a symlink component stays inside.
    int fd = openat2_in_root(root_fd, relative(prefix), O_PATH | O_DIRECTORY,
                             RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd < 0 && errno == ENOENT) {
      if (::mkdirat(dir.get(), name.c_str(), mode) < 0 && errno != EEXIST)
        return sys_error("mkdir {} in rootfs", prefix);
      fd = openat2_in_root(root_fd, relative(prefix), O_PATH | O_DIRECTORY,
                           RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    }
    if (fd < 0)
      return sys_error("open directory {} in rootfs", prefix);
    dir.reset(fd);
    pos = next + 1;
  }
  return dir;
}

Result<UniqueFd> touch_in_root(int root_fd, const std::string &path) {
  std::string clean = clean_path(path);
  auto existing = open_in_root(root_fd, clean);
  if (existing)
    return existing;
  size_t slash = clean.rfind('/');
  std::string parent = slash == 0 ? "/" : clean.substr(0, slash);
  std::string name = clean.substr(slash + 1);
  UniqueFd dir = ISOBOX_TRY(mkdir_all_in_root(root_fd, parent));
  // O_PATH dirs cannot be used with openat(O_CREAT) directly; reopen through /proc.
  UniqueFd real(::open(fd_path(dir.get()).c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
  if (!real)
    return sys_error("open {} in rootfs", parent);
  int fd = ::openat(real.get(), name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno != EEXIST)
    return sys_error("create {} in rootfs", clean);
  if (fd >= 0)
    ::close(fd);
  return open_in_root(root_fd, clean);
}

} // namespace isobox::oci
