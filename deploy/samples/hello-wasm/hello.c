// The sample Wasm workload: prints a line and its arguments, then exits 0 (wasm32-wasi).
#include <stdio.h>

int main(int argc, char **argv) {
  puts("hello from a Wasm pod");
  for (int i = 1; i < argc; ++i)
    printf("arg %d: %s\n", i, argv[i]);
  return 0;
}
