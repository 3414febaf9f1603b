#!/usr/bin/env python3
"""What the limit checks cost in the aot tier: each kernel runs under `isobox wasm run --tier aot`
with no limit set, with --fuel, with --timeout and with both, in rounds that alternate the
configurations (each round runs them all, in a rotated order), and reports the guest's own run
time (from --debug's "seccomp" to "guest returned" marks: LLVM compilation excluded) as the
median over rounds of each configuration's ratio to the unlimited run of the same round.

usage: limit_cost.py [--runs N] [--isobox PATH] [--only k1,k2] [--quick]
                     [--variant NAME=PATH]...   (another isobox build, run with no limit set)
"""
import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNELS = {"fib": 39, "sieve": 18, "matmul": 150, "hash": 120, "sort": 12, "mandelbrot": 1200}
QUICK = {"fib": 25, "sieve": 1, "matmul": 2, "hash": 2, "sort": 1, "mandelbrot": 100}
LIMITS = {
    "none": [],
    "fuel": ["--fuel", "18446744073709551615"],
    "timeout": ["--timeout", "1h"],
    "fuel+timeout": ["--fuel", "18446744073709551615", "--timeout", "1h"],
}
MARK = re.compile(r"startup: wasm: (seccomp|guest returned) at \+([0-9.]+) ms")


def build(kernel, out_dir):
    wasm = os.path.join(out_dir, f"{kernel}.wasm")
    subprocess.run(["clang-14", "--target=wasm32", "-O2", "-mbulk-memory", "-nostdlib",
                    "-Wl,--no-entry", "-Wl,--strip-all", "-o", wasm,
                    os.path.join(ROOT, "bench", "kernels", f"{kernel}.c")], check=True)
    return wasm


def guest_ms(isobox, flags, wasm, n):
    """The guest's run time in ms, and what it printed."""
    p = subprocess.run([isobox, "--debug", "wasm", "run", "--tier", "aot", *flags, wasm,
                        "--invoke", "run", str(n)], capture_output=True, text=True, check=True)
    marks = dict(MARK.findall(p.stderr))
    return float(marks["guest returned"]) - float(marks["seccomp"]), p.stdout.strip()


def measure(configs, wasm, n, runs):
    """Per configuration: the times, and the per-round ratios to 'none'."""
    times = {c: [] for c in configs}
    ratios = {c: [] for c in configs}
    names = list(configs)
    for r in range(runs + 1):  # round 0 warms up (page cache, CPU frequency)
        order = names[r % len(names):] + names[:r % len(names)]
        got, outputs = {}, set()
        for c in order:
            isobox, flags = configs[c]
            got[c], printed = guest_ms(isobox, flags, wasm, n)
            outputs.add(printed)
        if len(outputs) != 1:
            sys.exit(f"limit_cost.py: {wasm}: configurations printed different results {outputs}")
        if r == 0:
            continue
        for c in names:
            times[c].append(got[c])
            ratios[c].append(got[c] / got["none"])
    return times, ratios


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--isobox", default=os.path.join(ROOT, "build", "tools", "isobox", "isobox"))
    ap.add_argument("--only", default="")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--variant", action="append", default=[])
    a = ap.parse_args()
    sizes = QUICK if a.quick else KERNELS
    only = [k for k in a.only.split(",") if k]
    configs = {name: (a.isobox, flags) for name, flags in LIMITS.items()}
    for v in a.variant:
        name, path = v.split("=", 1)
        configs[name] = (path, [])
    names = [c for c in configs if c != "none"]
    print("| kernel | N | no limit, ms | " + " | ".join(f"{c} / no limit" for c in names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    geo = {c: [] for c in names}
    with tempfile.TemporaryDirectory(prefix="isobox-limit-cost.") as tmp:
        for kernel, n in sizes.items():
            if only and kernel not in only:
                continue
            times, ratios = measure(configs, build(kernel, tmp), n, a.runs)
            cells = []
            for c in names:
                med = statistics.median(ratios[c])
                geo[c].append(med)
                cells.append(f"{med:.3f}x")
            base = statistics.median(times["none"])
            print(f"| {kernel} | {n} | {base:.1f} | " + " | ".join(cells) + " |", flush=True)
    means = [math.exp(sum(map(math.log, geo[c])) / len(geo[c])) for c in names]
    print("| **geomean** | | | " + " | ".join(f"**{m:.3f}x**" for m in means) + " |")


if __name__ == "__main__":
    main()
