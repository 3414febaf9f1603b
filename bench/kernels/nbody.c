/* N-body: five bodies under gravity (f64, sqrt, divides), n*1000 steps; checksum = energy. */
#include "kernel.h"

#define BODIES 5
static double px[BODIES], py[BODIES], pz[BODIES], vx[BODIES], vy[BODIES], vz[BODIES], mass[BODIES];

static void init(void) {
  unsigned s = 2024;
  for (int i = 0; i < BODIES; i++) {
    px[i] = (double)(prng_next(&s) % 2000) / 100.0 - 10.0;
    py[i] = (double)(prng_next(&s) % 2000) / 100.0 - 10.0;
    pz[i] = (double)(prng_next(&s) % 2000) / 100.0 - 10.0;
    vx[i] = (double)(prng_next(&s) % 200) / 1000.0 - 0.1;
    vy[i] = (double)(prng_next(&s) % 200) / 1000.0 - 0.1;
    vz[i] = (double)(prng_next(&s) % 200) / 1000.0 - 0.1;
    mass[i] = 1.0 + (double)(prng_next(&s) % 100) / 10.0;
  }
}

static void advance(double dt) {
  for (int i = 0; i < BODIES; i++)
    for (int j = i + 1; j < BODIES; j++) {
      double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
      double d2 = dx * dx + dy * dy + dz * dz + 0.01;
      double mag = dt / (d2 * __builtin_sqrt(d2));
      vx[i] -= dx * mass[j] * mag, vy[i] -= dy * mass[j] * mag, vz[i] -= dz * mass[j] * mag;
      vx[j] += dx * mass[i] * mag, vy[j] += dy * mass[i] * mag, vz[j] += dz * mass[i] * mag;
    }
  for (int i = 0; i < BODIES; i++)
    px[i] += dt * vx[i], py[i] += dt * vy[i], pz[i] += dt * vz[i];
}

static double energy(void) {
  double e = 0.0;
  for (int i = 0; i < BODIES; i++) {
    e += 0.5 * mass[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
    for (int j = i + 1; j < BODIES; j++) {
      double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
      e -= mass[i] * mass[j] / __builtin_sqrt(dx * dx + dy * dy + dz * dz + 0.01);
    }
  }
  return e;
}

KERNEL_EXPORT("run") int run(int n) {
  init();
  for (int step = 0; step < n * 1000; step++)
    advance(0.001);
  return (int)(energy() * 1000000.0);
}
