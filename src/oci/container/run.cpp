// `run`: create + start in one process that stays the init's parent, forwards signals and
// returns the container's exit code, then deletes the container (runc run).
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "oci/container/operations.hpp"
#include "oci/container/run.hpp"

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

} // namespace

Result<int> run_container(const CreateOptions &opt, bool detach) {
  CreatedContainer c = ISOBOX_TRY(create_container(opt));
  install_forwarding(c.state.pid);
  if (auto r = start_container(opt.root, opt.id); !r) {
    (void)delete_container(opt.root, opt.id, true);
    return std::unexpected(r.error());
  }
  if (detach)
    return 0;
  int code = wait_exit_code(c.state.pid);
  g_init_pid = 0;
  ISOBOX_CHECK(delete_container(opt.root, opt.id, true));
  return code;
}

} // namespace isobox::oci
