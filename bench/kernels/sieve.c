/* Sieve of Eratosthenes over 4 M bytes, repeated n times: byte loads/stores in tight loops. */
#include "kernel.h"

#define SIEVE_SIZE (4 * 1024 * 1024)
static unsigned char composite[SIEVE_SIZE];

static int sieve(void) {
  for (int i = 0; i < SIEVE_SIZE; i++)
    composite[i] = 0;
  int count = 0;
  for (int i = 2; i < SIEVE_SIZE; i++) {
    if (composite[i])
      continue;
    count++;
    for (int j = 2 * i; j < SIEVE_SIZE; j += i)
      composite[j] = 1;
  }
  return count;
}

KERNEL_EXPORT("run") int run(int n) {
  int total = 0;
  for (int r = 0; r < n; r++)
    total += sieve();
  return total;
}
