/* Density workload: an idle instance. Prints "ready", then blocks reading stdin until EOF and
 * prints "idle ok", so the harness can hold many instances open and count their memory. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  puts("ready");
  fflush(stdout);
  char buf[256];
  while (read(0, buf, sizeof buf) > 0) {
  }
  puts("idle ok");
  return 0;
}
