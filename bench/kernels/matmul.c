/* Float matrix multiply (single precision, 128x128), repeated n times: f32 loads, mul, add. */
#include "kernel.h"

#define DIM 128
static float a[DIM][DIM], b[DIM][DIM], c[DIM][DIM];

static void init(void) {
  unsigned s = 12345;
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      a[i][j] = (float)(prng_next(&s) % 1000) / 500.0f - 1.0f;
      b[i][j] = (float)(prng_next(&s) % 1000) / 500.0f - 1.0f;
    }
}

static void multiply(void) {
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      float sum = 0.0f;
      for (int k = 0; k < DIM; k++)
        sum += a[i][k] * b[k][j];
      c[i][j] = sum;
    }
}

KERNEL_EXPORT("run") int run(int n) {
  init();
  for (int r = 0; r < n; r++) {
    multiply();
    a[r % DIM][(r * 7) % DIM] = c[(r * 3) % DIM][r % DIM] * 0.5f; /* keep iterations dependent */
  }
  double sum = 0;
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++)
      sum += c[i][j];
  return (int)(sum * 1000.0);
}
