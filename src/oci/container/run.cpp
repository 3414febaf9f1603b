// `run`: create + start in one process that stays the init's parent, forwards signals and
// returns the container's exit code, then deletes the container (runc run).
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "common/fd_passing.hpp"
#include "common/log.hpp"
#include "common/unique_fd.hpp"
#include "oci/container/operations.hpp"
#include "oci/container/pty_proxy.hpp"
#include "oci/container/run.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::oci {
namespace {

std::atomic<pid_t> g_init_pid{0};
// Write end of the self-pipe that tells proxy_pty about a SIGWINCH; -1 when run owns no pty.
std::atomic<int> g_winch_fd{-1};

void on_signal(int sig) {
  const int saved = errno;
  if (sig == SIGWINCH && g_winch_fd.load() >= 0) {
    // The container's pty gets the new size (and its own SIGWINCH from the kernel) in
    // proxy_pty; the signal itself is not forwarded, as with runc.
    const char byte = 'w';
    (void)!::write(g_winch_fd.load(), &byte, 1);
  } else if (pid_t pid = g_init_pid.load(); pid > 0) {
    ::kill(pid, sig);
  }
  errno = saved;
}

// Stops the SIGWINCH handler from using the self-pipe on every way out of run_container.
struct WinchGuard {
  WinchGuard() = default;
  WinchGuard(const WinchGuard &) = delete;
  WinchGuard &operator=(const WinchGuard &) = delete;
  ~WinchGuard() { g_winch_fd = -1; }
};

void install_forwarding(pid_t pid) {
  g_init_pid = pid;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
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
  // The self-pipe exists before the handler, so no SIGWINCH is lost between the two.
  UniqueFd winch_read, winch_write;
  WinchGuard guard; // declared after the pipe: the handler lets go of it before it closes
  if (master) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
      auto err = sys_error("pipe for SIGWINCH");
      (void)delete_container(opt.root, opt.id, true);
      return err;
    }
    winch_read.reset(p[0]);
    winch_write.reset(p[1]);
    g_winch_fd = winch_write.get();
    // The process must see the caller's size from its first instruction.
    copy_window_size(host_terminal(), master.get());
  }
  install_forwarding(c.state.pid);
  if (auto r = start_container(opt.root, opt.id); !r) {
    (void)delete_container(opt.root, opt.id, true);
    return std::unexpected(r.error());
  }
  log::phase("run: started");
  if (detach)
    return 0;
  if (master)
    proxy_pty(master.get(), winch_read.get());
  int code = wait_exit_code(c.state.pid);
  log::phase("run: container exited");
  g_init_pid = 0;
  ISOBOX_CHECK(delete_container(opt.root, opt.id, true));
  log::phase("run: container deleted");
  return code;
}

} // namespace isobox::oci
