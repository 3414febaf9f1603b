/* Audit program: resource exhaustion in a bounded form (the host is never harmed): takes memory,
 * fds or disk up to a fixed bound and reports whether a limit stopped it first. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit.h"

int exhaust_report(long got, long bound, const char *unit) {
  char detail[128];
  if (got >= bound) {
    snprintf(detail, sizeof detail, "reached the bound: %ld %s, no limit stopped it", got, unit);
    audit_ok(detail);
    return 0;
  }
  snprintf(detail, sizeof detail, "stopped at %ld of %ld %s", got, bound, unit);
  audit_denied(detail);
  return 1;
}

/* Touches every page of `mib` MiB, 1 MiB at a time. */
static int memory(long mib) {
  long got = 0;
  for (; got < mib; got++) {
    char *p = malloc(1 << 20);
    if (!p)
      break;
    memset(p, 1, 1 << 20);
  }
  return exhaust_report(got, mib, "MiB");
}

/* Opens `n` fds on the writable directory's file. */
static int fds(const char *dir, long n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/audit-fds", dir);
  long got = 0;
  for (; got < n; got++)
    if (open(path, O_RDONLY | O_CREAT, 0600) < 0)
      break;
  return exhaust_report(got, n, "fds");
}

/* Writes `mib` MiB into the writable directory (removed by the harness afterwards). */
static int disk(const char *dir, long mib) {
  char path[4096];
  snprintf(path, sizeof path, "%s/audit-fill", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  static char block[1 << 20];
  long got = 0;
  for (; fd >= 0 && got < mib; got++)
    if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
      break;
  if (fd >= 0)
    close(fd);
  unlink(path);
  return exhaust_report(got, mib, "MiB");
}

int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  audit_nonce = argv[1];
  const char *mode = argv[2];
  if (!strcmp(mode, "memory"))
    return memory(atol(argv[3]));
  if (!strcmp(mode, "fds") && argc >= 5)
    return fds(argv[3], atol(argv[4]));
  if (!strcmp(mode, "disk") && argc >= 5)
    return disk(argv[3], atol(argv[4]));
  return 2;
}
