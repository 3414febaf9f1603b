/* Memory workload: allocates argv[1] MiB, touches every page, and prints a checksum of a
 * pass over the block (peak RSS is what the harness reads). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  size_t size = (size_t)atoi(argv[1]) << 20;
  unsigned char *block = malloc(size);
  if (!block)
    return 3;
  for (size_t i = 0; i < size; i++)
    block[i] = (unsigned char)(i * 7 + (i >> 12));
  unsigned sum = 0;
  for (size_t i = 0; i < size; i += 64)
    sum = sum * 31 + block[i];
  printf("%u\n", sum);
  free(block);
  return 0;
}
