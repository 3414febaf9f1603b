/* Audit program: chmod(DIR/NAME, 0777) (native only: WASI preview1 has no call that changes a
 * file's mode). */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"

/* chmod_path NONCE DIR NAME */
int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  audit_nonce = argv[1];
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", argv[2], argv[3]);
  if (access(path, R_OK) != 0) { /* absent is no refusal: no report, the verdict is "error" */
    fprintf(stderr, "chmod_path: %s is not readable: %s\n", path, strerror(errno));
    return 3;
  }
  if (chmod(path, 0777) != 0) {
    audit_denied("chmod");
    return 1;
  }
  audit_ok("chmod 0777");
  return 0;
}
