/* Files and directories inside the granted directory argv[1]: create, write, seek, read, stat,
 * rename, unlink, mkdir, rmdir, readdir (sorted), symlinks, truncate, append. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_util.h"

static char path_buf[4][512];
static const char *at(int slot, const char *base, const char *name) {
  snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", base, name);
  return path_buf[slot];
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    printf("opendir: %s\n", errname(errno));
    return;
  }
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("listing (%d):", n);
  for (int i = 0; i < n; ++i) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  const char *base = argv[1];
  FILE *f = fopen(at(0, base, "hello.txt"), "w+");
  if (!f) {
    printf("fopen: %s\n", errname(errno));
    return 1;
  }
  fprintf(f, "hello, files\nsecond line\n");
  fseek(f, 7, SEEK_SET);
  char buf[64] = {0};
  fgets(buf, sizeof buf, f);
  printf("read back: %s", buf);
  printf("tell: %ld\n", ftell(f));
  fclose(f);

  struct stat st;
  CHECK("stat hello.txt", stat(at(0, base, "hello.txt"), &st));
  printf("size=%lld regular=%d dir=%d\n", (long long)st.st_size, S_ISREG(st.st_mode),
         S_ISDIR(st.st_mode));
  CHECK("stat seed", stat(at(0, base, "seed.txt"), &st));
  printf("seed size=%lld\n", (long long)st.st_size);

  int fd = open(at(0, base, "hello.txt"), O_WRONLY | O_APPEND);
  CHECK("write append", write(fd, "third\n", 6));
  CHECK("ftruncate", ftruncate(fd, 5));
  close(fd);
  CHECK("stat after truncate", stat(at(0, base, "hello.txt"), &st));
  printf("size=%lld\n", (long long)st.st_size);
  CHECK("open O_EXCL existing", open(at(0, base, "hello.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644));

  CHECK("mkdir d", mkdir(at(0, base, "d"), 0755));
  CHECK("mkdir d again", mkdir(at(0, base, "d"), 0755));
  CHECK("rename into d", rename(at(0, base, "hello.txt"), at(1, base, "d/moved.txt")));
  CHECK("stat old name", stat(at(0, base, "hello.txt"), &st));
  CHECK("rmdir non-empty", rmdir(at(0, base, "d")));
  CHECK("symlink", symlink("d/moved.txt", at(0, base, "link")));
  char target[64] = {0};
  ssize_t n = readlink(at(0, base, "link"), target, sizeof target - 1);
  printf("readlink: %s\n", n >= 0 ? target : errname(errno));
  CHECK("lstat link", lstat(at(0, base, "link"), &st));
  printf("link is symlink=%d\n", S_ISLNK(st.st_mode));
  f = fopen(at(0, base, "link"), "r");
  printf("through link: %s", f && fgets(buf, sizeof buf, f) ? buf : "(failed)\n");
  if (f)
    fclose(f);
  printf("\n");
  CHECK("link (hard)", link(at(0, base, "d/moved.txt"), at(1, base, "hard.txt")));
  CHECK("stat hard", stat(at(0, base, "hard.txt"), &st));
  printf("nlink=%lld\n", (long long)st.st_nlink);
  list(base);
  list(at(0, base, "d"));
  CHECK("unlink dir", unlink(at(0, base, "d")));
  CHECK("unlink moved", unlink(at(0, base, "d/moved.txt")));
  CHECK("rmdir d", rmdir(at(0, base, "d")));
  CHECK("unlink link", unlink(at(0, base, "link")));
  CHECK("unlink missing", unlink(at(0, base, "missing")));
  CHECK("open missing", open(at(0, base, "missing/x"), O_RDONLY));
  for (int i = 0; i < 30; ++i) {
    char name[32];
    snprintf(name, sizeof name, "many-%02d", i);
    close(open(at(0, base, name), O_CREAT | O_WRONLY, 0644));
  }
  list(base);
  return 0;
}
