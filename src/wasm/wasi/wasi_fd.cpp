// WASI fd_* functions: I/O, seeking, stat and flags on descriptors of the capability table.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "wasm/wasi/wasi.hpp"
#include "wasm/wasi/wasi_util.hpp"

namespace isobox::wasm::wasi {

Errno Wasi::fd_advise(uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdAdvise));
  static constexpr int kHost[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                  POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (advice > static_cast<uint32_t>(Advice::NoReuse))
    return Errno::Inval;
  if (e->type == Filetype::Directory)
    return Errno::Badf;
  const int rc = ::posix_fadvise(e->host.get(), static_cast<off_t>(offset), static_cast<off_t>(len),
                                 kHost[advice]);
  return from_host_errno(rc);
}

Errno Wasi::fd_allocate(uint32_t fd, uint64_t offset, uint64_t len) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdAllocate));
  if (offset > INT64_MAX || len > INT64_MAX - offset)
    return Errno::Fbig;
  if (::fallocate(e->host.get(), 0, static_cast<off_t>(offset), static_cast<off_t>(len)) != 0)
    return last_errno();
  return Errno::Success;
}

Errno Wasi::publish_fd(GuestMemory m, FdEntry entry, uint32_t fd_out) {
  const auto num = m_fds.insert(std::move(entry));
  if (!num)
    return Errno::Mfile;
  if (!m.store(fd_out, *num)) {
    m_fds.erase(*num);
    return Errno::Fault;
  }
  return Errno::Success;
}

Errno Wasi::fd_close(uint32_t fd) { return m_fds.erase(fd) ? Errno::Success : Errno::Badf; }

Errno Wasi::fd_datasync(uint32_t fd) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdDatasync));
  return ::fdatasync(e->host.get()) == 0 ? Errno::Success : last_errno();
}

Errno Wasi::fd_sync(uint32_t fd) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdSync));
  return ::fsync(e->host.get()) == 0 ? Errno::Success : last_errno();
}

Errno Wasi::fd_fdstat_get(GuestMemory m, uint32_t fd, uint32_t out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd));
  auto dst = ISOBOX_WASI_TRY(need(m.span(out, layout::FdstatSize)));
  std::memset(dst.data(), 0, dst.size());
  dst[0] = static_cast<uint8_t>(e->type);
  std::memcpy(dst.data() + 2, &e->fdflags, 2);
  std::memcpy(dst.data() + 8, &e->rights_base, 8);
  std::memcpy(dst.data() + 16, &e->rights_inheriting, 8);
  return Errno::Success;
}

Errno Wasi::fd_fdstat_set_flags(uint32_t fd, uint32_t flags) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdFdstatSetFlags));
  if (flags & ~uint32_t{0x1f})
    return Errno::Inval;
  // Linux can change only O_APPEND and O_NONBLOCK on an open file; the sync flags are fixed
  // at open time, so asking to change them is not supported.
  const uint16_t sync_bits = fdflags::Dsync | fdflags::Rsync | fdflags::Sync;
  if ((flags & sync_bits) != (e->fdflags & sync_bits))
    return Errno::NotSup;
  int host = ::fcntl(e->host.get(), F_GETFL);
  if (host < 0)
    return last_errno();
  host &= ~(O_APPEND | O_NONBLOCK);
  host |= (flags & fdflags::Append ? O_APPEND : 0) | (flags & fdflags::Nonblock ? O_NONBLOCK : 0);
  if (::fcntl(e->host.get(), F_SETFL, host) != 0)
    return last_errno();
  e->fdflags = static_cast<uint16_t>(flags);
  return Errno::Success;
}

Errno Wasi::fd_fdstat_set_rights(uint32_t fd, uint64_t base, uint64_t inheriting) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd));
  // Rights can only be dropped, never gained (preview1 `fd_fdstat_set_rights`).
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting))
    return Errno::NotCapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return Errno::Success;
}

