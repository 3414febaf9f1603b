/* Wasm only: accepts one connection on the pre-opened listening socket (fd 3, from
 * `isobox wasm run --tcp-listen`), reads a line, sends it back upper-cased, shuts down. */
#include <ctype.h>
#include <stdio.h>
#include <sys/socket.h>
#include <wasi/api.h>

int main(void) {
  __wasi_fd_t conn;
  __wasi_errno_t err = __wasi_sock_accept(3, 0, &conn);
  if (err != 0) {
    printf("sock_accept: errno %d\n", err);
    return 1;
  }
  char buf[256];
  ssize_t n = recv(conn, buf, sizeof buf, 0);
  if (n < 0) {
    printf("recv failed\n");
    return 1;
  }
  for (ssize_t i = 0; i < n; ++i)
    buf[i] = (char)toupper((unsigned char)buf[i]);
  if (send(conn, buf, (size_t)n, 0) != n) {
    printf("send failed\n");
    return 1;
  }
  shutdown(conn, SHUT_RDWR);
  printf("served %zd bytes\n", n);
  return 0;
}
