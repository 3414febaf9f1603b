// Runs a backend's command as a child process: wall time, exit status, output, rusage.
#include "eval/process.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

namespace isobox::eval {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return sys_error("pipe2");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Spawns argv with the given fds as stdin/stdout/stderr (and fd 3 when >= 0), in a new
// process group.
Result<pid_t> spawn(const Command &cmd, int in, int out, int err, int fd3 = -1) {
  if (cmd.argv.empty())
    return make_error("empty command");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  if (fd3 >= 0)
    posix_spawn_file_actions_adddup2(&actions, fd3, 3);
  if (!cmd.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&actions, cmd.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char *> argv;
  for (const auto &a : cmd.argv)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return make_error("spawn {}: {}", cmd.argv[0], errno_name(rc));
  return pid;
}

// Drains both pipes until EOF on both or the deadline; returns false on timeout.
bool drain(int out_fd, int err_fd, std::string &out, std::string &err, Clock::time_point t0,
           double timeout_s) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string *bufs[2] = {&out, &err};
  int open = 2;
  char chunk[4096];
  while (open > 0) {
    const double left = timeout_s - since(t0);
    if (left <= 0)
      return false;
    if (::poll(fds, 2, static_cast<int>(left * 1000) + 1) < 0 && errno != EINTR)
      return false;
    for (int i = 0; i < 2; i++) {
      if (fds[i].fd < 0 || fds[i].revents == 0)
        continue;
      const ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n > 0 && bufs[i]->size() < (1u << 20))
        bufs[i]->append(chunk, static_cast<std::size_t>(n));
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        fds[i].fd = -1, open--;
    }
  }
  return true;
}

} // namespace

Result<RunResult> run_command(const Command &cmd, double timeout_s, const std::string &probe) {
  UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_in)
    return sys_error("open /dev/null");
  auto out = ISOBOX_TRY(make_pipe());
  auto err = ISOBOX_TRY(make_pipe());
  auto report = ISOBOX_TRY(make_pipe());
  Command run = cmd;
  if (!probe.empty())
    run.argv.insert(run.argv.begin(), probe);
  const auto t0 = Clock::now();
  const pid_t pid = ISOBOX_TRY(spawn(run, null_in.get(), out.write.get(), err.write.get(),
                                     probe.empty() ? -1 : report.write.get()));
  out.write.reset(), err.write.reset(), report.write.reset();
  RunResult r;
  if (!drain(out.read.get(), err.read.get(), r.out, r.err, t0, timeout_s)) {
    r.timed_out = true;
    ::kill(-pid, SIGKILL);
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  r.seconds = since(t0);
  r.max_rss_kib = usage.ru_maxrss;
  if (!probe.empty()) {
    char text[64] = {};
    const ssize_t n = ::read(report.read.get(), text, sizeof text - 1);
    long kib = 0;
    r.max_rss_kib = n > 0 && std::sscanf(text, "maxrss_kib %ld", &kib) == 1 ? kib : 0;
  }
  if (WIFEXITED(status))
    r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r.signal = WTERMSIG(status);
  return r;
}

Result<RunningChild> spawn_child(const Command &cmd) {
  auto in = ISOBOX_TRY(make_pipe());
  auto out = ISOBOX_TRY(make_pipe());
  UniqueFd null_err(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  RunningChild child;
  child.pid = ISOBOX_TRY(spawn(cmd, in.read.get(), out.write.get(), null_err.get()));
  child.stdin_w = std::move(in.write);
  child.stdout_r = std::move(out.read);
  return child;
}

Result<std::string> read_until(int fd, const std::string &needle, double timeout_s) {
  const auto t0 = Clock::now();
  std::string text;
  char chunk[1024];
  while (text.find(needle) == std::string::npos) {
    const double left = timeout_s - since(t0);
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0)
      return make_error("no '{}' within {:.0f} s (got '{}')", needle, timeout_s, text);
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0)
      return make_error("output ended before '{}' (got '{}')", needle, text);
    text.append(chunk, static_cast<std::size_t>(n));
  }
  return text;
}

void finish_child(RunningChild &child, double timeout_s) {
  if (child.pid <= 0)
    return;
  child.stdin_w.reset();
  const auto t0 = Clock::now();
  int status = 0;
  while (::waitpid(child.pid, &status, WNOHANG) == 0) {
    if (since(t0) > timeout_s) {
      ::kill(-child.pid, SIGKILL);
      ::waitpid(child.pid, &status, 0);
      break;
    }
    ::usleep(2000);
  }
  child.pid = -1;
}

std::string shell_join(const std::vector<std::string> &argv) {
  std::string line;
  for (const auto &a : argv) {
    if (!line.empty())
      line += ' ';
    const bool plain =
        !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
                                          "NOPQRSTUVWXYZ0123456789-_./=:,@+%") == std::string::npos;
    if (plain) {
      line += a;
      continue;
    }
    line += '\'';
    for (char c : a)
      line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

} // namespace isobox::eval
