/* Audit program (wasm32-wasi only): memory-safety and control-flow attacks on the engine itself. */
#include <stdint.h>
#include <stdlib.h>

#include "audit.h"

typedef int (*unary_fn)(int);
typedef int (*binary_fn)(int, int);

static int twice(int x) { return 2 * x; }
static volatile uint32_t sink;

/* Unbounded recursion through a volatile pointer: no shadow-stack frame, so only the engine's
 * call-depth limit can stop it. */
static int deep(int n);
static int (*volatile deep_ptr)(int) = deep;
static int deep(int n) { return deep_ptr(n + 1) + 1; }

/* i32.load with a static offset of 0x10000000 at address 0xF0000000: the effective address is
 * past 4 GiB and must trap, not wrap to 0. */
static uint32_t load_offset_overflow(uint32_t addr) {
  uint32_t v;
  __asm__ volatile("local.get %1\n\ti32.load 268435456\n\tlocal.set %0" : "=r"(v) : "r"(addr));
  return v;
}

static void run(const char *mode) {
  uintptr_t end = __builtin_wasm_memory_size(0) * 65536u;
  if (!strcmp(mode, "oob_load")) {
    sink = *(volatile uint8_t *)end;
  } else if (!strcmp(mode, "oob_store")) {
    *(volatile uint32_t *)(end - 2) = 0xdeadbeef; /* straddles the last byte */
  } else if (!strcmp(mode, "offset_overflow")) {
    sink = load_offset_overflow(0xF0000000u);
  } else if (!strcmp(mode, "call_indirect_sig")) {
    volatile unary_fn f = twice;
    sink = (uint32_t)((binary_fn)(void *)f)(1, 2);
  } else if (!strcmp(mode, "table_oob")) {
    volatile uintptr_t index = 100000;
    sink = (uint32_t)((unary_fn)index)(1);
  } else if (!strcmp(mode, "memory_grow")) {
    /* past wasm32's 4 GiB: must return -1 */
    if (__builtin_wasm_memory_grow(0, 65536) == (size_t)-1) {
      errno = ENOMEM;
      audit_denied("memory.grow 65536 pages");
      exit(1);
    }
  } else if (!strcmp(mode, "stack")) {
    sink = (uint32_t)deep(0);
  }
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  run(argv[2]);
  audit_ok("the access completed");
  return 0;
}
