/* Shared by the WASI guest programs: errno names (numbers differ between glibc and wasi-libc). */
#pragma once
#include <errno.h>
#include <stdio.h>

static const char *errname(int e) {
  switch (e) {
  case 0: return "OK";
  case ENOENT: return "ENOENT";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case ENOTEMPTY: return "ENOTEMPTY";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case EBADF: return "EBADF";
  case EINVAL: return "EINVAL";
  case ELOOP: return "ELOOP";
  case EXDEV: return "EXDEV";
#ifdef ENOTCAPABLE
  case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
  default: return "other";
  }
}

/* Prints "<what>: OK" or "<what>: <ERRNO>" for a call returning < 0 on failure. */
#define CHECK(what, expr)                                                                          \
  do {                                                                                             \
    errno = 0;                                                                                     \
    long r_ = (long)(expr);                                                                        \
    printf("%s: %s\n", what, r_ < 0 ? errname(errno) : "OK");                                      \
  } while (0)
