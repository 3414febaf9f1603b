/* The harness's memory probe: runs argv[1..] as a child, waits for it, and writes
 * "maxrss_kib N" (the child's wait4 ru_maxrss) to fd 3, then exits with the child's status.
 * A child of the large harness process would report at least the harness's own RSS (Linux
 * records the old address space's high-water mark at exec, and posix_spawn shares it); a child
 * of this small static program reports its own peak. */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2)
    return 125;
  pid_t pid = vfork();
  if (pid < 0)
    return 126;
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) < 0)
    return 126;
  dprintf(3, "maxrss_kib %ld\n", usage.ru_maxrss);
  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 126;
}
