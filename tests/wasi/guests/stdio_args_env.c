/* stdio, arguments and environment: echo argv and one variable, upper-case stdin to stdout. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i)
    printf("argv[%d]=%s\n", i, argv[i]);
  const char *g = getenv("GREETING");
  printf("GREETING=%s\n", g ? g : "(unset)");
  printf("MISSING=%s\n", getenv("NO_SUCH_VARIABLE") ? "set" : "(unset)");
  int c;
  long n = 0;
  while ((c = getchar()) != EOF) {
    putchar(toupper(c));
    ++n;
  }
  printf("stdin bytes=%ld\n", n);
  fprintf(stderr, "this goes to stderr\n");
  return 0;
}
