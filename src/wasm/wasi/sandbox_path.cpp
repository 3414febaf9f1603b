// openat2-based confinement of guest paths to their preopen (see docs/wasi.md).
#include "wasm/wasi/sandbox_path.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace isobox::wasm::wasi {
namespace {

// glibc 2.36 has no openat2 wrapper.
int sys_openat2(int dirfd, const char *path, const open_how &how) {
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof(how)));
}

} // namespace

WasiResult<UniqueFd> open_beneath(int dirfd, std::string_view path, int flags, unsigned mode,
                                  bool follow_final) {
  if (path.empty())
    return std::unexpected(Errno::NoEnt);
  if (path.find('\0') != std::string_view::npos)
    return std::unexpected(Errno::Ilseq);
  const std::string p(path);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | (follow_final ? 0 : O_NOFOLLOW));
  how.mode = (flags & O_CREAT) ? mode : 0; // openat2 rejects a mode without O_CREAT
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // EAGAIN: a concurrent rename raced the lookup; the kernel asks us to retry.
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int fd = sys_openat2(dirfd, p.c_str(), how);
    if (fd >= 0)
      return UniqueFd(fd);
    if (errno == EAGAIN || errno == EINTR)
      continue;
    // EXDEV: the path would leave the preopen ("..", absolute, or a symlink pointing out).
    return std::unexpected(errno == EXDEV ? Errno::NotCapable : from_host_errno(errno));
  }
  return std::unexpected(Errno::Again);
}

WasiResult<ParentAndName> open_parent_beneath(int dirfd, std::string_view path, Errno dot_errno) {
  if (path.empty())
    return std::unexpected(Errno::NoEnt);
  ParentAndName out;
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
    out.trailing_slash = true;
  }
  if (path == "/")
    return std::unexpected(Errno::NotCapable);
  const size_t slash = path.rfind('/');
  std::string_view parent = slash == std::string_view::npos ? "." : path.substr(0, slash + 1);
  out.name = std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
  if (out.name == "." || out.name == "..")
    return std::unexpected(dot_errno);
  if (out.name.find('\0') != std::string::npos)
    return std::unexpected(Errno::Ilseq);
  auto fd = open_beneath(dirfd, parent, O_PATH | O_DIRECTORY, 0, true);
  if (!fd)
    return std::unexpected(fd.error());
  out.parent = std::move(*fd);
  return out;
}

Errno require_directory_if_slashed(const ParentAndName &p) {
  if (!p.trailing_slash)
    return Errno::Success;
  struct stat st {};
  if (::fstatat(p.parent.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return from_host_errno(errno);
  return S_ISDIR(st.st_mode) ? Errno::Success : Errno::NotDir;
}

} // namespace isobox::wasm::wasi
