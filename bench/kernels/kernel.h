/* Shared by every kernel: the export attribute and a small PRNG (no libc: kernels also build with
 * --target=wasm32 -nostdlib). Each kernel exports `int run(int n)` returning a checksum. */
#ifndef ISOBOX_BENCH_KERNEL_H
#define ISOBOX_BENCH_KERNEL_H

#ifdef __wasm__
#define KERNEL_EXPORT(name) __attribute__((export_name(name)))
#else
#define KERNEL_EXPORT(name)
#endif

/* xorshift32: deterministic, so native and wasm runs must print the same checksum. */
static inline unsigned prng_next(unsigned *state) {
  unsigned x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

#endif
