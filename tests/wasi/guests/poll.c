/* poll(): a timeout with no fds (a clock subscription), and readiness of a file and stdout. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  long long t0 = ms_now();
  int n = poll(NULL, 0, 30);
  long long dt = ms_now() - t0;
  printf("poll timeout: n=%d waited>=30ms: %d\n", n, dt >= 29);
  char path[512];
  snprintf(path, sizeof path, "%s/seed.txt", argv[1]);
  int fd = open(path, O_RDONLY);
  struct pollfd p[2] = {{fd, POLLIN, 0}, {1, POLLOUT, 0}};
  n = poll(p, 2, 1000);
  printf("poll fds: n=%d file readable=%d stdout writable=%d\n", n, !!(p[0].revents & POLLIN),
         !!(p[1].revents & POLLOUT));
  close(fd);
  return 0;
}
