#!/usr/bin/env python3
# Writes a module that validates in milliseconds and takes LLVM seconds to compile (2,000 nested
# loops in one function: about 9 s here), while it runs in 10 ms.
# usage: slow_compile_module.py OUT.wasm [LOOPS]
import sys
def uleb(n):
    out = bytearray()
    while True:
        b, n = n & 0x7f, n >> 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)
def sec(i, body):
    return bytes([i]) + uleb(len(body)) + body
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
# n nested loops, each `local[i] += 1; br_if (local[i] < global 0)`: the global (0) is unknown to
# the compiler, so nothing folds, and every loop runs once.
code = bytearray()
for i in range(n):
    code += b"\x03\x40" + b"\x20" + uleb(i) + b"\x41\x01\x6a\x21" + uleb(i)
    code += b"\x20" + uleb(i) + b"\x23\x00\x48\x0d\x00"
code += b"\x0b" * (n + 1)
body = uleb(1) + uleb(n) + b"\x7f" + bytes(code)
module = (b"\0asm\1\0\0\0" + sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00")
          + sec(6, b"\x01\x7f\x01\x41\x00\x0b") + sec(7, b"\x01\x06_start\x00\x00")
          + sec(10, b"\x01" + uleb(len(body)) + body))
open(sys.argv[1], "wb").write(module)
