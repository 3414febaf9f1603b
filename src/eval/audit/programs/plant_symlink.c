/* Audit program: plants symlink DIR/NAME -> TARGET inside its writable directory, reads through it.
 */
#include <unistd.h>

#include "audit.h"

int main(int argc, char **argv) {
  if (argc < 5)
    return 2;
  audit_nonce = argv[1];
  char link[4096];
  snprintf(link, sizeof link, "%s/%s", argv[2], argv[3]);
  unlink(link);
  if (symlink(argv[4], link) != 0) {
    audit_denied("symlink");
    return 1;
  }
  return audit_read_file(link) == 0 ? 0 : 1;
}
