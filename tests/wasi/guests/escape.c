/* Escape attempts from inside the guest (Wasm only): each must fail; prints one line per try
 * and exits 0 only if every attempt was blocked and nothing was created outside. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_util.h"

static int escaped = 0;
static void must_fail(const char *what, int rc) {
  printf("%s: %s (%s)\n", what, rc < 0 ? "blocked" : "ESCAPED", rc < 0 ? errname(errno) : "-");
  escaped += rc >= 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  char p[512];
  const char *base = argv[1];
  must_fail("open /etc/passwd", open("/etc/passwd", O_RDONLY));
  snprintf(p, sizeof p, "%s/../outside/secret", base);
  must_fail("open ../outside/secret", open(p, O_RDONLY));
  snprintf(p, sizeof p, "%s/etc", base);
  symlink("/etc", p);
  snprintf(p, sizeof p, "%s/etc/passwd", base);
  must_fail("open guest symlink to /etc", open(p, O_RDONLY));
  snprintf(p, sizeof p, "%s/hostlink/secret", base);
  must_fail("open host symlink out", open(p, O_RDONLY));
  snprintf(p, sizeof p, "%s/hostlink/planted", base);
  must_fail("create through host symlink", open(p, O_CREAT | O_WRONLY, 0644));
  snprintf(p, sizeof p, "%s/hostlink/", base);
  struct stat st;
  must_fail("stat host symlink with slash", stat(p, &st));
  snprintf(p, sizeof p, "%s/../outside/newdir", base);
  must_fail("mkdir ../outside/newdir", mkdir(p, 0755));
  must_fail("open /proc/self/root/etc/passwd", open("/proc/self/root/etc/passwd", O_RDONLY));
  char buf[8];
  must_fail("read fd 57", (int)read(57, buf, sizeof buf));
  printf("escaped=%d\n", escaped);
  return escaped ? 1 : 0;
}
