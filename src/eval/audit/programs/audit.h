/* The audit programs' report protocol: one line "AUDIT <nonce> ok|denied <detail>" (docs/eval.md).
 */
#ifndef ISOBOX_AUDIT_H
#define ISOBOX_AUDIT_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *audit_nonce = "?";

static inline void audit_ok(const char *detail) {
  printf("AUDIT %s ok %s\n", audit_nonce, detail);
  fflush(stdout);
}

static inline void audit_denied(const char *what) {
  printf("AUDIT %s denied %s: %s\n", audit_nonce, what, strerror(errno));
  fflush(stdout);
}

/* Prints up to 16 KiB of the file at `path` (NULs and newlines as spaces) after an ok report;
 * 0 on success. */
static inline int audit_read_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    audit_denied(path);
    return -1;
  }
  static char buf[16384];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  for (size_t i = 0; i < n; i++)
    if (buf[i] == '\n' || buf[i] == '\0')
      buf[i] = ' ';
  audit_ok(buf);
  return 0;
}
#endif
