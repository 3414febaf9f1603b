// FdTable: the guest's capability table (WASI fd number -> host fd, type, rights, preopen name).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "wasm/wasi/sandbox_path.hpp"
#include "wasm/wasi/types.hpp"

namespace isobox::wasm::wasi {

/// One open WASI descriptor. It owns its host fd; `rights_base` bounds what may be done with
/// it, `rights_inheriting` what fds opened through it may get (preview1 rights model).
struct FdEntry {
  UniqueFd host;
  Filetype type = Filetype::Unknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  uint16_t fdflags = 0;
  std::optional<std::string> preopen_name; // set for `--dir` grants: what fd_prestat_* report

  [[nodiscard]] bool has(uint64_t rights) const { return (rights_base & rights) == rights; }
};

/// WASI filetype of a host stat mode.
Filetype filetype_of(mode_t mode);

/// Writes a preview1 `filestat` (64 bytes) into `out`.
void encode_filestat(const struct stat &st, uint8_t *out);

/// Dense table of fds; new fds take the lowest free number (like POSIX).
class FdTable {
public:
  /// Adds an entry and returns its number, or nothing when the table is full.
  std::optional<uint32_t> insert(FdEntry entry);
  /// Places an entry at a given number (stdio); the slot must be free.
  void insert_at(uint32_t fd, FdEntry entry);

  /// The entry for `fd` if it is open and holds all of `rights`: badf when not open,
  /// notcapable when a right is missing.
  WasiResult<FdEntry *> get(uint32_t fd, uint64_t rights = 0);
  /// Closes `fd`; false if it was not open.
  bool erase(uint32_t fd);
  /// Moves `from` onto `to` (closing what was at `to`).
  Errno renumber(uint32_t from, uint32_t to);

  [[nodiscard]] size_t open_count() const;

private:
  static constexpr size_t kMaxFds = 1u << 16;
  std::vector<std::optional<FdEntry>> m_entries;
};

} // namespace isobox::wasm::wasi
