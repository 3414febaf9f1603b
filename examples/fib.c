// A tiny compute kernel for the demo: recursive Fibonacci, exported for `isobox wasm run --invoke`.
__attribute__((export_name("fib"))) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
