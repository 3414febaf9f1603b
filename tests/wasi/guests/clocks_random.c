/* Clocks (realtime, monotonic, process/thread CPU time), sleeping and random bytes. Prints
 * only facts that hold on every run, so native and Wasm output compare equal. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0)
    return -1;
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  long long r = ns(CLOCK_REALTIME);
  printf("realtime after 2020: %d\n", r > 1577836800LL * 1000000000LL);
  long long m0 = ns(CLOCK_MONOTONIC);
  struct timespec sleep = {0, 20 * 1000 * 1000};
  nanosleep(&sleep, NULL);
  long long m1 = ns(CLOCK_MONOTONIC);
  printf("monotonic advanced >= 20ms: %d\n", m1 - m0 >= 20000000LL);
  printf("monotonic advanced < 5s: %d\n", m1 - m0 < 5000000000LL);
  volatile unsigned long x = 0;
  long long c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
  for (unsigned long i = 0; i < 3000000; ++i)
    x += i;
  long long c1 = ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("process cputime works: %d\n", c0 >= 0 && c1 > c0);
  printf("thread cputime works: %d\n", ns(CLOCK_THREAD_CPUTIME_ID) >= 0);
  struct timespec res;
  printf("monotonic resolution ok: %d\n",
         clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0);
  unsigned char a[64], b[64];
  getentropy(a, sizeof a);
  getentropy(b, sizeof b);
  int distinct = 0;
  for (int i = 0; i < 64; ++i)
    distinct += a[i] != b[i];
  printf("random buffers differ: %d\n", memcmp(a, b, sizeof a) != 0 && distinct > 32);
  return 0;
}
