#!/usr/bin/env bash
# CRI end-to-end: a private containerd with its CRI plugin, driven through runtime.v1 as a kubelet
# would (cri_scenarios.py) with runtime handler HANDLER: isobox (Wasm workload + native sidecar)
# or runc (the control, native parts only). See cri_env.sh for the setup.
#   cri_e2e.sh HANDLER ISOBOX_BIN PROBE
# Exit 0 pass, 1 fail, 77 skip (not root, a tool or ../shared/testdata/cri missing).
set -uo pipefail
HANDLER=$1
ISOBOX_BIN=$2
PROBE=$3
source "$(dirname "$0")/cri_env.sh"
[[ $HANDLER == runc ]] && { command -v runc >/dev/null || cri_skip "runc not installed"; }
cri_setup
# state dirs a removed container must not leave: the shim's bundles and the runtime's state root
# (the runc v2 shim passes --root /run/containerd/runc/<namespace> to isobox and runc alike)
/usr/bin/python3 "$cri_here/cri_scenarios.py" "$SOCK" "$STUBS" "$D" "$CRI_CGROUP" "$HANDLER" \
  "$D/state/io.containerd.runtime.v2.task/$CRI_NS" "/run/containerd/runc/$CRI_NS" ||
  cri_fail "CRI scenarios (handler $HANDLER)"
