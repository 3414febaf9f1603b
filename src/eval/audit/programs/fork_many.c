/* Audit program (native only: WASI has no processes): a fork bomb in a bounded form: forks up to
 * N sleeping children, reports whether a limit (pids cgroup, RLIMIT_NPROC) stopped it first, then
 * kills and reaps them all. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  static pid_t kids[4096];
  const long n = atol(argv[2]) < 4096 ? atol(argv[2]) : 4096;
  long got = 0;
  for (; got < n; got++) {
    pid_t pid = fork();
    if (pid == 0) {
      pause();
      _exit(0);
    }
    if (pid < 0)
      break;
    kids[got] = pid;
  }
  int saved = errno;
  for (long i = 0; i < got; i++)
    kill(kids[i], SIGKILL);
  for (long i = 0; i < got; i++)
    waitpid(kids[i], NULL, 0);
  errno = saved;
  char detail[128];
  snprintf(detail, sizeof detail, "%ld of %ld processes", got, n);
  if (got < n) {
    audit_denied(detail);
    return 1;
  }
  audit_ok(detail);
  return 0;
}
