/* Backtracking matcher for a regex subset (literal, '.', '*', '^', '$') over 4096 generated lines,
 * eight patterns, n passes: branchy, recursive, byte loads. Checksum = match counts. */
#include "kernel.h"

#define LINES 4096
#define LINE_LEN 48
static char lines[LINES][LINE_LEN + 1];

static int match_here(const char *re, const char *text);

static int match_star(int c, const char *re, const char *text) {
  do {
    if (match_here(re, text))
      return 1;
  } while (*text != 0 && (*text++ == c || c == '.'));
  return 0;
}

static int match_here(const char *re, const char *text) {
  if (re[0] == 0)
    return 1;
  if (re[1] == '*')
    return match_star(re[0], re + 2, text);
  if (re[0] == '$' && re[1] == 0)
    return *text == 0;
  if (*text != 0 && (re[0] == '.' || re[0] == *text))
    return match_here(re + 1, text + 1);
  return 0;
}

static int match(const char *re, const char *text) {
  if (re[0] == '^')
    return match_here(re + 1, text);
  do {
    if (match_here(re, text))
      return 1;
  } while (*text++ != 0);
  return 0;
}

static void generate(void) {
  unsigned s = 4242;
  for (int i = 0; i < LINES; i++) {
    for (int j = 0; j < LINE_LEN; j++)
      lines[i][j] = "abcdeab.xyz "[prng_next(&s) % 12];
    lines[i][LINE_LEN] = 0;
  }
}

KERNEL_EXPORT("run") int run(int n) {
  static const char *const patterns[] = {"ab*c", "^a.b", "x.*z$", "e*e*e*d", "a.c.e", "zz*y",
                                         "^.*abc", "b.a$"};
  generate();
  unsigned check = 0;
  for (int r = 0; r < n; r++)
    for (int p = 0; p < 8; p++) {
      unsigned count = 0;
      for (int i = 0; i < LINES; i++)
        count += (unsigned)match(patterns[p], lines[(i + r) % LINES]);
      check = check * 31 + count;
    }
  return (int)check;
}
