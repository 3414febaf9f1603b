/* Audit program (native only: WASI preview1 has no connect): connects to a TCP listener the
 * harness bound on the host's loopback and sends the nonce. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit.h"

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    audit_denied("connect to 127.0.0.1");
    return 1;
  }
  if (write(fd, argv[1], strlen(argv[1])) < 0) {
    audit_denied("write");
    return 1;
  }
  close(fd);
  audit_ok("connected and sent the nonce");
  return 0;
}
