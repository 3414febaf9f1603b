/* I/O workload: creates argv[1] small files (1 KiB each) in DIR = argv[2], reads each back,
 * deletes them, and prints a checksum of what was read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  int count = atoi(argv[1]);
  char path[4096], data[1024];
  unsigned sum = 0;
  for (int i = 0; i < count; i++) {
    snprintf(path, sizeof path, "%s/small-%d.txt", argv[2], i);
    memset(data, 'A' + i % 26, sizeof data);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, sizeof data, f) != sizeof data || fclose(f) != 0)
      return perror(path), 3;
  }
  for (int i = 0; i < count; i++) {
    snprintf(path, sizeof path, "%s/small-%d.txt", argv[2], i);
    FILE *f = fopen(path, "rb");
    if (!f || fread(data, 1, sizeof data, f) != sizeof data)
      return perror(path), 4;
    fclose(f);
    sum = sum * 31 + (unsigned char)data[i % sizeof data];
    remove(path);
  }
  printf("%u\n", sum);
  return 0;
}
