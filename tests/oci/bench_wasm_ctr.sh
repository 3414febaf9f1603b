#!/usr/bin/env bash
# Times `ctr run --rm --runc-binary isobox` (containerd's runc shim) of a hello-world Wasm image
# against the same C program compiled natively (static) in an image of its own, with hyperfine
# (in rounds of alternating order, bench_rounds.sh),
# on a private containerd (temp root, state and socket; CRI off), and prints both medians and their
# ratio (issue 11, startup through containerd). With runc installed, runc's native run is timed
# too, as the control.
#   bench_wasm_ctr.sh [--runs N] [--isobox PATH]
# Needs root, hyperfine, containerd, ctr, containerd-shim-runc-v2, umoci, clang-14, gcc, jq.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=20
isobox=$here/../../build/tools/isobox/isobox
while (($#)); do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --isobox) isobox=$2; shift 2 ;;
  *) echo "usage: $0 [--runs N] [--isobox PATH]" >&2 && exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "bench_wasm_ctr: needs root" >&2; exit 77; }
for tool in hyperfine containerd ctr containerd-shim-runc-v2 umoci clang-14 gcc jq; do
  command -v $tool >/dev/null || { echo "bench_wasm_ctr: $tool missing" >&2; exit 77; }
done
isobox=$(realpath "$isobox")
# shellcheck source=../lib/containerd.sh
source "$here/../lib/containerd.sh"
NS=isobox-wasmctr-$$
ctrd_new isobox-wasmctr "$NS"
trap 'ctrd_stop; ctrd_remove' EXIT
c() { ctrd_ctr "$NS" "$@"; }
ctrd_write_config
ctrd_start || { echo "bench_wasm_ctr: containerd did not start" >&2; exit 1; }

printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >"$D/hello.c"
gcc -static -O2 -o "$D/hello.native" "$D/hello.c"
clang-14 --target=wasm32-wasi -O2 -Wl,--strip-debug -o "$D/hello.wasm" "$D/hello.c"
# image NAME FILE: an image isobox.bench/NAME whose only layer holds FILE as /hello.
image() {
  local layout=$D/oci-$1
  umoci init --layout "$layout"
  umoci new --image "$layout:latest"
  umoci unpack --image "$layout:latest" "$D/unpacked-$1" >/dev/null
  install -m 755 "$2" "$D/unpacked-$1/rootfs/hello"
  umoci repack --image "$layout:latest" "$D/unpacked-$1"
  umoci config --image "$layout:latest" --clear=config.entrypoint --config.cmd=/hello
  tar -C "$layout" -cf "$D/$1.tar" .
  c images import --base-name "isobox.bench/$1" "$D/$1.tar" >/dev/null
}
image native "$D/hello.native"
image wasm "$D/hello.wasm"
# cmd RUNTIME_BIN IMAGE ID: the ctr command line hyperfine runs.
cmd() {
  echo "ctr -a $SOCK -n $NS run --rm --runc-binary $1 --runc-root $D/runtime-root" \
    "--cgroup /$NS/$3 isobox.bench/$2:latest $3"
}
for b in native wasm; do
  out=$($(cmd "$isobox" $b check-$b))
  [[ $out == hello ]] || { echo "bench_wasm_ctr: $b image printed '$out'" >&2; exit 1; }
done
control=()
runc_bin=$(command -v runc || true)
[[ -n $runc_bin ]] && control=("runc native" "$(cmd "$runc_bin" native bench-runc)")
# shellcheck source=bench_rounds.sh
source "$here/bench_rounds.sh"
bench_rounds "$runs" "$D" native "$(cmd "$isobox" native bench-native)" \
  wasm "$(cmd "$isobox" wasm bench-wasm)" "${control[@]}"
bench_medians "$D" | jq -r --arg runs "$runs" '"ctr run: native median \(.native) ms, wasm median \(.wasm) ms, ratio \(.wasm / .native | . * 1000 | round / 1000)" +
  (if .["runc native"] then "; runc native median \(.["runc native"]) ms" else "" end) + " (\($runs) runs each)"'
