#!/usr/bin/env python3
"""Times two commands in alternation, process start to exit, and writes the times and the
per-round ratios (B / A) as JSON. Alternating (A B, then B A, ...) puts both commands under the
same machine conditions in every round, so the median ratio holds up on a machine whose speed
drifts (shared vCPUs); the separate medians do not.

usage: time_pairs.py --runs N --out FILE.json -- A_CMD... -- B_CMD...
"""
import json
import statistics
import subprocess
import sys
import time


def run(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(argv):
    runs, out = 5, None
    while argv and argv[0] != "--":
        if argv[0] == "--runs":
            runs, argv = int(argv[1]), argv[2:]
        elif argv[0] == "--out":
            out, argv = argv[1], argv[2:]
        else:
            sys.exit(f"time_pairs.py: unknown option {argv[0]}")
    words = argv[1:]
    if "--" not in words or out is None:
        sys.exit(__doc__)
    split = words.index("--")
    a, b = words[:split], words[split + 1:]
    run(a), run(b)  # warm-up: page cache, CPU frequency
    ta, tb = [], []
    for i in range(runs):
        if i % 2 == 0:
            ta.append(run(a)), tb.append(run(b))
        else:
            tb.append(run(b)), ta.append(run(a))
    ratios = [y / x for x, y in zip(ta, tb)]
    result = {"a": ta, "b": tb, "ratios": ratios, "a_median": statistics.median(ta),
              "b_median": statistics.median(tb), "ratio_median": statistics.median(ratios)}
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
