# cri_env.sh: sourced by the CRI tests; starts a private containerd with its CRI plugin (own root,
# state, socket, cgroup parent under a temp dir) whose runtime handlers are `isobox` (the runc v2
# shim with BinaryName = the built isobox: deploy/containerd/config-v1.toml) and `runc` (the
# control), builds the test images locally with umoci (a busybox-static "pause" image, a busybox
# sidecar image, the Wasm probe image, hello-world images) and generates the CRI Python stubs from
# ../shared/testdata/cri/api.proto with Debian's protoc + grpc plugin.
# Needs: ISOBOX_BIN, PROBE (the native probe; probe.wasm beside it). Sets D, SOCK, STUBS and
# CRI_CGROUP.
# The containerd itself is tests/lib/containerd.sh's (CTRD_KEEP=1 keeps the temp dir).
# Callers exit 77 (skip) through cri_skip when something this needs is absent.

cri_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cri_src=$(cd "$cri_here/../.." && pwd)
CRI_NS=k8s.io
# shellcheck source=../lib/containerd.sh
source "$cri_here/../lib/containerd.sh"

cri_skip() {
  echo "SKIP: $*"
  exit 77
}

cri_fail() {
  echo "FAIL: $*" >&2
  echo "--- containerd log (tail)" >&2
  tail -n 30 "$D/containerd.log" >&2 2>/dev/null
  exit 1
}

# The CRI test data: ../shared beside the repository, or two levels up for git worktrees.
cri_find_testdata() {
  local d
  for d in "$cri_src/../shared/testdata/cri" "$cri_src/../../shared/testdata/cri"; do
    [[ -f $d/api.proto ]] && { CRI_TESTDATA=$(cd "$d" && pwd); return 0; }
  done
  cri_skip "no ../shared/testdata/cri/api.proto beside $cri_src"
}

# What every CRI test needs; cri_setup adds the binaries under test.
cri_check_tools() {
  [[ $(id -u) == 0 ]] || cri_skip "the CRI test needs root"
  local tool
  for tool in containerd ctr containerd-shim-runc-v2 umoci protoc grpc_python_plugin; do
    command -v $tool >/dev/null || cri_skip "$tool not installed"
  done
  [[ -f /usr/share/gocode/src/github.com/gogo/protobuf/gogoproto/gogo.proto ]] ||
    cri_skip "golang-github-gogo-protobuf-dev not installed"
  /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null ||
    cri_skip "python3-grpcio / python3-protobuf not installed"
  cri_find_testdata
}

cri_gen_stubs() {
  STUBS=$D/stubs
  mkdir -p "$STUBS"
  (cd "$CRI_TESTDATA" && protoc -I /usr/share/gocode/src -I /usr/include -I . \
    --python_out="$STUBS" --grpc_python_out="$STUBS" \
    --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin api.proto) ||
    cri_fail "protoc api.proto"
  protoc -I /usr/share/gocode/src -I /usr/include --python_out="$STUBS" \
    github.com/gogo/protobuf/gogoproto/gogo.proto || cri_fail "protoc gogo.proto"
}

# The runtime handler: deploy/containerd/config-v1.toml (containerd 1.x) used verbatim, except that
# sed points its BinaryName line at the binary under test.
cri_isobox_snippet() {
  local f=$cri_src/deploy/containerd/config-v1.toml
  [[ -f $f ]] || cri_fail "$f missing"
  sed -E "s|^([[:space:]]*BinaryName[[:space:]]*=[[:space:]]*).*|\1\"$ISOBOX_BIN\"|" "$f"
}

# A bridge network for the pods that are not host-network (containernetworking-plugins): its own
# bridge per test, no gateway or masquerade (nothing on the host changes but the bridge).
cri_write_cni() {
  CNI_BRIDGE=cnib$$
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] || return 0
  cat >"$D/cni-conf/10-isobox.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "isobox-cri-$$", "plugins": [{"type": "bridge",
  "bridge": "$CNI_BRIDGE", "isGateway": false, "ipMasq": false, "hairpinMode": false,
  "ipam": {"type": "host-local", "dataDir": "$D/cni-ipam",
           "ranges": [[{"subnet": "10.88.$(($$ % 250)).0/24"}]]}}]}
EOF
}

cri_write_config() {
  mkdir -p "$D/cni-conf"
  cri_write_cni
  ctrd_write_config cri
  cat >>"$D/config.toml" <<EOF
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "isobox.test/pause:cri"
  disable_apparmor = true
  enable_selinux = false
  stats_collect_period = 1
  # lowering oom_score_adj (the sandbox gets -998) needs CAP_SYS_RESOURCE, which a container host
  # (CI, docker) may lack: clamp it to containerd's own, as rootless setups do
  restrict_oom_score_adj = true
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = "$D/cni-conf"
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  BinaryName = "${RUNC_BIN:-runc}"
EOF
  cri_isobox_snippet >>"$D/config.toml"
}

