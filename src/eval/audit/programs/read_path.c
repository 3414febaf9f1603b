/* Audit program: reads the file whose path is argv[2..] joined (canary, `..` walk, /proc roots). */
#include "audit.h"

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  char path[4096] = "";
  for (int i = 2; i < argc; i++)
    strncat(path, argv[i], sizeof path - strlen(path) - 1);
  return audit_read_file(path) == 0 ? 0 : 1;
}
