// Passing one file descriptor with a message over a unix socket (SCM_RIGHTS): the runtime's
// parent/child channel and the console socket (runc's protocol) both use it.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace isobox {

/// Sends `payload` as one message, with `fd` attached when it is >= 0. MSG_NOSIGNAL: a peer
/// that went away is an EPIPE error, not a SIGPIPE. Retries EINTR.
Result<> send_fd(int socket, std::string_view payload, int fd);

/// What recv_fd got: `size` bytes written into the caller's buffer and the fd, if one came.
struct ReceivedFd {
  size_t size = 0;
  UniqueFd fd;
};

/// Receives one message into `buf`; an attached fd is taken close-on-exec. Extra fds (a peer
/// sending more than one) are closed so none leaks. Retries EINTR; size 0 means EOF.
Result<ReceivedFd> recv_fd(int socket, std::span<char> buf);

} // namespace isobox
