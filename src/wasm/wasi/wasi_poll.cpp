// WASI poll_oneoff (clock and fd subscriptions) and sock_* on pre-opened sockets.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "wasm/wasi/wasi.hpp"
#include "wasm/wasi/wasi_util.hpp"

namespace isobox::wasm::wasi {
namespace {

uint64_t now_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  EventType type = EventType::Clock;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

bool store_event(GuestMemory m, uint32_t at, const Event &ev) {
  auto dst = m.span(at, layout::EventSize);
  if (!dst)
    return false;
  std::memset(dst->data(), 0, layout::EventSize);
  const auto err = static_cast<uint16_t>(ev.error);
  std::memcpy(dst->data(), &ev.userdata, 8);
  std::memcpy(dst->data() + 8, &err, 2);
  (*dst)[10] = static_cast<uint8_t>(ev.type);
  std::memcpy(dst->data() + 16, &ev.nbytes, 8);
  std::memcpy(dst->data() + 24, &ev.flags, 2);
  return true;
}

// Bytes readable without blocking: what is left of a regular file, else FIONREAD.
uint64_t readable_bytes(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const off_t pos = ::lseek(fd, 0, SEEK_CUR);
    return pos >= 0 && st.st_size > pos ? static_cast<uint64_t>(st.st_size - pos) : 0;
  }
  int n = 0;
  return ::ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? static_cast<uint64_t>(n) : 0;
}

} // namespace

Errno Wasi::poll_oneoff(GuestMemory m, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                        uint32_t nevents_out) {
  if (nsubscriptions == 0)
    return Errno::Inval;
  ISOBOX_WASI_TRY(need(m.span(in, uint64_t{nsubscriptions} * layout::SubscriptionSize)));
  ISOBOX_WASI_TRY(need(m.span(out, uint64_t{nsubscriptions} * layout::EventSize)));
  std::vector<Event> ready;
  std::vector<pollfd> pfds;
  std::vector<Event> fd_events; // parallel to pfds
  std::optional<Event> earliest_clock;
  uint64_t timeout_ns = UINT64_MAX;
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    const uint32_t at = in + i * layout::SubscriptionSize;
    Event ev;
    ev.userdata = *m.load<uint64_t>(at);
    const uint8_t tag = *m.load<uint8_t>(at + 8);
    if (tag == static_cast<uint8_t>(EventType::Clock)) {
      const uint32_t id = *m.load<uint32_t>(at + 16);
      const uint64_t timeout = *m.load<uint64_t>(at + 24);
      const uint16_t flags = *m.load<uint16_t>(at + 40);
      static constexpr clockid_t kClocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC,
                                              CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
      if (id > 3) {
        ev.error = Errno::Inval;
        ready.push_back(ev);
        continue;
      }
      uint64_t rel = timeout;
      if (flags & kSubscriptionClockAbstime) {
        const uint64_t now = now_ns(kClocks[id]);
        rel = timeout > now ? timeout - now : 0;
      }
      if (rel < timeout_ns) {
        timeout_ns = rel;
        earliest_clock = ev;
      }
    } else if (tag == static_cast<uint8_t>(EventType::FdRead) ||
               tag == static_cast<uint8_t>(EventType::FdWrite)) {
      ev.type = static_cast<EventType>(tag);
      const uint32_t fd = *m.load<uint32_t>(at + 16);
      auto entry = m_fds.get(fd, rights::PollFdReadwrite);
      if (!entry) {
        ev.error = entry.error();
        ready.push_back(ev);
        continue;
      }
      const short what = ev.type == EventType::FdRead ? POLLIN : POLLOUT;
      pfds.push_back(pollfd{(*entry)->host.get(), what, 0});
      fd_events.push_back(ev);
    } else {
      return Errno::Inval;
    }
  }
  // Subscriptions that already failed complete immediately; otherwise wait for the first fd
  // or the earliest clock.
  const bool wait = ready.empty();
  timespec ts{};
  timespec *tsp = nullptr;
  if (!wait || timeout_ns != UINT64_MAX) {
    const uint64_t ns = wait ? timeout_ns : 0;
    ts = timespec{static_cast<time_t>(ns / 1'000'000'000ull),
                  static_cast<long>(ns % 1'000'000'000ull)};
    tsp = &ts;
  }
  int n;
  do
    n = ::ppoll(pfds.data(), pfds.size(), tsp, nullptr);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return last_errno();
  for (size_t i = 0; i < pfds.size(); ++i) {
    if (!pfds[i].revents)
      continue;
    Event ev = fd_events[i];
    if (pfds[i].revents & POLLNVAL)
      ev.error = Errno::Badf;
    if (pfds[i].revents & POLLHUP)
      ev.flags |= kEventFdReadwriteHangup;
    if (ev.type == EventType::FdRead)
      ev.nbytes = readable_bytes(pfds[i].fd);
    ready.push_back(ev);
  }
  if (n == 0 && earliest_clock && ready.empty())
    ready.push_back(*earliest_clock);
  for (size_t i = 0; i < ready.size(); ++i)
    if (!store_event(m, out + static_cast<uint32_t>(i) * layout::EventSize, ready[i]))
      return Errno::Fault;
  ISOBOX_WASI_STORE(m, nevents_out, static_cast<uint32_t>(ready.size()));
  return Errno::Success;
}

Errno Wasi::sock_accept(GuestMemory m, uint32_t fd, uint32_t flags, uint32_t fd_out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::SockAccept));
  if (flags & ~uint32_t{fdflags::Nonblock})
    return Errno::Inval;
  const int host = ::accept4(e->host.get(), nullptr, nullptr,
                             SOCK_CLOEXEC | (flags & fdflags::Nonblock ? SOCK_NONBLOCK : 0));
  if (host < 0)
    return last_errno();
  FdEntry conn{UniqueFd(host),
               Filetype::SocketStream,
               rights::Socket & ~rights::SockAccept,
               0,
               static_cast<uint16_t>(flags),
               {}};
  return publish_fd(m, std::move(conn), fd_out);
}

