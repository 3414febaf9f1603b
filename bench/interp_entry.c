/* For wabt's wasm-interp, which can only call functions without parameters: bench() = run(N). */
int run(int n);

__attribute__((export_name("bench"))) int bench(void) { return run(BENCH_N); }
