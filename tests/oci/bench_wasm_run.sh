#!/usr/bin/env bash
# Times `isobox run` of a hello-world Wasm container against the same C program compiled natively
# (static) in the same kind of bundle (tests/oci/base_config.json, a rootfs holding only the
# program) with hyperfine, and prints both medians and their ratio (issue 11, startup target).
#   bench_wasm_run.sh [--runs N] [--isobox PATH]        (needs root, hyperfine, clang-14, gcc)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=30
isobox=$here/../../build/tools/isobox/isobox
while (($#)); do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --isobox) isobox=$2; shift 2 ;;
  *) echo "usage: $0 [--runs N] [--isobox PATH]" >&2 && exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "bench_wasm_run: needs root" >&2; exit 77; }
for tool in hyperfine clang-14 gcc jq; do
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
hyperfine -N --warmup 3 --runs "$runs" --export-json "$D/times.json" \
  -n native "$isobox --root $D/state run --bundle $D/native bench-native" \
  -n wasm "$isobox --root $D/state run --bundle $D/wasm bench-wasm" >&2
jq -r '.results | map({(.command): (.median * 1000)}) | add |
  "native median \(.native | . * 100 | round / 100) ms, wasm median \(.wasm | . * 100 | round / 100) ms, ratio \(.wasm / .native | . * 1000 | round / 1000)"' \
  "$D/times.json"
