/* wasm_probe: the WASI guest of the OCI Wasm-container tests (clang-14 --target=wasm32-wasi).
 * Modes: hello | args | env NAME | exit N | trap | cat FILE | mkdir DIR | grow | hold MIB | spin |
 *        recurse.
 * Results are key=value lines, as the native probe prints them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errno_name(int e) {
  switch (e) {
  case 0: return "ok";
  case EPERM: return "EPERM";
  case EACCES: return "EACCES";
  case ENOENT: return "ENOENT";
  case EROFS: return "EROFS";
  case ENOTCAPABLE: return "ENOTCAPABLE";
  default: return "other";
  }
}

/* Grows linear memory 1 MiB at a time, touching every host page, until memory.grow fails. */
static int grow(void) {
  int mib = 0;
  for (;;) {
    long old_pages = __builtin_wasm_memory_grow(0, 16);
    if (old_pages < 0)
      break;
    volatile char *base = (volatile char *)(old_pages * 65536);
    for (long off = 0; off < (1 << 20); off += 4096)
      base[off] = 1;
    ++mib;
  }
  printf("grown_mib=%d\n", mib);
  return 0;
}

/* Grows linear memory by MIB MiB, touching every host page, says so, then sleeps until killed
 * (what a container's memory statistics should count). */
static int hold(int mib) {
  long old_pages = __builtin_wasm_memory_grow(0, 16L * mib);
  if (old_pages < 0) {
    printf("held_mib=failed\n");
    return 1;
  }
  for (long off = 0; off < (long)mib << 20; off += 4096)
    ((volatile char *)(old_pages * 65536))[off] = 1;
  printf("held_mib=%d\n", mib);
  fflush(stdout);
  for (;;)
    sleep(1);
}

static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1) + (n & 1); }

static int cat(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("cat=%s\n", errno_name(errno));
    return 1;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    fwrite(buf, 1, n, stdout);
  fclose(f);
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "hello";
  if (!strcmp(mode, "hello"))
    printf("hello from wasm\n");
  else if (!strcmp(mode, "args"))
    for (int i = 0; i < argc; ++i)
      printf("arg%d=%s\n", i, argv[i]);
  else if (!strcmp(mode, "env") && argc > 2)
    printf("env=%s\n", getenv(argv[2]) ? getenv(argv[2]) : "(unset)");
  else if (!strcmp(mode, "exit") && argc > 2)
    exit(atoi(argv[2]));
  else if (!strcmp(mode, "trap"))
    __builtin_trap();
  else if (!strcmp(mode, "cat") && argc > 2)
    return cat(argv[2]);
  else if (!strcmp(mode, "mkdir") && argc > 2)
    printf("mkdir=%s\n", errno_name(mkdir(argv[2], 0755) == 0 ? 0 : errno));
  else if (!strcmp(mode, "grow"))
    return grow();
  else if (!strcmp(mode, "hold") && argc > 2)
    return hold(atoi(argv[2]));
  else if (!strcmp(mode, "spin"))
    for (volatile unsigned i = 0;; ++i) {
    }
  else if (!strcmp(mode, "recurse"))
    printf("depth=%d\n", depth(argc > 2 ? atoi(argv[2]) : 1000000));
  else {
    fprintf(stderr, "wasm_probe: unknown mode %s\n", mode);
    return 2;
  }
  return 0;
}
