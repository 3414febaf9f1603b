/* Writes hostile-but-small Wasm modules that are awkward to express in .wat:
 *   million_funcs.wasm  1,000,000 empty functions, _start = function 0 (must run or fail cleanly)
 *   huge_data.wasm      a data segment declaring 4 GiB - 1 bytes that are not there (malformed)
 *   huge_locals.wasm    a function declaring 2^32 - 1 locals (invalid: too many locals)
 * usage: gen_hostile OUTDIR */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint8_t *data;
  size_t len, cap;
} Buf;

static void put(Buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->data = realloc(b->data, b->cap);
    if (!b->data)
      exit(1);
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}
static void byte(Buf *b, uint8_t v) { put(b, &v, 1); }
static void leb(Buf *b, uint64_t v) {
  do {
    uint8_t c = v & 0x7f;
    v >>= 7;
    byte(b, c | (v ? 0x80 : 0));
  } while (v);
}
static void section(Buf *m, uint8_t id, Buf *body) {
  byte(m, id);
  leb(m, body->len);
  put(m, body->data, body->len);
  body->len = 0;
}
static void header(Buf *m) { put(m, "\0asm\1\0\0\0", 8); }
static void type_void(Buf *m, Buf *s) { /* one type: () -> () */
  leb(s, 1);
  byte(s, 0x60);
  leb(s, 0);
  leb(s, 0);
  section(m, 1, s);
}
static void export_start(Buf *m, Buf *s) {
  leb(s, 1);
  leb(s, 6);
  put(s, "_start", 6);
  byte(s, 0x00);
  leb(s, 0);
  section(m, 7, s);
}
static int save(const char *dir, const char *name, Buf *m) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(m->data, 1, m->len, f) != m->len || fclose(f) != 0)
    return 1;
  m->len = 0;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  Buf m = {0}, s = {0};
  const uint32_t n = 1000000;
  header(&m);
  type_void(&m, &s);
  leb(&s, n);
  for (uint32_t i = 0; i < n; ++i)
    leb(&s, 0);
  section(&m, 3, &s);
  export_start(&m, &s);
  leb(&s, n);
  for (uint32_t i = 0; i < n; ++i) { /* body: size 2, no locals, end */
    byte(&s, 2);
    byte(&s, 0);
    byte(&s, 0x0b);
  }
  section(&m, 10, &s);
  if (save(argv[1], "million_funcs.wasm", &m))
    return 1;

  header(&m);
  leb(&s, 1); /* memory section: one memory, min 1 page */
  byte(&s, 0);
  leb(&s, 1);
  section(&m, 5, &s);
  leb(&s, 1); /* data section: active segment at 0 claiming 4 GiB - 1 bytes */
  byte(&s, 0);
  byte(&s, 0x41);
  leb(&s, 0);
  byte(&s, 0x0b);
  leb(&s, 0xffffffffu);
  section(&m, 11, &s);
  if (save(argv[1], "huge_data.wasm", &m))
    return 1;

  header(&m);
  type_void(&m, &s);
  leb(&s, 1);
  leb(&s, 0);
  section(&m, 3, &s);
  export_start(&m, &s);
  Buf body = {0};
  leb(&body, 1); /* one local group of 2^32 - 1 i64s */
  leb(&body, 0xffffffffu);
  byte(&body, 0x7e);
  byte(&body, 0x0b);
  leb(&s, 1);
  leb(&s, body.len);
  put(&s, body.data, body.len);
  section(&m, 10, &s);
  const int rc = save(argv[1], "huge_locals.wasm", &m);
  free(body.data); /* freed so LeakSanitizer (the ASan build runs this generator) stays quiet */
  free(s.data);
  free(m.data);
  return rc;
}
