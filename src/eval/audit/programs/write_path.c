/* Audit program: creates (write) or deletes (unlink) the file argv[3] outside the sandbox. */
#include <fcntl.h>
#include <unistd.h>

#include "audit.h"

int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  audit_nonce = argv[1];
  if (strcmp(argv[2], "unlink") == 0) {
    if (unlink(argv[3]) != 0) {
      audit_denied("unlink");
      return 1;
    }
    audit_ok("unlinked");
    return 0;
  }
  int fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, argv[1], strlen(argv[1])) < 0) {
    audit_denied("open for writing");
    return 1;
  }
  close(fd);
  audit_ok("written");
  return 0;
}