Errno Wasi::fd_filestat_get(GuestMemory m, uint32_t fd, uint32_t out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdFilestatGet));
  auto dst = ISOBOX_WASI_TRY(need(m.span(out, layout::FilestatSize)));
  struct stat st {};
  if (::fstat(e->host.get(), &st) != 0)
    return last_errno();
  encode_filestat(st, dst.data());
  return Errno::Success;
}

Errno Wasi::fd_filestat_set_size(uint32_t fd, uint64_t size) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdFilestatSetSize));
  if (size > INT64_MAX)
    return Errno::Fbig;
  return ::ftruncate(e->host.get(), static_cast<off_t>(size)) == 0 ? Errno::Success : last_errno();
}

WasiResult<std::array<timespec, 2>> host_times(uint64_t atim, uint64_t mtim, uint32_t fst) {
  if (fst & ~uint32_t{0xf})
    return std::unexpected(Errno::Inval);
  if (((fst & fstflags::Atim) && (fst & fstflags::AtimNow)) ||
      ((fst & fstflags::Mtim) && (fst & fstflags::MtimNow)))
    return std::unexpected(Errno::Inval);
  auto one = [](uint64_t ns, bool set, bool now) {
    if (now)
      return timespec{0, UTIME_NOW};
    if (!set)
      return timespec{0, UTIME_OMIT};
    return timespec{static_cast<time_t>(ns / 1'000'000'000ull),
                    static_cast<long>(ns % 1'000'000'000ull)};
  };
  return std::array<timespec, 2>{one(atim, fst & fstflags::Atim, fst & fstflags::AtimNow),
                                 one(mtim, fst & fstflags::Mtim, fst & fstflags::MtimNow)};
}

Errno Wasi::fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fstflags) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdFilestatSetTimes));
  auto times = ISOBOX_WASI_TRY(host_times(atim, mtim, fstflags));
  return ::futimens(e->host.get(), times.data()) == 0 ? Errno::Success : last_errno();
}

Errno Wasi::fd_prestat_get(GuestMemory m, uint32_t fd, uint32_t out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd));
  if (!e->preopen_name)
    return Errno::Badf;
  ISOBOX_WASI_STORE(m, out, uint32_t{kPreopentypeDir});
  ISOBOX_WASI_STORE(m, out + 4, static_cast<uint32_t>(e->preopen_name->size()));
  return Errno::Success;
}

Errno Wasi::fd_prestat_dir_name(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd));
  if (!e->preopen_name)
    return Errno::Badf;
  if (path_len < e->preopen_name->size())
    return Errno::NameTooLong;
  auto dst = ISOBOX_WASI_TRY(need(m.span(path, e->preopen_name->size())));
  std::memcpy(dst.data(), e->preopen_name->data(), dst.size());
  return Errno::Success;
}

Errno Wasi::fd_read(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                    uint32_t nread_out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdRead));
  auto v = ISOBOX_WASI_TRY(gather_iovs(m, iovs, iovs_len));
  ssize_t n;
  do
    n = ::readv(e->host.get(), v.data(), static_cast<int>(v.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, nread_out, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno Wasi::fd_write(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                     uint32_t nwritten_out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdWrite));
  auto v = ISOBOX_WASI_TRY(gather_iovs(m, iovs, iovs_len));
  ssize_t n;
  do
    n = ::writev(e->host.get(), v.data(), static_cast<int>(v.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, nwritten_out, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno Wasi::fd_pread(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                     uint32_t nread_out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdRead | rights::FdSeek));
  if (offset > INT64_MAX)
    return Errno::Inval;
  auto v = ISOBOX_WASI_TRY(gather_iovs(m, iovs, iovs_len));
  const ssize_t n =
      ::preadv(e->host.get(), v.data(), static_cast<int>(v.size()), static_cast<off_t>(offset));
  if (n < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, nread_out, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno Wasi::fd_pwrite(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                      uint32_t nwritten_out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdWrite | rights::FdSeek));
  if (offset > INT64_MAX)
    return Errno::Inval;
  auto v = ISOBOX_WASI_TRY(gather_iovs(m, iovs, iovs_len));
  const ssize_t n =
      ::pwritev(e->host.get(), v.data(), static_cast<int>(v.size()), static_cast<off_t>(offset));
  if (n < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, nwritten_out, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno Wasi::fd_renumber(uint32_t from, uint32_t to) { return m_fds.renumber(from, to); }

Errno Wasi::fd_seek(GuestMemory m, uint32_t fd, uint64_t offset, uint32_t whence,
                    uint32_t newoff_out) {
  // A pure "where am I" query needs only fd_tell (preview1 rights doc of fd_seek).
  const bool tell_only = offset == 0 && whence == static_cast<uint32_t>(Whence::Cur);
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, tell_only ? rights::FdTell : rights::FdSeek));
  static constexpr int kHost[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2)
    return Errno::Inval;
  const off_t pos = ::lseek(e->host.get(), static_cast<off_t>(offset), kHost[whence]);
  if (pos < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, newoff_out, static_cast<uint64_t>(pos));
  return Errno::Success;
}

Errno Wasi::fd_tell(GuestMemory m, uint32_t fd, uint32_t out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdTell));
  const off_t pos = ::lseek(e->host.get(), 0, SEEK_CUR);
  if (pos < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, out, static_cast<uint64_t>(pos));
  return Errno::Success;
}

