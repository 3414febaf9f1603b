/* String handling: a JSON-like tokenizer over 256 KiB of generated text (objects, strings with
 * escapes, numbers, literals), n passes; checksum = token counts and a hash of token values. */
#include "kernel.h"

#define TEXT_SIZE (256 * 1024)
static char text[TEXT_SIZE + 64];

static int put(int at, const char *s) {
  while (*s)
    text[at++] = *s++;
  return at;
}

static void generate(void) {
  static const char *const words[] = {"\"name\"", "\"id\"", "\"tags\"", "\"a\\\"b\"", "\"x\\\\y\""};
  static const char *const values[] = {"true", "false", "null", "-12.5e3", "42", "\"ok\""};
  unsigned s = 77;
  int at = 0;
  while (at < TEXT_SIZE) {
    at = put(at, "{");
    for (int k = 0; k < 4; k++) {
      at = put(at, words[prng_next(&s) % 5]);
      at = put(at, ": ");
      at = put(at, prng_next(&s) % 3 ? values[prng_next(&s) % 6] : "[1, 2, 3]");
      at = put(at, k < 3 ? ", " : "}\n");
    }
  }
  text[at] = 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return c >= 'a' && c <= 'z'; }

/* Returns the end of the token starting at p, or 0 on a malformed token. */
static const char *token_end(const char *p) {
  if (*p == '"') {
    for (p++; *p != '"'; p++) {
      if (!*p)
        return 0;
      if (*p == '\\')
        p++;
    }
    return p + 1;
  }
  if (*p == '-' || is_digit(*p)) {
    for (p++; is_digit(*p) || *p == '.' || *p == 'e' || *p == '-'; p++) {
    }
    return p;
  }
  if (is_alpha(*p)) {
    while (is_alpha(*p))
      p++;
    return p;
  }
  return p + 1;
}

static unsigned tokenize(unsigned h) {
  unsigned counts[4] = {0, 0, 0, 0};
  for (const char *p = text; *p;) {
    if (*p == ' ' || *p == '\n') {
      p++;
      continue;
    }
    const char *end = token_end(p);
    if (!end)
      return 0;
    int kind = *p == '"' ? 0 : (*p == '-' || is_digit(*p)) ? 1 : is_alpha(*p) ? 2 : 3;
    counts[kind]++;
    for (const char *q = p; q < end; q++)
      h = (h ^ (unsigned char)*q) * 16777619u;
    p = end;
  }
  return h ^ counts[0] ^ (counts[1] << 8) ^ (counts[2] << 16) ^ (counts[3] << 24);
}

KERNEL_EXPORT("run") int run(int n) {
  generate();
  unsigned h = 2166136261u;
  for (int r = 0; r < n; r++)
    h = tokenize(h);
  return (int)h;
}
