#!/usr/bin/env bash
# Builds the libFuzzer target (clang-14, ASan) in build-fuzz/ and fuzzes decode+validate for
# FUZZ_SECONDS (default 60), seeded with the spec suite's modules (wast2json at run time) and the
# saved regressions in tests/fuzz/regressions/. Fails on any crash, sanitizer report or slow input:
# the target's own oracle (decode + validate over ISOBOX_FUZZ_SLOW_MS, default 250 ms, + 1 ms/KiB)
# and libFuzzer's per-input caps (FUZZ_TIMEOUT s, default 2; FUZZ_RSS_MB, default 512; no single
# allocation over 256 MB). FUZZ_MAX_LEN (default 65536) lets inputs grow to pathological sizes.
# clang-14 cannot compile libstdc++ 12's <expected>; tests/fuzz/compat/expected stands in (see
# docs/fuzzing.md). Then, when the aot plug-in is built, FUZZ_DIFF_SECONDS (default 20) of the
# interpreter-vs-aot oracle on generated modules (tests/fuzz/tier_diff_fuzz.cpp).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-60}"
build="$root/build-fuzz"
spec_core="${ISOBOX_SPEC_TESTDATA:-$root/../shared/testdata/wasm-spec}/core"
[[ -d "$spec_core" ]] || spec_core="$root/../../shared/testdata/wasm-spec/core"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DISOBOX_FUZZ=ON -DISOBOX_BENCH=OFF \
  "-DCMAKE_CXX_FLAGS=-isystem $root/tests/fuzz/compat -fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer" \
  >/dev/null
ninja -C "$build" -j"$(nproc)" wasm_decode_fuzz wasm_tier_diff_fuzz >/dev/null
fuzzer="$build/tests/fuzz/wasm_decode_fuzz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds" "$build/fuzz-artifacts"
if [[ -d "$spec_core" ]]; then
  for wast in "$spec_core"/*.wast; do
    name="$(basename "$wast" .wast)"
    mkdir -p "$work/json/$name"
    wast2json "$wast" -o "$work/json/$name/$name.json" >/dev/null 2>&1 || true
  done
  find "$work/json" -name '*.wasm' -exec cp {} "$work/seeds/" \;
fi
cp tests/fuzz/regressions/* "$work/seeds/" 2>/dev/null || true
echo "fuzz: $(ls "$work/seeds" | wc -l) seeds, ${seconds} s"

# Known crashers first (fast, exact), then the timed run.
"$fuzzer" tests/fuzz/regressions/* >/dev/null 2>&1 ||
  { echo "fuzz: a saved regression crashes again"; "$fuzzer" tests/fuzz/regressions/*; exit 1; }
if ! "$fuzzer" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-2}" \
  -rss_limit_mb="${FUZZ_RSS_MB:-512}" -malloc_limit_mb=256 -max_len="${FUZZ_MAX_LEN:-65536}" \
  -report_slow_units=1 -print_final_stats=1 \
  -artifact_prefix="$build/fuzz-artifacts/" "$work/corpus" "$work/seeds" >"$work/log" 2>&1; then
  grep -E "ERROR|SUMMARY|artifact|Test unit|slow input|Slowest unit" "$work/log" | head -20
  echo "fuzz: FAILED (reproduce with $fuzzer <artifact>)"
  exit 1
fi
grep -E "^Done|stat::number_of_executed_units|stat::peak_rss|Slowest unit" "$work/log" | tail -6 || true
echo "fuzz: clean"

# The differential oracle: each input drives the generator's choices (odd lengths also under limits).
if [[ ! -f "$build/tools/isobox/libisobox_aot_llvm.so" ]]; then
  echo "fuzz: tier diff skipped (no aot plug-in in this build: LLVM 19 not found)"
  exit 0
fi
mkdir -p "$work/diff-corpus"
if ! "$build/tests/fuzz/wasm_tier_diff_fuzz" -max_total_time="${FUZZ_DIFF_SECONDS:-20}" -timeout=20 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/" \
  "$work/diff-corpus" >"$work/diff-log" 2>&1; then
  grep -E "tier_diff_fuzz:|ERROR|SUMMARY|artifact" "$work/diff-log" | head -20
  echo "fuzz: tier diff FAILED (replay: build/tests/diff/wasm_tier_diff --choices ARTIFACT --limits -v)"
  exit 1
fi
grep -E "^Done|stat::peak_rss" "$work/diff-log" | tail -2 || true
echo "fuzz: tier diff clean"
