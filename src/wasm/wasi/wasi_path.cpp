// WASI path_* functions. Opens go through openat2(RESOLVE_BENEATH); every other path operation
// opens the parent directory that way and acts on the last component with an *at syscall.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasm/wasi/wasi.hpp"
#include "wasm/wasi/wasi_util.hpp"

namespace isobox::wasm::wasi {
namespace {

// Rights that make the host fd writable; a guest that holds none of them gets O_RDONLY.
constexpr uint64_t kWriteRights =
    rights::FdWrite | rights::FdDatasync | rights::FdAllocate | rights::FdFilestatSetSize;

int host_open_flags(uint32_t oflags, uint64_t base, uint32_t fdflags) {
  int flags = 0;
  if (oflags & oflags::Directory)
    flags = O_RDONLY | O_DIRECTORY;
  else if (base & kWriteRights)
    flags = (base & (rights::FdRead | rights::FdReaddir)) ? O_RDWR : O_WRONLY;
  else
    flags = O_RDONLY;
  flags |= (oflags & oflags::Creat ? O_CREAT : 0) | (oflags & oflags::Excl ? O_EXCL : 0) |
           (oflags & oflags::Trunc ? O_TRUNC : 0);
  flags |= (fdflags & fdflags::Append ? O_APPEND : 0) |
           (fdflags & fdflags::Nonblock ? O_NONBLOCK : 0) |
           (fdflags & fdflags::Dsync ? O_DSYNC : 0) |
           (fdflags & (fdflags::Sync | fdflags::Rsync) ? O_SYNC : 0);
  return flags;
}

uint64_t rights_for(Filetype t) {
  switch (t) {
  case Filetype::Directory: return rights::Directory;
  case Filetype::RegularFile:
  case Filetype::BlockDevice: return rights::RegularFile;
  default:
    return rights::Stream | rights::FdSeek | rights::FdTell | rights::FdSync | rights::FdDatasync |
           rights::FdAdvise | rights::FdFilestatSetTimes;
  }
}

} // namespace

Errno Wasi::path_open(GuestMemory m, uint32_t fd, uint32_t dirflags, uint32_t path,
                      uint32_t path_len, uint32_t oflags, uint64_t rights_base,
                      uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out) {
  uint64_t required = rights::PathOpen;
  required |= oflags & oflags::Creat ? rights::PathCreateFile : 0;
  required |= oflags & oflags::Trunc ? rights::PathFilestatSetSize : 0;
  FdEntry *dir = ISOBOX_WASI_TRY(m_fds.get(fd, required));
  if (dir->type != Filetype::Directory)
    return Errno::NotDir;
  if (oflags & ~uint32_t{0xf} || fdflags & ~uint32_t{0x1f})
    return Errno::Inval;
  // An fd opened through a directory gets at most the directory's inheriting rights.
  if ((rights_base & ~dir->rights_inheriting) || (rights_inheriting & ~dir->rights_inheriting))
    return Errno::NotCapable;
  const std::string_view name = ISOBOX_WASI_TRY(need(m.string(path, path_len)));
  const int flags = host_open_flags(oflags, rights_base, fdflags);
  UniqueFd host = ISOBOX_WASI_TRY(
      open_beneath(dir->host.get(), name, flags, 0666, dirflags & lookupflags::SymlinkFollow));
  struct stat st {};
  if (::fstat(host.get(), &st) != 0)
    return last_errno();
  const Filetype type = filetype_of(st.st_mode);
  FdEntry entry{std::move(host),
                type,
                rights_base & rights_for(type),
                type == Filetype::Directory ? rights_inheriting : 0,
                static_cast<uint16_t>(fdflags),
                {}};
  return publish_fd(m, std::move(entry), fd_out);
}

Errno Wasi::path_create_directory(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len) {
  FdEntry *dir = ISOBOX_WASI_TRY(m_fds.get(fd, rights::PathCreateDirectory));
  const auto name = ISOBOX_WASI_TRY(need(m.string(path, path_len)));
  auto p = ISOBOX_WASI_TRY(open_parent_beneath(dir->host.get(), name, Errno::Exist));
  return ::mkdirat(p.parent.get(), p.name.c_str(), 0777) == 0 ? Errno::Success : last_errno();
}

Errno Wasi::path_remove_directory(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len) {
  FdEntry *dir = ISOBOX_WASI_TRY(m_fds.get(fd, rights::PathRemoveDirectory));
  const auto name = ISOBOX_WASI_TRY(need(m.string(path, path_len)));
  auto p = ISOBOX_WASI_TRY(open_parent_beneath(dir->host.get(), name, Errno::Inval));
  if (::unlinkat(p.parent.get(), p.name.c_str(), AT_REMOVEDIR) != 0)
    return last_errno();
  return Errno::Success;
}

Errno Wasi::path_unlink_file(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len) {
  FdEntry *dir = ISOBOX_WASI_TRY(m_fds.get(fd, rights::PathUnlinkFile));
  const auto name = ISOBOX_WASI_TRY(need(m.string(path, path_len)));
  auto p = ISOBOX_WASI_TRY(open_parent_beneath(dir->host.get(), name, Errno::IsDir));
  if (p.trailing_slash) // "x/" names a directory, which unlink never removes
    return require_directory_if_slashed(p) == Errno::Success ? Errno::IsDir : Errno::NotDir;
  return ::unlinkat(p.parent.get(), p.name.c_str(), 0) == 0 ? Errno::Success : last_errno();
}

Errno Wasi::path_symlink(GuestMemory m, uint32_t old_path, uint32_t old_len, uint32_t fd,
                         uint32_t new_path, uint32_t new_len) {
  FdEntry *dir = ISOBOX_WASI_TRY(m_fds.get(fd, rights::PathSymlink));
  // The target is stored verbatim: any later resolution through it is confined by openat2.
  const std::string target(ISOBOX_WASI_TRY(need(m.string(old_path, old_len))));
  const auto name = ISOBOX_WASI_TRY(need(m.string(new_path, new_len)));
  if (target.find('\0') != std::string::npos)
    return Errno::Ilseq;
  auto p = ISOBOX_WASI_TRY(open_parent_beneath(dir->host.get(), name, Errno::Exist));
  if (p.trailing_slash) {
    struct stat st {};
    return ::fstatat(p.parent.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? Errno::Exist
                                                                                    : Errno::NoEnt;
  }
  return ::symlinkat(target.c_str(), p.parent.get(), p.name.c_str()) == 0 ? Errno::Success
                                                                          : last_errno();
}

Errno Wasi::path_readlink(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len,
                          uint32_t buf, uint32_t buf_len, uint32_t bufused_out) {
  FdEntry *dir = ISOBOX_WASI_TRY(m_fds.get(fd, rights::PathReadlink));
  const auto name = ISOBOX_WASI_TRY(need(m.string(path, path_len)));
  auto out = ISOBOX_WASI_TRY(need(m.span(buf, buf_len)));
  auto p = ISOBOX_WASI_TRY(open_parent_beneath(dir->host.get(), name, Errno::Inval));
  if (p.trailing_slash)
    return require_directory_if_slashed(p) == Errno::Success ? Errno::Inval : Errno::NotDir;
  const ssize_t n = ::readlinkat(p.parent.get(), p.name.c_str(),
                                 reinterpret_cast<char *>(out.data()), out.size());
  if (n < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, bufused_out, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno Wasi::path_link(GuestMemory m, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                      uint32_t old_len, uint32_t new_fd, uint32_t new_path, uint32_t new_len) {
  FdEntry *src = ISOBOX_WASI_TRY(m_fds.get(old_fd, rights::PathLinkSource));
  FdEntry *dst = ISOBOX_WASI_TRY(m_fds.get(new_fd, rights::PathLinkTarget));
  // Following a final symlink would need linkat(AT_SYMLINK_FOLLOW), which resolves outside
  // openat2's confinement; refuse it rather than resolve it by hand.
  if (old_flags & lookupflags::SymlinkFollow)
    return Errno::Inval;
  const auto oname = ISOBOX_WASI_TRY(need(m.string(old_path, old_len)));
  const auto nname = ISOBOX_WASI_TRY(need(m.string(new_path, new_len)));
  auto op = ISOBOX_WASI_TRY(open_parent_beneath(src->host.get(), oname, Errno::Perm));
  auto np = ISOBOX_WASI_TRY(open_parent_beneath(dst->host.get(), nname, Errno::Exist));
  // Hard links to directories do not exist; "x/" as either name can never be linked.
  if (op.trailing_slash)
    return require_directory_if_slashed(op) == Errno::Success ? Errno::Perm : Errno::NotDir;
  if (np.trailing_slash)
    return Errno::NoEnt;
  return ::linkat(op.parent.get(), op.name.c_str(), np.parent.get(), np.name.c_str(), 0) == 0
             ? Errno::Success
             : last_errno();
}

Errno Wasi::path_rename(GuestMemory m, uint32_t fd, uint32_t old_path, uint32_t old_len,
                        uint32_t new_fd, uint32_t new_path, uint32_t new_len) {
  FdEntry *src = ISOBOX_WASI_TRY(m_fds.get(fd, rights::PathRenameSource));
  FdEntry *dst = ISOBOX_WASI_TRY(m_fds.get(new_fd, rights::PathRenameTarget));
  const auto oname = ISOBOX_WASI_TRY(need(m.string(old_path, old_len)));
  const auto nname = ISOBOX_WASI_TRY(need(m.string(new_path, new_len)));
  auto op = ISOBOX_WASI_TRY(open_parent_beneath(src->host.get(), oname, Errno::Busy));
  auto np = ISOBOX_WASI_TRY(open_parent_beneath(dst->host.get(), nname, Errno::Busy));
  if (const Errno e = require_directory_if_slashed(op); e != Errno::Success)
    return e;
  if (np.trailing_slash) { // "a -> b/" is only valid when a is a directory
    struct stat st {};
    if (::fstatat(op.parent.get(), op.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      return last_errno();
    if (!S_ISDIR(st.st_mode))
      return Errno::NotDir;
  }
  return ::renameat(op.parent.get(), op.name.c_str(), np.parent.get(), np.name.c_str()) == 0
             ? Errno::Success
             : last_errno();
}

Errno Wasi::path_filestat_get(GuestMemory m, uint32_t fd, uint32_t flags, uint32_t path,
                              uint32_t path_len, uint32_t out) {
  FdEntry *dir = ISOBOX_WASI_TRY(m_fds.get(fd, rights::PathFilestatGet));
  const auto name = ISOBOX_WASI_TRY(need(m.string(path, path_len)));
  auto dst = ISOBOX_WASI_TRY(need(m.span(out, layout::FilestatSize)));
  // O_PATH (| O_NOFOLLOW) pins the object itself, a symlink included, beneath the preopen.
  UniqueFd obj = ISOBOX_WASI_TRY(
      open_beneath(dir->host.get(), name, O_PATH, 0, flags & lookupflags::SymlinkFollow));
  struct stat st {};
  if (::fstat(obj.get(), &st) != 0)
    return last_errno();
  encode_filestat(st, dst.data());
  return Errno::Success;
}

Errno Wasi::path_filestat_set_times(GuestMemory m, uint32_t fd, uint32_t flags, uint32_t path,
                                    uint32_t path_len, uint64_t atim, uint64_t mtim,
                                    uint32_t fstflags) {
  FdEntry *dir = ISOBOX_WASI_TRY(m_fds.get(fd, rights::PathFilestatSetTimes));
  const auto name = ISOBOX_WASI_TRY(need(m.string(path, path_len)));
  auto times = ISOBOX_WASI_TRY(host_times(atim, mtim, fstflags));
  UniqueFd obj = ISOBOX_WASI_TRY(
      open_beneath(dir->host.get(), name, O_PATH, 0, flags & lookupflags::SymlinkFollow));
  if (::utimensat(obj.get(), "", times.data(), AT_EMPTY_PATH) != 0)
    return last_errno();
  return Errno::Success;
}

} // namespace isobox::wasm::wasi