Errno Wasi::sock_recv(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                      uint32_t riflags, uint32_t datalen_out, uint32_t roflags_out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdRead));
  if (riflags & ~uint32_t{riflags::RecvPeek | riflags::RecvWaitall})
    return Errno::Inval;
  auto v = ISOBOX_WASI_TRY(gather_iovs(m, iovs, iovs_len));
  msghdr msg{};
  msg.msg_iov = v.data();
  msg.msg_iovlen = v.size();
  const int flags = (riflags & riflags::RecvPeek ? MSG_PEEK : 0) |
                    (riflags & riflags::RecvWaitall ? MSG_WAITALL : 0);
  const ssize_t n = ::recvmsg(e->host.get(), &msg, flags);
  if (n < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, datalen_out, static_cast<uint32_t>(n));
  ISOBOX_WASI_STORE(
      m, roflags_out,
      static_cast<uint16_t>(msg.msg_flags & MSG_TRUNC ? kRoflagsRecvDataTruncated : 0));
  return Errno::Success;
}

Errno Wasi::sock_send(GuestMemory m, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                      uint32_t siflags, uint32_t datalen_out) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::FdWrite));
  if (siflags != 0)
    return Errno::Inval;
  auto v = ISOBOX_WASI_TRY(gather_iovs(m, iovs, iovs_len));
  msghdr msg{};
  msg.msg_iov = v.data();
  msg.msg_iovlen = v.size();
  // MSG_NOSIGNAL: a closed peer is EPIPE for the guest, never a SIGPIPE for the engine.
  const ssize_t n = ::sendmsg(e->host.get(), &msg, MSG_NOSIGNAL);
  if (n < 0)
    return last_errno();
  ISOBOX_WASI_STORE(m, datalen_out, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno Wasi::sock_shutdown(uint32_t fd, uint32_t how) {
  FdEntry *e = ISOBOX_WASI_TRY(m_fds.get(fd, rights::SockShutdown));
  int host;
  switch (how) {
  case sdflags::Rd: host = SHUT_RD; break;
  case sdflags::Wr: host = SHUT_WR; break;
  case sdflags::Rd | sdflags::Wr: host = SHUT_RDWR; break;
  default: return Errno::Inval;
  }
  return ::shutdown(e->host.get(), host) == 0 ? Errno::Success : last_errno();
}

} // namespace isobox::wasm::wasi
