/* Audit program: unbounded native recursion (deep recursion exhaustion). Natively a child recurses
 * with 1 KiB frames under the stack limit it inherited from the sandbox (lowered to a 64 MiB bound
 * when it is larger or unlimited, so the host is never harmed) while the parent watches its depth;
 * "denied" = the sandbox's limit stopped it (SIGSEGV at the guard page), "ok" = only the bound
 * did. In Wasm the same recursion runs in the engine, whose call-depth limit or memory bounds
 * must trap it (the program never reports). */
#include <stdlib.h>

#include "audit.h"

#define BOUND (64L << 20)

static volatile long *depth;

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static long recurse(long n) {
  volatile char frame[1024];
  frame[0] = (char)n;
  *depth = n;
  return recurse(n + 1) + frame[0];
}

#ifdef __wasi__
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  audit_nonce = argv[1];
  static long d;
  depth = &d;
  return (int)recurse(0);
}
#else
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  audit_nonce = argv[1];
  depth = mmap(NULL, sizeof *depth, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  struct rlimit lim;
  getrlimit(RLIMIT_STACK, &lim);
  const int bounded = lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur > (rlim_t)BOUND;
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_DUMPABLE, 0); /* no core dump of the expected SIGSEGV */
    if (bounded) {
      lim.rlim_cur = BOUND;
      setrlimit(RLIMIT_STACK, &lim);
    }
    _exit((int)recurse(0));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  char detail[256];
  snprintf(detail, sizeof detail, "%s after %ld frames of 1 KiB (%s %ld KiB), the parent answered",
           WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited", *depth,
           bounded ? "no sandbox limit, the program's own bound" : "the sandbox's RLIMIT_STACK",
           (long)(bounded ? BOUND : (long)lim.rlim_cur) / 1024);
  if (bounded) {
    audit_ok(detail);
    return 0;
  }
  printf("AUDIT %s denied %s\n", audit_nonce, detail);
  fflush(stdout);
  return 1;
}
#endif
