// Hook execution: one child per hook in its own process group, the state fed through a
// non-blocking pipe under the hook's deadline, which covers the write and the wait alike.
#include "oci/container/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "common/log.hpp"
#include "common/unique_fd.hpp"

namespace isobox::oci {
namespace {

using Clock = std::chrono::steady_clock;

// Without a pidfd (pidfd_open failed, e.g. ENOSYS before Linux 5.3) the wait polls this often.
constexpr int kTickMs = 10;

struct HookRun {
  const Hook &hook;
  pid_t pid;
  UniqueFd pidfd; // invalid when pidfd_open failed: supervise ticks instead
  UniqueFd input; // non-blocking write end of the hook's stdin, closed once all is written
  std::string_view data;
  size_t written = 0;
  std::optional<Clock::time_point> deadline;
};

// SIGPIPE ignored while a hook's stdin is fed (it may close it early); the previous disposition
// comes back afterwards, so an ignored SIGPIPE never reaches a process exec'd later (the init
// runs createContainer and startContainer hooks, then execs the container's process).
class SigpipeIgnored {
public:
  SigpipeIgnored() {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ign, &m_old);
  }
  ~SigpipeIgnored() { ::sigaction(SIGPIPE, &m_old, nullptr); }
  SigpipeIgnored(const SigpipeIgnored &) = delete;
  SigpipeIgnored &operator=(const SigpipeIgnored &) = delete;

private:
  struct sigaction m_old {};
};

[[noreturn]] void exec_hook(const Hook &hook, int stdin_fd) {
  ::setpgid(0, 0); // its own group: a timeout kills everything the hook started
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

UniqueFd open_pidfd(pid_t pid) {
  UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!fd)
    log::debug("pidfd_open: {}: hook deadline checked every {} ms", errno_name(errno), kTickMs);
  return fd;
}

// How long poll may sleep: until the deadline (rounded up), at most a tick without a pidfd.
int poll_timeout(const HookRun &r) {
  int ms = -1;
  if (r.deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*r.deadline - Clock::now()).count();
    ms = static_cast<int>(std::clamp<long long>(left, 0, 1LL << 30));
  }
  if (!r.pidfd)
    ms = ms < 0 ? kTickMs : std::min(ms, kTickMs);
  return ms;
}

// Writes what the pipe takes now; a hook that exits or closes its stdin early ends the feed.
void feed(HookRun &r) {
  while (r.written < r.data.size()) {
    ssize_t n = ::write(r.input.get(), r.data.data() + r.written, r.data.size() - r.written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return;
    if (n <= 0)
      break; // EPIPE: the hook does not read
    r.written += static_cast<size_t>(n);
  }
  r.input.reset(); // everything written (or unwanted): EOF for the hook
}

// True once the hook exited (status filled), false when its deadline passed first.
Result<bool> supervise(HookRun &r, int &status) {
  for (;;) {
    pid_t w = ::waitpid(r.pid, &status, WNOHANG);
    if (w == r.pid)
      return true;
    if (w < 0 && errno != EINTR)
      return sys_error("wait for hook {}", r.hook.path);
    if (r.deadline && Clock::now() >= *r.deadline)
      return false;
    pollfd fds[2];
    nfds_t n = 0;
    if (r.input)
      fds[n++] = {r.input.get(), POLLOUT, 0};
    if (r.pidfd)
      fds[n++] = {r.pidfd.get(), POLLIN, 0};
    if (::poll(fds, n, poll_timeout(r)) < 0 && errno != EINTR)
      return sys_error("poll for hook {}", r.hook.path);
    if (r.input)
      feed(r);
  }
}

void kill_and_reap(pid_t pid, int &status) {
  ::kill(-pid, SIGKILL); // the whole group: the hook's own children too
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

Result<> exit_result(int status, const Hook &hook, std::string_view phase) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return {};
  if (WIFSIGNALED(status))
    return make_error("{} hook {} killed by signal {}", phase, hook.path, WTERMSIG(status));
  return make_error("{} hook {} exited with status {}", phase, hook.path, WEXITSTATUS(status));
}

Result<> run_hook(const Hook &hook, const std::string &state_json, std::string_view phase) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0)
    return sys_error("pipe for {} hook", phase);
  UniqueFd rd(fds[0]), wr(fds[1]);
  if (::fcntl(wr.get(), F_SETFL, O_NONBLOCK) < 0)
    return sys_error("pipe for {} hook", phase);
  pid_t pid = ::fork();
  if (pid < 0)
    return sys_error("fork {} hook", phase);
  if (pid == 0)
    exec_hook(hook, rd.get());
  ::setpgid(pid, pid); // also done by the child: the group exists whichever runs first
  rd.reset();
  SigpipeIgnored guard;
  HookRun run{hook, pid, open_pidfd(pid), std::move(wr), state_json, 0, std::nullopt};
  if (hook.timeout)
    run.deadline = Clock::now() + std::chrono::seconds(*hook.timeout);
  int status = 0;
  auto exited = supervise(run, status);
  if (!exited || !*exited)
    kill_and_reap(pid, status);
  if (!exited)
    return std::unexpected(exited.error().wrap(std::string(phase) + " hook"));
  if (!*exited)
    return make_error("{} hook {} timed out after {}s", phase, hook.path, *hook.timeout);
  return exit_result(status, hook, phase);
}

} // namespace

Result<> run_hooks(const std::vector<Hook> &hooks, const std::string &state_json,
                   std::string_view phase) {
  for (const auto &hook : hooks)
    ISOBOX_CHECK(run_hook(hook, state_json, phase));
  return {};
}

void run_hooks_warn(const std::vector<Hook> &hooks, const std::string &state_json,
                    std::string_view phase) {
  for (const auto &hook : hooks) {
    if (auto r = run_hook(hook, state_json, phase); !r)
      log::warn("{}", r.error().message);
  }
}

} // namespace isobox::oci
