// SyncChannel implementation: SOCK_SEQPACKET messages [type:u32][payload], fds via SCM_RIGHTS.
#include "oci/linux/sync.hpp"

#include <sys/socket.h>

#include <cstring>

namespace isobox::oci {

Result<std::pair<SyncChannel, SyncChannel>> SyncChannel::make_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return sys_error("socketpair");
  return std::pair{SyncChannel(UniqueFd(fds[0])), SyncChannel(UniqueFd(fds[1]))};
}

Result<> SyncChannel::send(SyncType type, std::string_view payload, int fd) {
  std::string buf(sizeof(uint32_t), '\0');
  auto t = static_cast<uint32_t>(type);
  std::memcpy(buf.data(), &t, sizeof t);
  buf.append(payload);
  iovec iov{buf.data(), buf.size()};
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
  while (::sendmsg(m_fd.get(), &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR)
      return sys_error("sync send");
  }
  return {};
}

Result<SyncMessage> SyncChannel::receive() {
  char buf[8192];
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(m_fd.get(), &msg, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno != EINTR)
      return sys_error("sync receive");
  }
  if (n < static_cast<ssize_t>(sizeof(uint32_t)))
    return make_error("container process exited before reporting");
  SyncMessage out;
  uint32_t t;
  std::memcpy(&t, buf, sizeof t);
  out.type = static_cast<SyncType>(t);
  out.payload.assign(buf + sizeof t, static_cast<size_t>(n) - sizeof t);
  for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      out.fd.reset(fd);
    }
  }
  return out;
}

Result<SyncMessage> SyncChannel::expect(SyncType type) {
  SyncMessage m = ISOBOX_TRY(receive());
  if (m.type == SyncType::Error)
    return make_error("{}", m.payload);
  if (m.type != type)
    return make_error("unexpected sync message {} (wanted {})", static_cast<uint32_t>(m.type),
                      static_cast<uint32_t>(type));
  return m;
}

Result<> send_fd(int socket, int fd, std::string_view name) {
  std::string payload(name);
  if (payload.empty())
    payload = "/dev/ptmx";
  iovec iov{payload.data(), payload.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (::sendmsg(socket, &msg, MSG_NOSIGNAL) < 0)
    return sys_error("send pty master to console socket");
  return {};
}

} // namespace isobox::oci
