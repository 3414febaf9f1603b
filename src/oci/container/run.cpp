// `run`: create + start in one process that stays the init's parent, forwards signals and
// returns the container's exit code, then deletes the container (runc run).
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>

#include "common/fd_passing.hpp"
#include "common/unique_fd.hpp"
#include "oci/container/operations.hpp"
#include "oci/container/run.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::oci {
namespace {

std::atomic<pid_t> g_init_pid{0};

void forward_signal(int sig) {
  pid_t pid = g_init_pid.load();
  if (pid > 0)
    ::kill(pid, sig);
}

void install_forwarding(pid_t pid) {
  g_init_pid = pid;
  struct sigaction sa {};
  sa.sa_handler = forward_signal;
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH})
    ::sigaction(sig, &sa, nullptr);
}

// Receives the pty master the init sends over our console socketpair (SCM_RIGHTS).
Result<UniqueFd> receive_master(int sock) {
  char buf[256];
  auto got = recv_fd(sock, buf);
  if (!got)
    return std::unexpected(got.error().wrap("receive pty master"));
  if (!got->fd)
    return make_error("no pty master received");
  return std::move(got->fd);
}

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

// Copies our stdin to the pty and the pty to our stdout until the container side hangs up
// (runc run does the same when no --console-socket is given). Raw mode while a tty is ours.
void proxy_pty(int master) {
  termios saved{};
  bool tty = ::isatty(0) && ::tcgetattr(0, &saved) == 0;
  if (tty) {
    termios raw = saved;
    ::cfmakeraw(&raw);
    ::tcsetattr(0, TCSANOW, &raw);
  }
  bool stdin_open = true;
  for (;;) {
    pollfd p[2] = {{master, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!copy_once(master, 1))
        break;
    }
    if (p[1].revents & (POLLIN | POLLHUP))
      stdin_open = copy_once(0, master);
  }
  if (tty)
    ::tcsetattr(0, TCSANOW, &saved);
}

} // namespace

Result<int> run_container(const CreateOptions &opt_in, bool detach) {
  CreateOptions opt = opt_in;
  UniqueFd console_peer;
  if (opt.console_socket.empty() && !detach) {
    auto spec = load_spec(opt.bundle);
    if (spec && spec->process->terminal) {
      int sv[2];
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return sys_error("socketpair for the console");
      console_peer.reset(sv[0]);
      opt.console_fd = sv[1];
    }
  }
  auto created = create_container(opt);
  if (opt.console_fd >= 0)
    ::close(opt.console_fd);
  if (!created)
    return std::unexpected(created.error());
  CreatedContainer &c = *created;
  UniqueFd master;
  if (console_peer) {
    auto m = receive_master(console_peer.get());
    if (!m) {
      (void)delete_container(opt.root, opt.id, true);
      return std::unexpected(m.error());
    }
    master = std::move(*m);
  }
  install_forwarding(c.state.pid);
  if (auto r = start_container(opt.root, opt.id); !r) {
    (void)delete_container(opt.root, opt.id, true);
    return std::unexpected(r.error());
  }
  if (detach)
    return 0;
  if (master)
    proxy_pty(master.get());
  int code = wait_exit_code(c.state.pid);
  g_init_pid = 0;
  ISOBOX_CHECK(delete_container(opt.root, opt.id, true));
  return code;
}

} // namespace isobox::oci
