// FdTable: lookup with rights checks, lowest-free allocation, renumbering.
#include "wasm/wasi/fd_table.hpp"

#include <cstring>

namespace isobox::wasm::wasi {

Filetype filetype_of(mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFBLK: return Filetype::BlockDevice;
  case S_IFCHR: return Filetype::CharacterDevice;
  case S_IFDIR: return Filetype::Directory;
  case S_IFREG: return Filetype::RegularFile;
  case S_IFSOCK: return Filetype::SocketStream;
  case S_IFLNK: return Filetype::SymbolicLink;
  default: return Filetype::Unknown; // FIFOs have no preview1 filetype
  }
}

namespace {
uint64_t nanos(const timespec &ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}
template <typename T> void put(uint8_t *out, uint32_t off, T v) {
  std::memcpy(out + off, &v, sizeof v);
}
} // namespace

void encode_filestat(const struct stat &st, uint8_t *out) {
  std::memset(out, 0, layout::FilestatSize);
  put<uint64_t>(out, 0, st.st_dev);
  put<uint64_t>(out, 8, st.st_ino);
  put<uint8_t>(out, 16, static_cast<uint8_t>(filetype_of(st.st_mode)));
  put<uint64_t>(out, 24, st.st_nlink);
  put<uint64_t>(out, 32, static_cast<uint64_t>(st.st_size));
  put<uint64_t>(out, 40, nanos(st.st_atim));
  put<uint64_t>(out, 48, nanos(st.st_mtim));
  put<uint64_t>(out, 56, nanos(st.st_ctim));
}

std::optional<uint32_t> FdTable::insert(FdEntry entry) {
  for (size_t i = 0; i < m_entries.size(); ++i) {
    if (!m_entries[i]) {
      m_entries[i] = std::move(entry);
      return static_cast<uint32_t>(i);
    }
  }
  if (m_entries.size() >= kMaxFds)
    return std::nullopt;
  m_entries.push_back(std::move(entry));
  return static_cast<uint32_t>(m_entries.size() - 1);
}

void FdTable::insert_at(uint32_t fd, FdEntry entry) {
  if (m_entries.size() <= fd)
    m_entries.resize(fd + 1);
  m_entries[fd] = std::move(entry);
}

WasiResult<FdEntry *> FdTable::get(uint32_t fd, uint64_t rights) {
  if (fd >= m_entries.size() || !m_entries[fd])
    return std::unexpected(Errno::Badf);
  FdEntry &e = *m_entries[fd];
  if (!e.has(rights))
    return std::unexpected(Errno::NotCapable);
  return &e;
}

bool FdTable::erase(uint32_t fd) {
  if (fd >= m_entries.size() || !m_entries[fd])
    return false;
  m_entries[fd].reset();
  while (!m_entries.empty() && !m_entries.back())
    m_entries.pop_back();
  return true;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (from >= m_entries.size() || !m_entries[from] || to >= m_entries.size() || !m_entries[to])
    return Errno::Badf;
  if (from == to)
    return Errno::Success;
  // Preopens are the guest's root capabilities: replacing one would silently revoke a grant,
  // moving one would change what fd_prestat_* reports, so neither is allowed.
  if (m_entries[from]->preopen_name || m_entries[to]->preopen_name)
    return Errno::NotSup;
  m_entries[to] = std::move(m_entries[from]);
  erase(from);
  return Errno::Success;
}

size_t FdTable::open_count() const {
  size_t n = 0;
  for (const auto &e : m_entries)
    n += e.has_value();
  return n;
}

} // namespace isobox::wasm::wasi
