// Test helper: runs a check in a forked child, for confinement that cannot be undone in-process.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

namespace isobox::wasm::embed {

/// Runs `body` in a child process and returns its exit status (-1 if it did not exit).
template <typename F> int in_child(F body) {
  const pid_t pid = ::fork();
  if (pid == 0)
    ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace isobox::wasm::embed
