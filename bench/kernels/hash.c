/* Hashing over memory: FNV-1a over bytes plus a 32-bit multiply/rotate mix over words of a 1 MiB
 * PRNG buffer, repeated n times. */
#include "kernel.h"

#define BUF_SIZE (1024 * 1024)
static unsigned buffer[BUF_SIZE / 4];

static unsigned rotl(unsigned x, int r) { return (x << r) | (x >> (32 - r)); }

static unsigned fnv1a(const unsigned char *p, int len, unsigned h) {
  for (int i = 0; i < len; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static unsigned mix_words(const unsigned *p, int words, unsigned h) {
  for (int i = 0; i < words; i++)
    h = rotl(h ^ (p[i] * 2246822519u), 13) * 2654435761u;
  return h ^ (h >> 15);
}

KERNEL_EXPORT("run") int run(int n) {
  unsigned s = 99;
  for (int i = 0; i < BUF_SIZE / 4; i++)
    buffer[i] = prng_next(&s);
  unsigned h = 2166136261u;
  for (int r = 0; r < n; r++) {
    h = fnv1a((const unsigned char *)buffer, BUF_SIZE, h);
    h = mix_words(buffer, BUF_SIZE / 4, h);
    buffer[r % (BUF_SIZE / 4)] ^= h;
  }
  return (int)h;
}
