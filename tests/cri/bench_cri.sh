#!/usr/bin/env bash
# Startup through containerd's CRI: RunPodSandbox to container exit of a hello-world container,
# Wasm vs native on handler isobox (native on runc as a reference), medians of --runs N each
# (default 20; CI's cri.bench_quick runs 2). Same private containerd as cri_e2e.sh.
#   bench_cri.sh [--runs N] ISOBOX_BIN PROBE
set -uo pipefail
RUNS=20
if [[ ${1:-} == --runs ]]; then
  RUNS=$2
  shift 2
fi
ISOBOX_BIN=$1
PROBE=$2
source "$(dirname "$0")/cri_env.sh"
command -v runc >/dev/null || cri_skip "runc not installed"
cri_setup
cri_build_hello_images
/usr/bin/python3 "$cri_here/cri_bench.py" "$SOCK" "$STUBS" "$D" "$CRI_CGROUP" "$RUNS" ||
  cri_fail "CRI startup measurement"
