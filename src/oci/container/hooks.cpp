// Hook execution: one child per hook, stdin fed from a pipe, optional timeout via pidfd + poll.
#include "oci/container/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/unique_fd.hpp"

namespace isobox::oci {
namespace {

[[noreturn]] void exec_hook(const Hook &hook, int stdin_fd) {
  ::dup2(stdin_fd, 0);
  std::vector<char *> argv, envp;
  if (hook.args.empty())
    argv.push_back(const_cast<char *>(hook.path.c_str()));
  for (const auto &a : hook.args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto &e : hook.env)
    envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(hook.path.c_str(), argv.data(), envp.data());
  ::_exit(127);
}

Result<> wait_hook(pid_t pid, const Hook &hook, std::string_view phase) {
  int status = 0;
  if (hook.timeout) {
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    pollfd p{pidfd.get(), POLLIN, 0};
    int n = pidfd ? ::poll(&p, 1, *hook.timeout * 1000) : 1;
    if (n == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return make_error("{} hook {} timed out after {}s", phase, hook.path, *hook.timeout);
    }
  }
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return sys_error("wait for {} hook {}", phase, hook.path);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return {};
  if (WIFSIGNALED(status))
    return make_error("{} hook {} killed by signal {}", phase, hook.path, WTERMSIG(status));
  return make_error("{} hook {} exited with status {}", phase, hook.path, WEXITSTATUS(status));
}

} // namespace

Result<> run_hooks(const std::vector<Hook> &hooks, const std::string &state_json,
                   std::string_view phase) {
  for (const auto &hook : hooks) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0)
      return sys_error("pipe for {} hook", phase);
    UniqueFd rd(fds[0]), wr(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0)
      return sys_error("fork {} hook", phase);
    if (pid == 0)
      exec_hook(hook, rd.get());
    rd.reset();
    // A hook may not read stdin at all: ignore EPIPE (the write is small and atomic).
    ::signal(SIGPIPE, SIG_IGN);
    [[maybe_unused]] auto n = ::write(wr.get(), state_json.data(), state_json.size());
    wr.reset();
    ISOBOX_CHECK(wait_hook(pid, hook, phase));
  }
  return {};
}

} // namespace isobox::oci
