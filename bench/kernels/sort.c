/* Sorting: quicksort (Lomuto partition, recursion on the smaller side) of 256 Ki PRNG ints,
 * repeated n times. Branchy compares, swaps, recursion. */
#include "kernel.h"

#define COUNT (256 * 1024)
static int values[COUNT];

static void quicksort(int *v, int lo, int hi) {
  while (lo < hi) {
    int pivot = v[(lo + hi) / 2], i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot)
        i++;
      while (v[j] > pivot)
        j--;
      if (i <= j) {
        int t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
}

KERNEL_EXPORT("run") int run(int n) {
  unsigned s = 7, check = 0;
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < COUNT; i++)
      values[i] = (int)(prng_next(&s) >> 1);
    quicksort(values, 0, COUNT - 1);
    for (int i = 1; i < COUNT; i++)
      if (values[i - 1] > values[i])
        return -1; /* not sorted: a miscompilation or engine bug */
    check = check * 31 + (unsigned)values[COUNT / 2];
  }
  return (int)check;
}
