#!/usr/bin/env bash
# Times the compute kernels (bench/kernels/*.c) natively and in isobox's interpreter and/or its
# LLVM tier (and, for scale, in wabt's wasm-interp), process start to exit, and prints ratios and
# their geomean.
#   bench/run_kernels.sh [--runs N] [--no-wabt] [--quick] [--only k1,k2] [--isobox PATH] [--out DIR]
#                        [--tier interp|aot|both]
# aot: each module is compiled once into a fresh code cache ($out/code-cache) before the timed runs
# (`isobox wasm compile`; its LLVM time is reported separately), so the timed runs are compiled
# code's speed; both: native vs interp and native vs aot, each paired, for every kernel.
#   bench/run_kernels.sh --report-only [--out DIR]   (table from an earlier run's results.tsv)
# --quick uses small sizes (a smoke test of the harness, not a measurement).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=5
wabt=1
quick=0
only=""
report_only=0
tier=interp
isobox="$root/build/tools/isobox/isobox"
out="$root/out/bench"
while (($#)); do
  case "$1" in
  --runs) runs="$2"; shift 2 ;;
  --no-wabt) wabt=0; shift ;;
  --quick) quick=1; shift ;;
  --only) only=",$2,"; shift 2 ;;
  --report-only) report_only=1; shift ;;
  --isobox) isobox="$2"; shift 2 ;;
  --out) out="$2"; shift 2 ;;
  --tier) tier="$2"; shift 2 ;;
  *) echo "run_kernels.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$tier" in
interp | aot) tiers=("$tier") ;;
both) tiers=(interp aot) ;;
*) echo "run_kernels.sh: --tier $tier: expected interp, aot or both" >&2; exit 2 ;;
esac
((report_only)) || [[ -x "$isobox" ]] || { echo "run_kernels.sh: $isobox not built (ninja -C build isobox)" >&2; exit 1; }

# kernel and N: sizes chosen so the native run takes about 0.3-0.5 s on the reference machine.
kernels=(fib:39 sieve:18 matmul:150 hash:120 sort:12 mandelbrot:1200)
((quick)) && kernels=(fib:25 sieve:1 matmul:2 hash:2 sort:1 mandelbrot:100)
mkdir -p "$out"
src="$root/bench"
wasm_flags=(--target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--strip-all)

results="$out/results.tsv"
((report_only)) && kernels=()
[[ -n "$only" ]] || ((report_only)) || : >"$results"
((report_only)) || echo "${tiers[*]}" >"$out/tiers"
export ISOBOX_CACHE_DIR="$out/code-cache"
((report_only)) || rm -rf "$ISOBOX_CACHE_DIR"
for entry in "${kernels[@]}"; do
  k="${entry%%:*}"
  n="${entry##*:}"
  [[ -z "$only" || "$only" == *",$k,"* ]] || continue
  [[ -n "$only" ]] && sed -i "/^$k\t/d" "$results"
  clang-14 -O2 -o "$out/$k" "$src/kernels/$k.c" "$src/native_main.c"
  clang-14 "${wasm_flags[@]}" -o "$out/$k.wasm" "$src/kernels/$k.c"
  clang-14 "${wasm_flags[@]}" -DBENCH_N="$n" -o "$out/$k.interp.wasm" "$src/kernels/$k.c" \
    "$src/interp_entry.c"

  # aot: compiled once, before timing; the LLVM time (translation, O2, emission) from the entry.
  compile_ms=-
  if [[ " ${tiers[*]} " == *" aot "* ]]; then
    entry="$("$isobox" wasm compile "$out/$k.wasm")"
    compile_ms="$(sed -n 2p "$entry" | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["compile_ms"]))')"
  fi
  native_out="$("$out/$k" "$n")"
  for t in "${tiers[@]}"; do
    # Same checksum everywhere, or the timing means nothing; aot must run the cached code.
    isobox_out="$("$isobox" --debug wasm run --tier "$t" "$out/$k.wasm" --invoke run "$n" 2>"$out/$k.log")"
    if [[ "$native_out" != "$isobox_out" ]]; then
      echo "run_kernels.sh: $k: native printed '$native_out', isobox ($t) printed '$isobox_out'" >&2
      exit 1
    fi
    [[ $t != aot ]] || grep -q "tier aot (cache)" "$out/$k.log" ||
      { echo "run_kernels.sh: $k: the aot run did not use the cached code" >&2; exit 1; }
    python3 "$src/time_pairs.py" --runs "$runs" --out "$out/$k.$t.json" \
      -- "$out/$k" "$n" -- "$isobox" wasm run --tier "$t" "$out/$k.wasm" --invoke run "$n"
  done
  line="$k	$n	$compile_ms"
  if ((wabt)); then
    # One run (it is 20-100x slower than native), timed here; it also checks the checksum.
    t0=$(date +%s.%N)
    wabt_out="$(wasm-interp "$out/$k.interp.wasm" --run-all-exports)"
    t1=$(date +%s.%N)
    # wasm-interp prints i32 results unsigned.
    [[ "$wabt_out" == "bench() => i32:$((native_out & 0xffffffff))" ]] ||
      { echo "run_kernels.sh: $k: wasm-interp printed '$wabt_out'" >&2; exit 1; }
    line="$line	$(echo "$t1 - $t0" | bc -l)"
  fi
  echo "$line" >>"$results"
  echo "run_kernels.sh: $k done" >&2
done

python3 - "$out" "$results" "$wabt" <<'PY'
import json, math, sys
out, results, wabt = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
tiers = open(f"{out}/tiers").read().split()
rows, ratios, wabt_ratios = [], {t: [] for t in tiers}, []
for line in open(results):
    k, n, compile_ms, *w = line.split()
    row = f"| {k} | {n} |"
    for t in tiers:  # each tier paired with its own native runs
        r = json.load(open(f"{out}/{k}.{t}.json"))
        ratios[t].append(r["ratio_median"])
        row += f" {r['a_median']:.3f} | {r['b_median']:.3f} | {r['ratio_median']:.2f}x |"
    if "aot" in tiers:
        row += f" {compile_ms} |"
    if wabt:
        w = float(w[0])
        wabt_ratios.append(w / json.load(open(f"{out}/{k}.{tiers[0]}.json"))["a_median"])
        row += f" {w:.2f} | {wabt_ratios[-1]:.1f}x |"
    rows.append(row)
geo = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs))
head, sep, tail = "| kernel | N |", "|---|---|", "| **geomean** | |"
for t in tiers:
    head += f" native s | isobox {t} s | {t}/native (median of paired runs) |"
    sep += "---|---|---|"
    tail += f" | | **{geo(ratios[t]):.2f}x** |"
if "aot" in tiers:
    head += " compile (LLVM, ms) |"
    sep += "---|"
    tail += " |"
if wabt:
    head += " wasm-interp s | wasm-interp/native |"
    sep += "---|---|"
    tail += f" | **{geo(wabt_ratios):.1f}x** |"
print(head); print(sep); print("\n".join(rows))
print(tail)
PY
