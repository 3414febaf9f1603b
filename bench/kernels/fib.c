/* Recursion: call-heavy, no memory traffic. run(n) = fib(n). */
#include "kernel.h"

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

KERNEL_EXPORT("run") int run(int n) { return fib(n); }
