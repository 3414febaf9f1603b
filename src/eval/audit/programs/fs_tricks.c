/* Audit program: file tricks on host paths from inside the sandbox: a hard link to an outside file
 * read back, an outside file renamed into the writable directory, O_TRUNC on an outside file. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "audit.h"

/* hardlink DIR NAME TARGET: link(TARGET, DIR/NAME), then read DIR/NAME */
static int hardlink(char **argv) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", argv[3], argv[4]);
  unlink(path);
  if (link(argv[5], path) != 0) {
    audit_denied("link");
    return 1;
  }
  return audit_read_file(path) == 0 ? 0 : 1;
}

/* rename FROM DIR NAME: rename(FROM, DIR/NAME) */
static int move_in(char **argv) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", argv[4], argv[5]);
  if (rename(argv[3], path) != 0) {
    audit_denied("rename");
    return 1;
  }
  audit_ok("renamed into the writable directory");
  return 0;
}

/* truncate PATH: open(PATH, O_WRONLY | O_TRUNC) */
static int truncate_file(char **argv) {
  int fd = open(argv[3], O_WRONLY | O_TRUNC);
  if (fd < 0) {
    audit_denied("open O_WRONLY|O_TRUNC");
    return 1;
  }
  close(fd);
  audit_ok("truncated");
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  audit_nonce = argv[1];
  if (!strcmp(argv[2], "hardlink") && argc >= 6)
    return hardlink(argv);
  if (!strcmp(argv[2], "rename") && argc >= 6)
    return move_in(argv);
  if (!strcmp(argv[2], "truncate"))
    return truncate_file(argv);
  return 2;
}
