/* Audit program: changes aimed at the read-only grant RO (which holds `file` and `sub/`), alone
 * or together with the writable directory DIR: O_TRUNC, write, append, unlink, rename, mkdir,
 * utimes on RO's file; rename and hard link from one grant into the other. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"

static char ro_file[4096], dir_name[4096], ro_name[4096];

static int report(int rc, const char *what) {
  if (rc != 0) {
    audit_denied(what);
    return 1;
  }
  audit_ok(what);
  return 0;
}

/* open RO/file with `flags`, and write when asked */
static int open_file(int flags, int write_it, const char *what) {
  int fd = open(ro_file, flags);
  if (fd < 0)
    return report(-1, what);
  int rc = write_it && write(fd, "overwritten\n", 12) != 12 ? -1 : 0;
  close(fd);
  return report(rc, what);
}

/* The harness error (no report line: the verdict is "error"): the scenario could not be set up. */
static int setup_failed(const char *what) {
  fprintf(stderr, "ro_grant: %s: %s\n", what, strerror(errno));
  return 3;
}

/* a new file DIR/NAME holding one line */
static int make_file(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return -1;
  int rc = write(fd, "planted\n", 8) == 8 ? 0 : -1;
  close(fd);
  return rc;
}

/* link(RO/file, DIR/NAME), then write through the new name */
static int link_out(void) {
  if (link(ro_file, dir_name) != 0)
    return report(-1, "link read-only file into the writable directory");
  int fd = open(dir_name, O_WRONLY | O_APPEND);
  int rc = fd >= 0 && write(fd, "through the link\n", 17) == 17 ? 0 : -1;
  if (fd >= 0)
    close(fd);
  return report(rc, "write through the link in the writable directory");
}

static int cross(const char *op) {
  if (!strcmp(op, "rename_out"))
    return report(rename(ro_file, dir_name), "rename read-only file out");
  if (!strcmp(op, "link_out"))
    return link_out();
  if (make_file(dir_name) != 0)
    return setup_failed("cannot create a file in the writable directory");
  if (!strcmp(op, "rename_in"))
    return report(rename(dir_name, ro_name), "rename into the read-only grant");
  if (!strcmp(op, "link_in"))
    return report(link(dir_name, ro_name), "link into the read-only grant");
  return 2;
}

static int on_ro(const char *op) {
  if (!strcmp(op, "truncate"))
    return open_file(O_WRONLY | O_TRUNC, 0, "open O_WRONLY|O_TRUNC");
  if (!strcmp(op, "write"))
    return open_file(O_WRONLY, 1, "open O_WRONLY and write");
  if (!strcmp(op, "append"))
    return open_file(O_WRONLY | O_APPEND, 1, "open O_APPEND and write");
  if (!strcmp(op, "unlink"))
    return report(unlink(ro_file), "unlink");
  if (!strcmp(op, "rename"))
    return report(rename(ro_file, ro_name), "rename within the grant");
  if (!strcmp(op, "mkdir"))
    return report(mkdir(ro_name, 0755), "mkdir");
  if (!strcmp(op, "utimes")) {
    const struct timespec times[2] = {{12345, 0}, {12345, 0}};
    return report(utimensat(AT_FDCWD, ro_file, times, 0), "utimensat");
  }
  return cross(op);
}

/* ro_grant NONCE OP RO DIR NAME */
int main(int argc, char **argv) {
  if (argc < 6)
    return 2;
  audit_nonce = argv[1];
  snprintf(ro_file, sizeof ro_file, "%s/file", argv[3]);
  snprintf(dir_name, sizeof dir_name, "%s/%s", argv[4], argv[5]);
  snprintf(ro_name, sizeof ro_name, "%s/%s", argv[3], argv[5]);
  /* A grant the sandbox did not mount would fail every attempt with ENOENT: not "blocked". */
  if (access(ro_file, R_OK) != 0)
    return setup_failed("the read-only grant's file is not readable");
  return on_ro(argv[2]);
}