cri_ctr() { ctrd_ctr "$CRI_NS" "$@"; }

cri_start_containerd() {
  cri_write_config
  ctrd_start || cri_fail "containerd did not start"
}

# cri_image NAME CMD... : an image of $D/rootfs-NAME (already filled) with the given cmd, imported
# as isobox.test/NAME:cri.
cri_image() {
  local name=$1 layout=$D/oci-$1 arg cmd=()
  shift
  for arg in "$@"; do cmd+=("--config.cmd=$arg"); done
  umoci init --layout "$layout" && umoci new --image "$layout:cri" &&
    umoci unpack --image "$layout:cri" "$D/bundle-$name" >/dev/null || cri_fail "umoci ($name)"
  cp -a "$D/rootfs-$name/." "$D/bundle-$name/rootfs/"
  umoci repack --image "$layout:cri" "$D/bundle-$name" &&
    umoci config --image "$layout:cri" --clear=config.entrypoint "${cmd[@]}" \
      --config.env=PATH=/bin || cri_fail "umoci repack/config ($name)"
  tar -C "$layout" -cf "$D/$name.tar" . || cri_fail "tar ($name)"
  cri_ctr images import --base-name "isobox.test/$name" "$D/$name.tar" >/dev/null ||
    cri_fail "ctr images import ($name)"
}

cri_busybox_rootfs() {
  local r=$D/rootfs-$1 a
  mkdir -p "$r"/{bin,tmp,proc,sys,dev,etc}
  cp /bin/busybox "$r/bin/busybox"
  for a in sh echo sleep cat ls true; do ln -s busybox "$r/bin/$a"; done
}

cri_build_images() {
  local probe_dir
  probe_dir=$(dirname "$PROBE")
  cri_busybox_rootfs pause
  cri_image pause /bin/sleep 2147483647
  cri_busybox_rootfs busybox
  cp "$PROBE" "$D/rootfs-busybox/probe"
  cri_image busybox /bin/sleep 2147483647
  mkdir -p "$D/rootfs-wasm"
  install -m 755 "$probe_dir/probe.wasm" "$D/rootfs-wasm/probe.wasm"
  cri_image wasm /probe.wasm hello
}

# hello-world images for the startup measurement: puts("hello") static native vs wasm32-wasi.
cri_build_hello_images() {
  command -v clang-14 >/dev/null || cri_skip "clang-14 not installed"
  printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >"$D/hello.c"
  mkdir -p "$D/rootfs-hello-native" "$D/rootfs-hello-wasm"
  gcc -static -O2 -o "$D/rootfs-hello-native/hello" "$D/hello.c" || cri_fail "gcc hello"
  clang-14 --target=wasm32-wasi -O2 -Wl,--strip-debug -o "$D/rootfs-hello-wasm/hello" \
    "$D/hello.c" || cri_fail "clang-14 hello"
  cri_image hello-native /hello
  cri_image hello-wasm /hello
}

# Runtime state dirs of this test's containers (bundles under $D) that a failed run left in the
# shim's runtime root: deleted by the runtime that wrote them, then removed.
cri_remove_runtime_states() {
  local root=/run/containerd/runc/$CRI_NS s id
  for s in "$root"/*/state.json; do
    grep -qF "$D/" "$s" 2>/dev/null || continue
    id=$(basename "$(dirname "$s")")
    "$ISOBOX_BIN" --root "$root" delete --force "$id" >/dev/null 2>&1 ||
      runc --root "$root" delete --force "$id" >/dev/null 2>&1
    rm -rf "${root:?}/$id"
  done
}

cri_cleanup() {
  ctrd_stop
  cri_remove_runtime_states
  [[ -n ${CNI_BRIDGE:-} ]] && ip link del "$CNI_BRIDGE" 2>/dev/null
  ctrd_remove
}

# cri_start NAME: a temp dir /tmp/NAME.* and cgroup parent NAME-PID (removed at exit), the CRI
# stubs and a serving containerd.
cri_start() {
  CRI_CGROUP=$1-$$
  ctrd_new "$1" "$CRI_CGROUP"
  trap 'rc=$?; cri_cleanup; exit $rc' EXIT
  cri_gen_stubs
  cri_start_containerd
}

# cri_setup: everything up to a serving containerd with the test images imported.
cri_setup() {
  cri_check_tools
  [[ -x $ISOBOX_BIN ]] || cri_skip "isobox $ISOBOX_BIN not built"
  [[ -x $PROBE && -f $(dirname "$PROBE")/probe.wasm ]] || cri_skip "probe/probe.wasm not built"
  cri_start isobox-cri
  cri_build_images
}
