#!/usr/bin/env bash
# Runs deploy/samples/*.yaml through containerd's CRI the way a kubelet would, on a private
# containerd (tests/cri/cri_env.sh) whose config deploy/installer/install.sh patched: the images
# are built locally under the names the manifests use, then run_sample_pods.py reads the manifests.
#   sample_pods.sh DEPLOY_DIR ISOBOX_BIN
# Exit 0 pass, 1 fail, 77 skip (not root, a tool or ../shared/testdata/cri missing).
set -uo pipefail
DEPLOY=$(cd "$1" && pwd)
ISOBOX_BIN=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../cri/cri_env.sh"

check_tools() {
  cri_check_tools
  command -v clang-14 >/dev/null || cri_skip "clang-14 not installed"
  /usr/bin/python3 -c 'import yaml' 2>/dev/null || cri_skip "python3-yaml not installed"
}

# The isobox runtime comes from the installer, not from the snippet cri_env.sh appends.
eval "base_$(declare -f cri_write_config)"
cri_isobox_snippet() { :; }
cri_write_config() {
  base_cri_write_config
  "$DEPLOY/installer/install.sh" --binary "$ISOBOX_BIN" --install-path "$D/bin/isobox" \
    --config "$D/config.toml" --restart-cmd true >"$D/install.log" 2>&1 ||
    { cat "$D/install.log"; cri_fail "install.sh"; }
}

# sample_image REF ROOTFS ENTRYPOINT... : an image of ROOTFS imported under the manifest's name REF
# (docker.io/library/ added as the CRI plugin normalizes it).
sample_image() {
  local ref=$1 rootfs=$2 layout=$D/oci-sample-${1//[:\/]/-} arg ep=()
  shift 2
  for arg in "$@"; do ep+=("--config.entrypoint=$arg"); done
  umoci init --layout "$layout" && umoci new --image "$layout:${ref##*:}" &&
    umoci unpack --image "$layout:${ref##*:}" "$layout.bundle" >/dev/null || cri_fail "umoci ($ref)"
  cp -a "$rootfs/." "$layout.bundle/rootfs/"
  umoci repack --image "$layout:${ref##*:}" "$layout.bundle" &&
    umoci config --image "$layout:${ref##*:}" "${ep[@]}" --config.env=PATH=/bin ||
    cri_fail "umoci repack/config ($ref)"
  tar -C "$layout" -cf "$layout.tar" . || cri_fail "tar ($ref)"
  cri_ctr images import --base-name "docker.io/library/${ref%%:*}" "$layout.tar" >/dev/null ||
    cri_fail "ctr images import ($ref)"
}

# The Wasm sample as deploy/samples/hello-wasm/Containerfile builds it (its ENTRYPOINT), and a
# busybox:1.36 stand-in from busybox-static (no entrypoint, as the real image).
build_sample_images() {
  local w=$D/rootfs-sample-wasm entrypoint
  mkdir -p "$w"
  clang-14 --target=wasm32-wasi -O2 -Wl,--strip-debug -o "$w/hello.wasm" \
    "$DEPLOY/samples/hello-wasm/hello.c" || cri_fail "clang-14 hello.c"
  entrypoint=$(sed -n 's/^ENTRYPOINT \["\(.*\)"\]$/\1/p' "$DEPLOY/samples/hello-wasm/Containerfile")
  [[ $entrypoint == /hello.wasm ]] || cri_fail "Containerfile ENTRYPOINT is '$entrypoint'"
  sample_image isobox-hello-wasm:0.1.0 "$w" "$entrypoint"
  cri_busybox_rootfs sample-busybox
  sample_image busybox:1.36 "$D/rootfs-sample-busybox"
}

check_tools
cri_start isobox-samples
cri_busybox_rootfs pause
cri_image pause /bin/sleep 2147483647
build_sample_images
/usr/bin/python3 "$here/run_sample_pods.py" "$DEPLOY" "$SOCK" "$STUBS" "$D" "$CRI_CGROUP" \
  "$D/state/io.containerd.runtime.v2.task/$CRI_NS" "/run/containerd/runc/$CRI_NS" ||
  cri_fail "sample pods"
