// WASI setup (preopens, stdio) and args/environ/clock/random/sched_yield.
#include <fcntl.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <climits>

#include "wasm/wasi/wasi.hpp"
#include "wasm/wasi/wasi_util.hpp"

namespace isobox::wasm::wasi {

Errno last_errno() { return from_host_errno(errno); }

WasiResult<std::vector<iovec>> gather_iovs(GuestMemory m, uint32_t iovs, uint32_t iovs_len) {
  std::vector<iovec> out;
  const uint32_t n = iovs_len > IOV_MAX ? IOV_MAX : iovs_len;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t at = iovs + i * layout::IovecSize;
    if (at < iovs) // wrapped around 4 GiB
      return std::unexpected(Errno::Fault);
    const auto buf = m.load<uint32_t>(at);
    const auto len = m.load<uint32_t>(at + 4);
    const auto bytes = buf && len ? m.span(*buf, *len) : std::nullopt;
    if (!bytes)
      return std::unexpected(Errno::Fault);
    out.push_back(iovec{bytes->data(), bytes->size()});
  }
  return out;
}

Result<DirGrant> parse_dir_grant(std::string_view spec) {
  DirGrant g;
  if (spec.ends_with(":ro")) {
    g.read_only = true;
    spec.remove_suffix(3);
  }
  const size_t sep = spec.find("::");
  g.host = std::string(spec.substr(0, sep));
  g.guest = sep == std::string_view::npos ? g.host : std::string(spec.substr(sep + 2));
  if (g.host.empty() || g.guest.empty())
    return make_error("--dir {}: expected HOST[::GUEST][:ro]", spec);
  return g;
}

Result<std::unique_ptr<Wasi>> Wasi::create(WasiConfig config) {
  std::unique_ptr<Wasi> w(new Wasi(std::move(config)));
  if (w->m_config.inherit_stdio && w->add_stdio() != Errno::Success)
    return sys_error("wasi: duplicate stdio");
  for (const DirGrant &g : w->m_config.dirs) {
    UniqueFd fd(::open(g.host.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
      return sys_error("--dir {}", g.host);
    const uint64_t mask = g.read_only ? ~rights::Mutating : ~uint64_t{0};
    FdEntry e{std::move(fd),
              Filetype::Directory,
              rights::Directory & mask,
              (rights::Directory | rights::RegularFile) & mask,
              0,
              g.guest};
    if (!w->m_fds.insert(std::move(e)))
      return make_error("--dir {}: too many preopens", g.host);
  }
  for (int s : w->m_config.sockets) {
    UniqueFd fd(::fcntl(s, F_DUPFD_CLOEXEC, 0));
    if (!fd)
      return sys_error("wasi: socket fd {}", s);
    FdEntry e{std::move(fd), Filetype::SocketStream, rights::Socket, rights::Socket, 0, {}};
    if (!w->m_fds.insert(std::move(e)))
      return make_error("wasi: too many sockets");
  }
  return w;
}

Errno Wasi::add_stdio() {
  for (int i = 0; i < 3; ++i) {
    struct stat st {};
    UniqueFd fd(::fcntl(i, F_DUPFD_CLOEXEC, 0));
    if (!fd || ::fstat(fd.get(), &st) != 0) {
      // A closed host stdio stays closed for the guest, too.
      continue;
    }
    const uint64_t io = i == 0 ? rights::FdRead : rights::FdWrite;
    const uint64_t base = (rights::Stream & ~(rights::FdRead | rights::FdWrite)) | io |
                          (S_ISREG(st.st_mode) ? (rights::FdSeek | rights::FdTell) : 0);
    m_fds.insert_at(static_cast<uint32_t>(i),
                    FdEntry{std::move(fd), filetype_of(st.st_mode), base, 0, 0, {}});
  }
  return Errno::Success;
}

Errno Wasi::write_strings(GuestMemory m, const std::vector<std::string> &list, uint32_t ptrs,
                          uint32_t buf) {
  uint64_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    if (at > UINT32_MAX)
      return Errno::Fault;
    ISOBOX_WASI_STORE(m, ptrs + static_cast<uint32_t>(i) * 4, static_cast<uint32_t>(at));
    auto dst = ISOBOX_WASI_TRY(need(m.span(static_cast<uint32_t>(at), list[i].size() + 1)));
    std::copy(list[i].begin(), list[i].end(), dst.begin());
    dst.back() = 0;
    at += list[i].size() + 1;
  }
  return Errno::Success;
}

Errno Wasi::sizes(GuestMemory m, const std::vector<std::string> &list, uint32_t count_out,
                  uint32_t size_out) {
  uint64_t total = 0;
  for (const auto &s : list)
    total += s.size() + 1;
  ISOBOX_WASI_STORE(m, count_out, static_cast<uint32_t>(list.size()));
  ISOBOX_WASI_STORE(m, size_out, static_cast<uint32_t>(total));
  return Errno::Success;
}

Errno Wasi::args_get(GuestMemory m, uint32_t argv, uint32_t argv_buf) {
  return write_strings(m, m_config.args, argv, argv_buf);
}
Errno Wasi::args_sizes_get(GuestMemory m, uint32_t argc_out, uint32_t size_out) {
  return sizes(m, m_config.args, argc_out, size_out);
}
Errno Wasi::environ_get(GuestMemory m, uint32_t environ, uint32_t environ_buf) {
  return write_strings(m, m_config.env, environ, environ_buf);
}
Errno Wasi::environ_sizes_get(GuestMemory m, uint32_t count_out, uint32_t size_out) {
  return sizes(m, m_config.env, count_out, size_out);
}

namespace {
std::optional<clockid_t> host_clock(uint32_t id) {
  switch (static_cast<ClockId>(id)) {
  case ClockId::Realtime: return CLOCK_REALTIME;
  case ClockId::Monotonic: return CLOCK_MONOTONIC;
  case ClockId::ProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
  case ClockId::ThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
  }
  return std::nullopt;
}
uint64_t to_nanos(const timespec &ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}
} // namespace

Errno Wasi::clock_res_get(GuestMemory m, uint32_t id, uint32_t res_out) {
  auto clock = host_clock(id);
  if (!clock)
    return Errno::Inval;
  timespec ts{};
  if (::clock_getres(*clock, &ts) != 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, res_out, to_nanos(ts));
  return Errno::Success;
}

Errno Wasi::clock_time_get(GuestMemory m, uint32_t id, uint64_t /*precision*/, uint32_t time_out) {
  auto clock = host_clock(id);
  if (!clock)
    return Errno::Inval;
  timespec ts{};
  if (::clock_gettime(*clock, &ts) != 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, time_out, to_nanos(ts));
  return Errno::Success;
}

Errno Wasi::random_get(GuestMemory m, uint32_t buf, uint32_t len) {
  auto dst = ISOBOX_WASI_TRY(need(m.span(buf, len)));
  size_t done = 0;
  while (done < dst.size()) {
    const ssize_t n = ::getrandom(dst.data() + done, dst.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return last_errno();
    }
    done += static_cast<size_t>(n);
  }
  return Errno::Success;
}

Errno Wasi::sched_yield() {
  ::sched_yield();
  return Errno::Success;
}

} // namespace isobox::wasm::wasi
