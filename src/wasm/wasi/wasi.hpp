// Wasi: the wasi_snapshot_preview1 functions over a capability table and a guest-memory view.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "wasm/wasi/fd_table.hpp"
#include "wasm/wasi/guest_memory.hpp"
#include "wasm/wasi/types.hpp"

namespace isobox::wasm::wasi {

/// A `--dir HOST[::GUEST][:ro]` grant.
struct DirGrant {
  std::string host;
  std::string guest;
  bool read_only = false;
};

/// Parses `HOST[::GUEST][:ro]`; GUEST defaults to HOST.
Result<DirGrant> parse_dir_grant(std::string_view spec);

/// Everything the command line grants a guest.
struct WasiConfig {
  std::vector<std::string> args; // argv, args[0] is the program name
  std::vector<std::string> env;  // "K=V"
  std::vector<DirGrant> dirs;
  std::vector<int> sockets;  // host socket fds handed over as pre-opened sockets (duplicated)
  bool inherit_stdio = true; // fds 0-2 are duplicates of the host's 0-2
};

/// The state of one WASI guest. Every function takes the guest memory view and the raw core
/// Wasm arguments of its witx signature, and returns the WASI errno (pointers are checked;
/// an out-of-bounds pointer is `fault`). proc_exit / proc_raise are traps and live in the
/// engine binding (wasi_bindings).
class Wasi {
public:
  /// Opens the preopens (each must be an existing directory) and sets up stdio.
  static Result<std::unique_ptr<Wasi>> create(WasiConfig config);

  FdTable &fds() { return m_fds; }

  // args / environ
  Errno args_get(GuestMemory m, uint32_t argv, uint32_t argv_buf);
  Errno args_sizes_get(GuestMemory m, uint32_t argc_out, uint32_t size_out);
  Errno environ_get(GuestMemory m, uint32_t environ, uint32_t environ_buf);
  Errno environ_sizes_get(GuestMemory m, uint32_t count_out, uint32_t size_out);
  // clocks, random, scheduling
  Errno clock_res_get(GuestMemory m, uint32_t id, uint32_t res_out);
  Errno clock_time_get(GuestMemory m, uint32_t id, uint64_t precision, uint32_t time_out);
  Errno random_get(GuestMemory m, uint32_t buf, uint32_t len);
  Errno sched_yield();
  // fd_*
  Errno fd_advise(uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
  Errno fd_allocate(uint32_t fd, uint64_t offset, uint64_t len);
  Errno fd_close(uint32_t fd);
  Errno fd_datasync(uint32_t fd);
  Errno fd_fdstat_get(GuestMemory m, uint32_t fd, uint32_t out);
  Errno fd_fdstat_set_flags(uint32_t fd, uint32_t flags);
  Errno fd_fdstat_set_rights(uint32_t fd, uint64_t base, uint64_t inheriting);
  Errno fd_filestat_get(GuestMemory m, uint32_t fd, uint32_t out);
  Errno fd_filestat_set_size(uint32_t fd, uint64_t size);
  Errno fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fstflags);
  Errno fd_pread(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                 uint32_t nread_out);
  Errno fd_prestat_get(GuestMemory m, uint32_t fd, uint32_t out);
  Errno fd_prestat_dir_name(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len);
  Errno fd_pwrite(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                  uint32_t nwritten_out);
  Errno fd_read(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out);
  Errno fd_readdir(GuestMemory m, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                   uint32_t bufused_out);
  Errno fd_renumber(uint32_t from, uint32_t to);
  Errno fd_seek(GuestMemory m, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t newoff_out);
  Errno fd_sync(uint32_t fd);
  Errno fd_tell(GuestMemory m, uint32_t fd, uint32_t out);
  Errno fd_write(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                 uint32_t nwritten_out);
  // path_*
  Errno path_create_directory(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len);
  Errno path_filestat_get(GuestMemory m, uint32_t fd, uint32_t flags, uint32_t path,
                          uint32_t path_len, uint32_t out);
  Errno path_filestat_set_times(GuestMemory m, uint32_t fd, uint32_t flags, uint32_t path,
                                uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fstflags);
  Errno path_link(GuestMemory m, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                  uint32_t old_len, uint32_t new_fd, uint32_t new_path, uint32_t new_len);
  Errno path_open(GuestMemory m, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                  uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting,
                  uint32_t fdflags, uint32_t fd_out);
  Errno path_readlink(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                      uint32_t buf_len, uint32_t bufused_out);
  Errno path_remove_directory(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len);
  Errno path_rename(GuestMemory m, uint32_t fd, uint32_t old_path, uint32_t old_len,
                    uint32_t new_fd, uint32_t new_path, uint32_t new_len);
  Errno path_symlink(GuestMemory m, uint32_t old_path, uint32_t old_len, uint32_t fd,
                     uint32_t new_path, uint32_t new_len);
  Errno path_unlink_file(GuestMemory m, uint32_t fd, uint32_t path, uint32_t path_len);
  // poll and sockets
  Errno poll_oneoff(GuestMemory m, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                    uint32_t nevents_out);
  Errno sock_accept(GuestMemory m, uint32_t fd, uint32_t flags, uint32_t fd_out);
  Errno sock_recv(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t riflags,
                  uint32_t datalen_out, uint32_t roflags_out);
  Errno sock_send(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t siflags,
                  uint32_t datalen_out);
  Errno sock_shutdown(uint32_t fd, uint32_t how);

private:
  /// Puts a new fd in the table and stores its number at `fd_out` (EMFILE, EFAULT undo it).
  Errno publish_fd(GuestMemory m, FdEntry entry, uint32_t fd_out);
  explicit Wasi(WasiConfig config) : m_config(std::move(config)) {}
  Errno add_stdio();
  Errno write_strings(GuestMemory m, const std::vector<std::string> &list, uint32_t ptrs,
                      uint32_t buf);
  Errno sizes(GuestMemory m, const std::vector<std::string> &list, uint32_t count_out,
              uint32_t size_out);

  WasiConfig m_config;
  FdTable m_fds;
};

} // namespace isobox::wasm::wasi
