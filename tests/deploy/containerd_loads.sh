#!/usr/bin/env bash
# Starts a scratch containerd (its own root, state and socket) with a config the installer patched
# and checks its CRI plugin loaded the isobox runtime: the plugin's startup log line lists it.
# usage: containerd_loads.sh DEPLOY_DIR ISOBOX_BINARY   (root and containerd needed, else exit 77)
set -euo pipefail
deploy=$1 binary=$2
[[ $(id -u) == 0 ]] || { echo "skip: needs root"; exit 77; }
command -v containerd >/dev/null || { echo "skip: no containerd"; exit 77; }
# shellcheck source=../lib/containerd.sh
source "$(dirname "$0")/../lib/containerd.sh"
ctrd_new isobox-containerd-loads ""
trap 'ctrd_stop; ctrd_remove' EXIT

containerd config default | sed -e "s#/var/lib/containerd#$D/root#; s#/run/containerd/containerd.sock#$SOCK#" \
  -e "s#^state = .*#state = \"$D/state\"#; s#/opt/containerd#$D/opt#" >"$D/config.toml"
"$deploy/installer/install.sh" --binary "$binary" --install-path "$D/bin/isobox" --config "$D/config.toml" \
  --restart-cmd true

ctrd_start || { echo "FAIL: containerd did not start:"; cat "$D/containerd.log"; exit 1; }
line=$(grep -o 'Start cri plugin with config.*' "$D/containerd.log") || { echo "FAIL: no CRI start line"; cat "$D/containerd.log"; exit 1; }
runtime=$(grep -o "isobox:{Type:io.containerd.runc.v2 [^}]*}" <<<"$line") \
  || { echo "FAIL: the CRI plugin has no isobox runtime: $line"; exit 1; }
echo "containerd's CRI plugin loaded: $runtime"
grep -q "PodAnnotations:\[run.oci.handler module.wasm.image/variant isobox.wasm/\*\]" <<<"$runtime" \
  || { echo "FAIL: pod_annotations not loaded"; exit 1; }
grep -q "BinaryName:$D/bin/isobox" <<<"$runtime" || { echo "FAIL: BinaryName not the installed path"; exit 1; }
ctr --address "$SOCK" plugins ls | grep -E 'io.containerd.grpc.v1 +cri .* ok' \
  || { echo "FAIL: the CRI plugin is not ok"; exit 1; }
echo "containerd_loads: ok"
