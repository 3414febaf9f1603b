/* Mandelbrot set on an n x n grid, 200 iterations max, double precision: pure f64 arithmetic. */
#include "kernel.h"

KERNEL_EXPORT("run") int run(int n) {
  int inside = 0;
  for (int y = 0; y < n; y++) {
    double ci = 2.0 * y / n - 1.0;
    for (int x = 0; x < n; x++) {
      double cr = 3.0 * x / n - 2.0, zr = 0.0, zi = 0.0;
      int k = 0;
      while (k < 200 && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        k++;
      }
      inside += k == 200;
    }
  }
  return inside;
}
