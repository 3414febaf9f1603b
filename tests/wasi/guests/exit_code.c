/* Exit codes: `exit N` returns N from main's caller; `abort` traps (Wasm) / SIGABRT (native). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 2)
    return 0;
  printf("mode %s\n", argv[1]);
  fflush(stdout);
  if (strcmp(argv[1], "abort") == 0)
    abort();
  exit(atoi(argv[1]));
}
