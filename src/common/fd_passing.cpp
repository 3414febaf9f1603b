// send_fd/recv_fd: SCM_RIGHTS over sendmsg/recvmsg (see fd_passing.hpp).
#include "common/fd_passing.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace isobox {
namespace {

// Room for a few fds, so a peer sending several does not truncate the control data (we then
// close the extras instead of losing track of them).
constexpr size_t kMaxFds = 4;

} // namespace

Result<> send_fd(int socket, std::string_view payload, int fd) {
  // sendmsg does not write through iov_base; the cast only satisfies the C signature.
  iovec iov{const_cast<char *>(payload.data()), payload.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  while (::sendmsg(socket, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR)
      return sys_error("sendmsg");
  }
  return {};
}

Result<ReceivedFd> recv_fd(int socket, std::span<char> buf) {
  iovec iov{buf.data(), buf.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(kMaxFds * sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno != EINTR)
      return sys_error("recvmsg");
  }
  ReceivedFd out;
  out.size = static_cast<size_t>(n);
  for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (!out.fd)
        out.fd.reset(fd);
      else
        ::close(fd);
    }
  }
  return out;
}

} // namespace isobox
