/* Audit program: reads DIR/NAME over and over for SECONDS while the harness, on the host,
 * keeps swapping it between a decoy file and a symlink to an outside file (the check-then-open
 * race); reports the first content that is not the decoy's. */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 5)
    return 2;
  audit_nonce = argv[1];
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", argv[2], argv[3]);
  static char buf[4096];
  long tries = 0, decoys = 0;
  for (const double end = now_s() + atof(argv[4]); now_s() < end; tries++) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
      continue;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
      continue;
    buf[n] = 0;
    if (strncmp(buf, "decoy", 5) == 0) {
      decoys++;
      continue;
    }
    audit_ok(buf);
    return 0;
  }
  printf("AUDIT %s denied only the decoy was read (%ld of %ld opens) while the link was swapped\n",
         audit_nonce, decoys, tries);
  return 1;
}
