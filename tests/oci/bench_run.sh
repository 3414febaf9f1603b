#!/usr/bin/env bash
# Times `<runtime> run` of busybox `true` with hyperfine for isobox, runc and crun on the same
# bundle (crun through crun_wrapper.sh, i.e. including its private mount namespace) and prints
# min / median / mean / max in milliseconds per runtime.
#   bench_run.sh [--runs N] [--isobox PATH] [--json FILE]
# Needs root and hyperfine. A runtime whose `run` fails once is reported as not working.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=30
isobox=$here/../../build/tools/isobox/isobox
json_out=
while (($#)); do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --isobox) isobox=$2; shift 2 ;;
  --json) json_out=$2; shift 2 ;;
  *) echo "usage: $0 [--runs N] [--isobox PATH] [--json FILE]" >&2 && exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || {
  echo "bench_run: needs root" >&2
  exit 77
}
command -v hyperfine >/dev/null || {
  echo "bench_run: hyperfine missing" >&2
  exit 77
}

D=$(mktemp -d /tmp/isobox-bench.XXXXXX)
trap 'rm -rf "$D"' EXIT
bundle=$D/bundle
mkdir -p "$bundle/rootfs"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$bundle/rootfs/bin/busybox"
ln -s busybox "$bundle/rootfs/bin/true"
jq '.process.args = ["/bin/true"] | .linux.cgroupsPath = "/isobox-bench"' \
  "$here/base_config.json" >"$bundle/config.json"

declare -A bins=([isobox]=$(readlink -f "$isobox" 2>/dev/null || echo "$isobox")
  [runc]=$(command -v runc || echo /usr/sbin/runc) [crun]=$here/crun_wrapper.sh)
echo "# $(uname -srm), $(nproc) cpus; $runs runs each; bundle: busybox-static 'true'"
printf '%-8s %9s %9s %9s %9s  %s\n' runtime min_ms median_ms mean_ms max_ms version
for rt in isobox runc crun; do
  bin=${bins[$rt]}
  cmd="$bin --root $D/root-$rt run --bundle $bundle bench-$rt"
  if ! $cmd >/dev/null 2>"$D/err" </dev/null; then
    printf '%-8s %s\n' "$rt" "not working: $(head -n1 "$D/err")"
    continue
  fi
  hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$D/$rt.json" "$cmd" \
    >/dev/null 2>&1 || {
    printf '%-8s %s\n' "$rt" "hyperfine failed"
    continue
  }
  version=$($bin --version 2>/dev/null | head -n1)
  jq -r --arg rt "$rt" --arg v "$version" '.results[0] |
    [$rt, (.min, .median, .mean, .max | . * 1000 | . * 100 | round / 100 | tostring), $v] |
    "\(.[0]) \(.[1]) \(.[2]) \(.[3]) \(.[4])  \(.[5])"' "$D/$rt.json" |
    awk '{printf "%-8s %9s %9s %9s %9s  ", $1, $2, $3, $4, $5; for (i = 6; i <= NF; i++) printf "%s ", $i; print ""}'
done
# What crun_wrapper.sh itself costs (unshare + sh + bind mount), to subtract from crun's figure.
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$D/wrapper.json" \
  "env CRUN_BIN=/bin/true $here/crun_wrapper.sh" >/dev/null 2>&1 &&
  jq -r '.results[0] | [(.min, .median, .mean, .max | . * 100000 | round / 100 | tostring)] |
    "wrapper  \(.[0]) \(.[1]) \(.[2]) \(.[3])  (crun_wrapper.sh around /bin/true)"' "$D/wrapper.json" |
  awk '{printf "%-8s %9s %9s %9s %9s  ", $1, $2, $3, $4, $5; for (i = 6; i <= NF; i++) printf "%s ", $i; print ""}'
if [[ -n $json_out ]]; then
  jq -s 'map(.results[0] | {command, min, median, mean, max, times})' "$D"/*.json >"$json_out"
fi
rmdir /sys/fs/cgroup/*/isobox-bench /sys/fs/cgroup/isobox-bench 2>/dev/null || true
