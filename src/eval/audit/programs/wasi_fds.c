/* Audit program (wasm32-wasi only): WASI fd confusion: read a closed fd; renumber stdout onto the
 * preopen and open a host path through the number the preopen had. */
#include <fcntl.h>
#include <unistd.h>
#include <wasi/api.h>

#include "audit.h"

/* The first preopened directory's fd (3 under every engine seen so far). */
static __wasi_fd_t first_preopen(void) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t p;
    if (__wasi_fd_prestat_get(fd, &p) == 0)
      return fd;
  }
  return 3;
}

static int read_closed(void) {
  __wasi_fd_t pre = first_preopen();
  __wasi_fd_t fd;
  if (__wasi_path_open(pre, 0, "audit-closed", __WASI_OFLAGS_CREAT,
                       __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd) != 0 ||
      __wasi_fd_close(fd) != 0)
    return 2;
  char buf[16];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &n);
  if (e == 0) {
    audit_ok("read a closed fd");
    return 0;
  }
  errno = e;
  audit_denied("fd_read of a closed fd");
  return 1;
}

/* fd_renumber(1, preopen) then path_open(preopen, TARGET): the preopen's number now names
 * stdout, so the open must fail (ENOTDIR/EBADF), never resolve against a host directory. */
static int renumber_preopen(const char *target) {
  __wasi_fd_t pre = first_preopen();
  if (__wasi_fd_renumber(1, pre) != 0) {
    errno = EBADF;
    audit_denied("fd_renumber");
    return 1;
  }
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(pre, 0, target[0] == '/' ? target + 1 : target, 0,
                                      __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  /* stdout now has the preopen's number: the report goes there. */
  char line[256];
  int len = e == 0 ? snprintf(line, sizeof line, "AUDIT %s ok opened %s\n", audit_nonce, target)
                   : snprintf(line, sizeof line,
                              "AUDIT %s denied path_open on the renumbered "
                              "fd: %s\n",
                              audit_nonce, strerror(e));
  __wasi_ciovec_t iov = {(const uint8_t *)line, (size_t)len};
  __wasi_size_t n;
  if (__wasi_fd_write(pre, &iov, 1, &n) != 0)
    return 3;
  return e == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  if (!strcmp(argv[2], "closed"))
    return read_closed();
  if (!strcmp(argv[2], "renumber") && argc >= 4)
    return renumber_preopen(argv[3]);
  return 2;
}
