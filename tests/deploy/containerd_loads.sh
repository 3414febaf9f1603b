#!/usr/bin/env bash
# Starts a scratch containerd (its own root, state and socket) with a config the installer patched
# and checks its CRI plugin loaded the isobox runtime: the plugin's startup log line lists it.
# usage: containerd_loads.sh DEPLOY_DIR ISOBOX_BINARY   (root and containerd needed, else exit 77)
set -euo pipefail
deploy=$1 binary=$2
[[ $(id -u) == 0 ]] || { echo "skip: needs root"; exit 77; }
command -v containerd >/dev/null || { echo "skip: no containerd"; exit 77; }
d=$(mktemp -d /tmp/isobox-containerd-loads.XXXXXX)
pid=""
cleanup() {
  [[ -z $pid ]] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  rm -rf "$d"
}
trap cleanup EXIT

containerd config default | sed -e "s#/var/lib/containerd#$d/root#; s#/run/containerd/containerd.sock#$d/sock#" \
  -e "s#^state = .*#state = \"$d/state\"#; s#/opt/containerd#$d/opt#" >"$d/config.toml"
"$deploy/installer/install.sh" --binary "$binary" --install-path "$d/bin/isobox" --config "$d/config.toml" \
  --restart-cmd true

containerd --config "$d/config.toml" >"$d/log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q 'containerd successfully booted' "$d/log" && break
  kill -0 "$pid" 2>/dev/null || { echo "FAIL: containerd exited:"; cat "$d/log"; exit 1; }
  sleep 0.1
done
line=$(grep -o 'Start cri plugin with config.*' "$d/log") || { echo "FAIL: no CRI start line"; cat "$d/log"; exit 1; }
runtime=$(grep -o "isobox:{Type:io.containerd.runc.v2 [^}]*}" <<<"$line") \
  || { echo "FAIL: the CRI plugin has no isobox runtime: $line"; exit 1; }
echo "containerd's CRI plugin loaded: $runtime"
grep -q "PodAnnotations:\[run.oci.handler module.wasm.image/variant isobox.wasm/\*\]" <<<"$runtime" \
  || { echo "FAIL: pod_annotations not loaded"; exit 1; }
grep -q "BinaryName:$d/bin/isobox" <<<"$runtime" || { echo "FAIL: BinaryName not the installed path"; exit 1; }
ctr --address "$d/sock" plugins ls | grep -E 'io.containerd.grpc.v1 +cri .* ok' \
  || { echo "FAIL: the CRI plugin is not ok"; exit 1; }
echo "containerd_loads: ok"
