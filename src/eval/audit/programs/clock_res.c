/* Audit program: the timer resolution a side channel could use: the smallest non-zero step of
 * CLOCK_MONOTONIC seen over 100000 reads, reported in nanoseconds. */
#include <time.h>

#include "audit.h"

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  audit_nonce = argv[1];
  long long best = -1;
  struct timespec prev, now;
  clock_gettime(CLOCK_MONOTONIC, &prev);
  for (int i = 0; i < 100000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long d = (now.tv_sec - prev.tv_sec) * 1000000000LL + (now.tv_nsec - prev.tv_nsec);
    if (d > 0 && (best < 0 || d < best))
      best = d;
    prev = now;
  }
  char detail[64];
  snprintf(detail, sizeof detail, "monotonic clock step %lld ns", best);
  audit_ok(detail);
  return 0;
}
