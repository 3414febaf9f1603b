/* I/O workload: writes argv[1] MiB to DIR/big.dat in 64 KiB chunks, reads it back, deletes it and
 * prints a checksum of what was read (DIR = argv[2]). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char chunk[65536];

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  int mib = atoi(argv[1]);
  char path[4096];
  snprintf(path, sizeof path, "%s/big.dat", argv[2]);
  FILE *f = fopen(path, "wb");
  if (!f)
    return perror(path), 3;
  for (int i = 0; i < mib * 16; i++) {
    memset(chunk, 'a' + i % 26, sizeof chunk);
    chunk[i % sizeof chunk] = (unsigned char)i;
    if (fwrite(chunk, 1, sizeof chunk, f) != sizeof chunk)
      return perror("write"), 4;
  }
  if (fclose(f) != 0 || !(f = fopen(path, "rb")))
    return perror(path), 5;
  unsigned sum = 0;
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
    for (size_t i = 0; i < got; i += 16)
      sum = sum * 31 + chunk[i];
  fclose(f);
  remove(path);
  printf("%u\n", sum);
  return 0;
}
