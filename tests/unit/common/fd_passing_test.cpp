// Tests send_fd/recv_fd over a socketpair: the fd arrives as the same open file, close-on-exec;
// messages without an fd; extra fds from a misbehaving peer are closed, not leaked.
#include "common/fd_passing.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstring>

#include <gtest/gtest.h>

namespace isobox {
namespace {

struct Pair {
  UniqueFd a, b;
};

Pair make_pair(int type) {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv), 0);
  return {UniqueFd(sv[0]), UniqueFd(sv[1])};
}

bool same_file(int x, int y) {
  struct stat sx {};
  struct stat sy {};
  return ::fstat(x, &sx) == 0 && ::fstat(y, &sy) == 0 && sx.st_dev == sy.st_dev &&
         sx.st_ino == sy.st_ino;
}

int open_fd_count() {
  int n = 0;
  for (int fd = 0; fd < 1024; ++fd)
    n += ::fcntl(fd, F_GETFD) != -1;
  return n;
}

TEST(FdPassing, FdArrivesWithPayloadAndCloexec) {
  Pair p = make_pair(SOCK_SEQPACKET);
  UniqueFd file(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(file);
  ASSERT_TRUE(send_fd(p.a.get(), "hello", file.get()));
  char buf[64];
  auto got = recv_fd(p.b.get(), buf);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(std::string(buf, got->size), "hello");
  ASSERT_TRUE(got->fd);
  EXPECT_NE(got->fd.get(), file.get());
  EXPECT_TRUE(same_file(got->fd.get(), file.get()));
  EXPECT_EQ(::fcntl(got->fd.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

TEST(FdPassing, MessageWithoutFd) {
  Pair p = make_pair(SOCK_SEQPACKET);
  ASSERT_TRUE(send_fd(p.a.get(), "x", -1));
  char buf[8];
  auto got = recv_fd(p.b.get(), buf);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size, 1u);
  EXPECT_FALSE(got->fd);
}

TEST(FdPassing, EofIsSizeZero) {
  Pair p = make_pair(SOCK_SEQPACKET);
  p.a.reset();
  char buf[8];
  auto got = recv_fd(p.b.get(), buf);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size, 0u);
}

TEST(FdPassing, SendToClosedPeerIsErrorNotSigpipe) {
  Pair p = make_pair(SOCK_STREAM);
  p.b.reset();
  auto sent = send_fd(p.a.get(), "x", -1);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().errno_value, EPIPE);
}

TEST(FdPassing, ExtraFdsAreClosed) {
  Pair p = make_pair(SOCK_SEQPACKET);
  // A raw sendmsg with three fds, as a buggy console-socket peer might send.
  int fds[3] = {0, 1, 2};
  char data = 'm';
  iovec iov{&data, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  std::memcpy(CMSG_DATA(c), fds, sizeof fds);
  ASSERT_EQ(::sendmsg(p.a.get(), &msg, 0), 1);
  const int before = open_fd_count();
  {
    char buf[4];
    auto got = recv_fd(p.b.get(), buf);
    ASSERT_TRUE(got);
    ASSERT_TRUE(got->fd);
    EXPECT_EQ(open_fd_count(), before + 1); // only the one we keep
  }
  EXPECT_EQ(open_fd_count(), before);
}

} // namespace
} // namespace isobox
