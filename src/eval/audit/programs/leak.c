/* Audit program: prints what it can learn of the host: hostname, kernel release, environment. */
#include <stdlib.h>
#ifndef __wasi__
#include <sys/utsname.h>
#endif

#include "audit.h"

extern char **environ;

static void print_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f)
    return;
  char buf[256];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  printf("%s: %s\n", path, buf);
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  if (strcmp(argv[2], "env") == 0) {
    for (char **e = environ; e && *e; e++)
      printf("env: %s\n", *e);
  } else {
#ifndef __wasi__
    struct utsname u;
    if (uname(&u) == 0)
      printf("uname: %s %s %s\n", u.nodename, u.release, u.version);
#endif
    print_file("/proc/sys/kernel/hostname");
    print_file("/etc/hostname");
    print_file("/proc/version");
    print_file("/proc/sys/kernel/osrelease");
  }
  audit_ok("printed what was visible");
  return 0;
}
