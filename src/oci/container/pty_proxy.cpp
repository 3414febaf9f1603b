// pty proxy of `run` (see pty_proxy.hpp).
#include "oci/container/pty_proxy.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>

namespace isobox::oci {
namespace {

bool copy_once(int from, int to) {
  char buf[4096];
  ssize_t n = ::read(from, buf, sizeof buf);
  if (n <= 0)
    return false;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
    if (w <= 0)
      return false;
    off += w;
  }
  return true;
}

void drain(int fd) {
  char buf[64];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

} // namespace

int host_terminal() {
  for (int fd : {0, 1, 2})
    if (::isatty(fd))
      return fd;
  return -1;
}

void copy_window_size(int tty, int master) {
  winsize ws{};
  if (tty < 0 || ::ioctl(tty, TIOCGWINSZ, &ws) < 0)
    return;
  // A 0x0 size is what a terminal reports before anyone set one; keep the pty's default.
  if (ws.ws_row == 0 && ws.ws_col == 0)
    return;
  (void)::ioctl(master, TIOCSWINSZ, &ws);
}

void proxy_pty(int master, int winch_fd) {
  termios saved{};
  const bool raw = ::isatty(0) && ::tcgetattr(0, &saved) == 0;
  if (raw) {
    termios t = saved;
    ::cfmakeraw(&t);
    ::tcsetattr(0, TCSANOW, &t);
  }
  const int tty = host_terminal();
  bool stdin_open = true;
  for (;;) {
    pollfd p[3] = {{master, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}, {winch_fd, POLLIN, 0}};
    if (::poll(p, 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    // Resize before copying input, so keys typed after a resize meet the new size.
    if (p[2].revents & POLLIN) {
      drain(winch_fd);
      copy_window_size(tty, master);
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!copy_once(master, 1))
        break;
    }
    if (p[1].revents & (POLLIN | POLLHUP))
      stdin_open = copy_once(0, master);
  }
  if (raw)
    ::tcsetattr(0, TCSANOW, &saved);
}

} // namespace isobox::oci
