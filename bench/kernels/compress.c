/* Compression loop: an LZ77-style compressor (hash of 4-byte prefixes, greedy matches) and its
 * decompressor over 256 KiB of repetitive generated text, n round trips; a round trip that does
 * not restore the input returns -1. Checksum = compressed sizes. */
#include "kernel.h"

#define SIZE (256 * 1024)
#define HASH_BITS 14
static unsigned char input[SIZE], packed[SIZE * 2], unpacked[SIZE];
static int table[1 << HASH_BITS];

static void generate(void) {
  static const char *const words[] = {"sandbox ", "container ", "wasm ", "kernel ", "node ", "pod "};
  unsigned s = 9;
  int at = 0;
  while (at < SIZE) {
    const char *w = words[prng_next(&s) % 6];
    while (*w && at < SIZE)
      input[at++] = (unsigned char)*w++;
    if (prng_next(&s) % 8 == 0 && at < SIZE)
      input[at++] = (unsigned char)('0' + prng_next(&s) % 10);
  }
}

static unsigned hash4(const unsigned char *p) {
  unsigned v = p[0] | (p[1] << 8) | (p[2] << 16) | ((unsigned)p[3] << 24);
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Token: literal byte b < 128 as [b]; match as [128 | len-4][dist lo][dist hi]. */
static int compress(void) {
  for (int i = 0; i < (1 << HASH_BITS); i++)
    table[i] = -1;
  int out = 0, i = 0;
  while (i < SIZE) {
    int len = 0, dist = 0;
    if (i + 4 <= SIZE) {
      unsigned h = hash4(input + i);
      int cand = table[h];
      table[h] = i;
      if (cand >= 0 && i - cand < 65536)
        while (len < 131 && i + len < SIZE && input[cand + len] == input[i + len])
          len++;
      dist = i - cand;
    }
    if (len >= 4) {
      packed[out++] = (unsigned char)(128 | (len - 4));
      packed[out++] = (unsigned char)(dist & 255);
      packed[out++] = (unsigned char)(dist >> 8);
      i += len;
    } else {
      packed[out++] = input[i++];
    }
  }
  return out;
}

static int decompress(int size) {
  int out = 0;
  for (int i = 0; i < size;) {
    unsigned char t = packed[i++];
    if (t < 128) {
      unpacked[out++] = t;
      continue;
    }
    int len = (t & 127) + 4, dist = packed[i] | (packed[i + 1] << 8);
    i += 2;
    for (int k = 0; k < len; k++, out++)
      unpacked[out] = unpacked[out - dist];
  }
  return out;
}

KERNEL_EXPORT("run") int run(int n) {
  generate();
  unsigned check = 0;
  for (int r = 0; r < n; r++) {
    input[r % SIZE] = (unsigned char)('a' + r % 26);
    int size = compress();
    if (decompress(size) != SIZE)
      return -1;
    for (int i = 0; i < SIZE; i++)
      if (unpacked[i] != input[i])
        return -1;
    check = check * 31 + (unsigned)size;
  }
  return (int)check;
}
