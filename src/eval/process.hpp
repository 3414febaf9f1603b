// Runs a backend's command as a child process: wall time, exit status, output, rusage.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace isobox::eval {

/// One command line; `cwd` empty = the harness's working directory.
struct Command {
  std::vector<std::string> argv;
  std::string cwd;
};

/// How one run ended. `seconds` spans spawn to reaped; `max_rss_kib` is wait4's ru_maxrss
/// (the child and the descendants it waited for).
struct RunResult {
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  double seconds = 0;
  long max_rss_kib = 0;
  std::string out;
  std::string err;
};

/// Runs `cmd` with stdin from /dev/null, capturing stdout and stderr, killing its process
/// group after `timeout_s`. Errors only when the process cannot be started. With `probe` (the
/// rusage_exec helper), the command runs under it and `max_rss_kib` is the one it reports,
/// free of the harness's own RSS (timing runs do not use it: it adds an exec).
Result<RunResult> run_command(const Command &cmd, double timeout_s, const std::string &probe = "");

/// A child left running (density): its pid, the write end of its stdin, the read end of its
/// stdout. The child has its own process group.
struct RunningChild {
  pid_t pid = -1;
  UniqueFd stdin_w;
  UniqueFd stdout_r;
};
Result<RunningChild> spawn_child(const Command &cmd);

/// Reads from `fd` until `needle` appears or `timeout_s` passes; the text read so far.
Result<std::string> read_until(int fd, const std::string &needle, double timeout_s);

/// Closes the child's stdin, waits up to `timeout_s` for it to exit, then kills its group.
void finish_child(RunningChild &child, double timeout_s);

/// The command as one shell-quoted line (for the report).
std::string shell_join(const std::vector<std::string> &argv);

} // namespace isobox::eval
