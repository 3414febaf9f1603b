#!/usr/bin/env bash
# Times `isobox run` of a hello-world Wasm container against the same C program compiled natively
# (static) in the same kind of bundle (tests/oci/base_config.json, a rootfs holding only the
# program) with hyperfine (in rounds of alternating order, bench_rounds.sh), and prints both
# medians and their ratio (issue 11, startup target);
# `isobox wasm run` of the same module is timed too, as the floor. With --phases, also runs each
# bundle N times under `--debug` and prints the median time of every startup phase (the
# "startup: PHASE at +X ms" lines, docs/wasm-containers.md "Startup").
#   bench_wasm_run.sh [--runs N] [--phases] [--isobox PATH]  (needs root, hyperfine, clang-14, gcc)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=30
phases=0
isobox=$here/../../build/tools/isobox/isobox
while (($#)); do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --isobox) isobox=$2; shift 2 ;;
  --phases) phases=1; shift ;;
  *) echo "usage: $0 [--runs N] [--phases] [--isobox PATH]" >&2 && exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "bench_wasm_run: needs root" >&2; exit 77; }
for tool in hyperfine clang-14 gcc jq python3; do
  command -v $tool >/dev/null || { echo "bench_wasm_run: $tool missing" >&2; exit 77; }
done
isobox=$(realpath "$isobox")
D=$(mktemp -d /tmp/isobox-wasmbench.XXXXXX)
trap 'rm -rf "$D"' EXIT
printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >"$D/hello.c"
gcc -static -O2 -o "$D/hello.native" "$D/hello.c"
clang-14 --target=wasm32-wasi -O2 -Wl,--strip-debug -o "$D/hello.wasm" "$D/hello.c"

# bundle NAME FILE: $D/NAME with FILE at /hello in an otherwise empty rootfs.
bundle() {
  mkdir -p "$D/$1/rootfs"/{proc,sys,dev,tmp}
  install -m 755 "$2" "$D/$1/rootfs/hello"
  jq --arg cg "/isobox-wasmbench-$1" '.linux.cgroupsPath = $cg | .process.args = ["/hello"]' \
    "$here/base_config.json" >"$D/$1/config.json"
}
bundle native "$D/hello.native"
bundle wasm "$D/hello.wasm"
for b in native wasm; do
  out=$("$isobox" --root "$D/state" run --bundle "$D/$b" "check-$b" </dev/null)
  [[ $out == hello ]] || { echo "bench_wasm_run: $b bundle printed '$out'" >&2; exit 1; }
done
# shellcheck source=bench_rounds.sh
source "$here/bench_rounds.sh"
bench_rounds "$runs" "$D" native "$isobox --root $D/state run --bundle $D/native bench-native" \
  wasm "$isobox --root $D/state run --bundle $D/wasm bench-wasm" \
  "wasm run" "$isobox wasm run $D/hello.wasm"
bench_medians "$D" | jq -r --arg runs "$runs" '"isobox run: native median \(.native) ms, wasm median \(.wasm) ms, ratio \(.wasm / .native | . * 1000 | round / 1000); isobox wasm run median \(.["wasm run"]) ms (\($runs) runs each)"'
((phases)) || exit 0

# phase_run NAME: one debug run of bundle NAME; its "startup:" lines into $D/NAME.phases (a
# blank line between runs). The bundles alternate, so a change of load hits both alike.
phase_run() {
  "$isobox" --debug --root "$D/state" run --bundle "$D/$1" "phases-$1" </dev/null 2>&1 >/dev/null |
    sed -n 's/^isobox: debug: startup: //p' >>"$D/$1.phases"
  echo >>"$D/$1.phases"
}
for ((i = 0; i < runs; i++)); do
  phase_run native
  phase_run wasm
done
# Per run, each phase's time is its mark minus the previous mark (marks sorted by time); the
# table gives the median over the runs, per phase, for both bundles.
python3 - "$D/native.phases" "$D/wasm.phases" <<'PY'
import re, statistics, sys
def medians(path):
    runs, order = open(path).read().split("\n\n"), []
    deltas = {}
    for run in runs:
        marks = [re.match(r"(.*) at \+([0-9.]+) ms$", l) for l in run.splitlines() if l]
        marks = sorted(((float(m[2]), m[1]) for m in marks if m), key=lambda x: x[0])
        prev = 0.0
        for t, name in marks:
            deltas.setdefault(name, []).append(t - prev)
            if name not in order:
                order.append(name)
            prev = t
    return order, {k: statistics.median(v) for k, v in deltas.items()}
(no, nm), (wo, wm) = medians(sys.argv[1]), medians(sys.argv[2])
if "wasm: guest returned" not in wm or "run: container deleted" not in nm:
    sys.exit("bench_wasm_run: the --debug runs printed no startup lines")
order = wo + [p for p in no if p not in wo]
print(f"{'phase (median of the time since the previous mark)':62} {'native':>9} {'wasm':>9}")
for p in order:
    n = f"{nm[p]:.3f}" if p in nm else "-"
    w = f"{wm[p]:.3f}" if p in wm else "-"
    print(f"{p:62} {n:>9} {w:>9}")
PY