namespace {

Filetype dirent_type(unsigned char t) {
  switch (t) {
  case DT_BLK: return Filetype::BlockDevice;
  case DT_CHR: return Filetype::CharacterDevice;
  case DT_DIR: return Filetype::Directory;
  case DT_REG: return Filetype::RegularFile;
  case DT_SOCK: return Filetype::SocketStream;
  case DT_LNK: return Filetype::SymbolicLink;
  default: return Filetype::Unknown;
  }
}

// Linux's getdents64 record (glibc exposes no wrapper struct for it).
struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  uint16_t d_reclen;
  uint8_t d_type;
  // the NUL-terminated name follows at offsetof(d_type) + 1
};
constexpr size_t kDirentNameOffset = 19;

} // namespace

// Cookies are the host directory offsets (d_off of the previous entry, 0 = start), so a guest
// can resume anywhere by cookie without us keeping per-fd listing state.
Errno Wasi::fd_readdir(GuestMemory m, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                       uint32_t bufused_out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdReaddir));
  auto out = ISOBOX_WASI_TRY(need(m.span(buf, buf_len)));
  if (e->type != Filetype::Directory)
    return Errno::NotDir;
  if (::lseek(e->host.get(), static_cast<off_t>(cookie), SEEK_SET) < 0)
    return last_errno();
  alignas(8) char host[4096];
  size_t used = 0;
  while (used < out.size()) {
    const long n = ::syscall(SYS_getdents64, e->host.get(), host, sizeof host);
    if (n < 0)
      return last_errno();
    if (n == 0)
      break;
    for (long off = 0; off < n && used < out.size();) {
      const auto *d = reinterpret_cast<const LinuxDirent64 *>(host + off);
      off += d->d_reclen;
      const char *d_name = host + off - d->d_reclen + kDirentNameOffset;
      const uint32_t namlen = static_cast<uint32_t>(std::strlen(d_name));
      uint8_t rec[layout::DirentSize] = {};
      const uint64_t next = static_cast<uint64_t>(d->d_off);
      std::memcpy(rec, &next, 8);
      std::memcpy(rec + 8, &d->d_ino, 8);
      std::memcpy(rec + 16, &namlen, 4);
      rec[20] = static_cast<uint8_t>(dirent_type(d->d_type));
      // Entries are cut at the buffer end; a full buffer tells the guest to call again with
      // the last complete entry's cookie (preview1 fd_readdir).
      const size_t head = std::min<size_t>(sizeof rec, out.size() - used);
      std::memcpy(out.data() + used, rec, head);
      used += head;
      const size_t name = std::min<size_t>(namlen, out.size() - used);
      std::memcpy(out.data() + used, d_name, name);
      used += name;
    }
  }
  ISOBOX_WASI_STORE(m, bufused_out, static_cast<uint32_t>(used));
  return Errno::Success;
}

} // namespace isobox::wasm::wasi
