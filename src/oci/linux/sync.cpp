// SyncChannel implementation: SOCK_SEQPACKET messages [type:u32][payload], fds via SCM_RIGHTS.
#include "oci/linux/sync.hpp"

#include <sys/socket.h>

#include <cstring>

#include "common/fd_passing.hpp"

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
  auto sent = isobox::send_fd(m_fd.get(), buf, fd);
  if (!sent)
    return std::unexpected(sent.error().wrap("sync send"));
  return {};
}

Result<SyncMessage> SyncChannel::receive() {
  char buf[8192];
  auto got = recv_fd(m_fd.get(), buf);
  if (!got)
    return std::unexpected(got.error().wrap("sync receive"));
  if (got->size < sizeof(uint32_t))
    return make_error("container process exited before reporting");
  SyncMessage out;
  uint32_t t;
  std::memcpy(&t, buf, sizeof t);
  out.type = static_cast<SyncType>(t);
  out.payload.assign(buf + sizeof t, got->size - sizeof t);
  out.fd = std::move(got->fd);
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

Result<> send_console_fd(int socket, int master) {
  // runc's console socket protocol: the payload names the pty (containerd ignores it).
  auto sent = isobox::send_fd(socket, "/dev/ptmx", master);
  if (!sent)
    return std::unexpected(sent.error().wrap("send pty master to console socket"));
  return {};
}

} // namespace isobox::oci
