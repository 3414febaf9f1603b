/* Audit probe (both targets): the sandbox's attack surface as the program inside sees it: which
 * candidate paths it can write (a file created and removed at once; sensitive files only opened
 * O_WRONLY, never written) and which device nodes in /dev it may open; then holds until stdin
 * closes so the harness can read its capabilities, seccomp mode and namespaces from the host. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"

static const char *const dirs[] = {"/", "/tmp", "/etc", "/root", "/var/tmp", "/dev/shm", "/dev"};
static const char *const files[] = {"/proc/sysrq-trigger", "/proc/sys/kernel/core_pattern",
                                    "/proc/sys/kernel/hostname", "/sys/kernel/uevent_helper"};

static void writable_dir(const char *dir, const char *nonce) {
  char path[4096];
  snprintf(path, sizeof path, "%s/audit-surface-%s", strcmp(dir, "/") ? dir : "", nonce);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return;
  close(fd);
  unlink(path);
  printf("SURFACE writable %s\n", dir);
}

static void writable_file(const char *path) {
  int fd = open(path, O_WRONLY); /* opened, never written */
  if (fd < 0)
    return;
  close(fd);
  printf("SURFACE writable %s\n", path);
}

/* Character and block nodes directly in /dev that access() lets this process read or write. */
static void devices(void) {
#ifndef __wasi__
  DIR *d = opendir("/dev");
  if (!d)
    return;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "/dev/%s", e->d_name);
    if (lstat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) &&
        (access(path, R_OK) == 0 || access(path, W_OK) == 0))
      printf("SURFACE device %s\n", path);
  }
  closedir(d);
#endif
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  writable_dir(argv[2], argv[1]); /* the backend's own writable directory */
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
    writable_dir(dirs[i], argv[1]);
  for (size_t i = 0; i < sizeof files / sizeof *files; i++)
    writable_file(files[i]);
  devices();
  audit_ok("surface listed");
  printf("HOLD\n");
  fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return 0;
}
