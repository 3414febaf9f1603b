/* Host tool: writes the audit's malformed Wasm modules (aimed at the decoder) into a directory:
 * malformed_section.wasm (a section claiming 4 GiB), malformed_vector.wasm (a type vector of
 * 2^32-1 entries in a 10-byte section) and malformed_leb.wasm (an over-long LEB128). */
#include <stdio.h>

static int write_module(const char *dir, const char *name, const unsigned char *bytes, size_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) {
    perror(path);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  static const unsigned char section[] = {0,    'a',  's',  'm',  1,    0,    0, 0, 1,
                                          0xff, 0xff, 0xff, 0xff, 0x0f, 0x60, 0, 0};
  static const unsigned char vector[] = {0, 'a',  's',  'm',  1,    0,    0,    0, 1,
                                         6, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x60, 0, 0};
  static const unsigned char leb[] = {0,    'a',  's',  'm',  1,    0,    0, 0,    1, 0x86,
                                      0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 1, 0x60, 0, 0};
  return write_module(argv[1], "malformed_section", section, sizeof section) |
         write_module(argv[1], "malformed_vector", vector, sizeof vector) |
         write_module(argv[1], "malformed_leb", leb, sizeof leb);
}
