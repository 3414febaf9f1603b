#!/usr/bin/env bash
# Installs every Debian package isobox needs to build, test and evaluate. Idempotent.
set -euo pipefail
packages=(
  # build
  g++ cmake ninja-build pkg-config clang-format clang-tidy
  libfmt-dev nlohmann-json3-dev libcli11-dev libseccomp-dev libssl-dev libsystemd-dev libgtest-dev libgmock-dev
  libbenchmark-dev
  llvm-14-dev llvm-19-dev lld-19
  # wasm test inputs and references
  wabt clang-14 lld-14 wasi-libc libclang-rt-14-dev libclang-rt-14-dev-wasm32
  libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 nodejs
  # container peers and test images
  runc crun containerd busybox-static umoci jq python3 python3-yaml util-linux strace
  # the audit's file-capability scenario (setcap)
  libcap2-bin
  # CRI tests: Python stubs of ../shared/testdata/cri/api.proto generated at test time
  protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf golang-github-gogo-protobuf-dev
  containernetworking-plugins
  # deploy/ checks: the Kubernetes API models (manifests checked offline)
  python3-kubernetes
  # --systemd-cgroup tests: a private bus and a stand-in for systemd's manager
  dbus-daemon python3-dbus python3-gi
  # measurement, and the eval report's check in a headless browser
  hyperfine chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
