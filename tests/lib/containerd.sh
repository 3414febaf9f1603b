# containerd.sh: sourced by the tests that drive a private containerd (tests/cri, tests/deploy,
# tests/oci/containerd_e2e.sh and bench_wasm_ctr.sh): root, state, sockets and log in one temp dir,
# started, waited for and stopped the same way everywhere. Safe under `set -euo pipefail`.
#   ctrd_new PREFIX CGROUP   D = a new /tmp/PREFIX.XXXXXX, SOCK = $D/containerd.sock; CGROUP is the
#                            cgroup (parent) name, under every hierarchy, of the test's containers
#   ctrd_write_config [cri]  $D/config.toml (version 2) with root, state and sockets under $D and
#                            no aufs/btrfs/zfs/devmapper/tracing; the CRI plugin only with `cri`.
#                            Callers append their own sections.
#   ctrd_start               containerd --config $D/config.toml (log $D/containerd.log), returns
#                            once it serves its API; on failure one line on stderr and status 1
#   ctrd_ctr NS ARGS...      ctr against it in namespace NS, 60 s at most
#   ctrd_stop                ends containerd, its shims (they outlive it) and what runs in CGROUP
#   ctrd_remove              unmounts what is mounted under $D, removes CGROUP's cgroups and $D
#                            ($D is kept, and said so, when CTRD_KEEP is set)

# shellcheck shell=bash
CTRD_PID=
CTRD_CGROUP=

ctrd_new() {
  D=$(mktemp -d "/tmp/$1.XXXXXX")
  SOCK=$D/containerd.sock
  CTRD_CGROUP=$2
}

ctrd_write_config() {
  local cri='"io.containerd.grpc.v1.cri", '
  [[ ${1:-} == cri ]] && cri=
  cat >"$D/config.toml" <<EOF
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = [${cri}"io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = "$D/debug.sock"
EOF
}

ctrd_ctr() {
  local ns=$1
  shift
  timeout -k 5 60 ctr -a "$SOCK" -n "$ns" "$@"
}

# Polls `ctr version` every 0.1 s for 15 s at most (a cold start under load takes a few seconds).
ctrd_start() {
  containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
  CTRD_PID=$!
  local tries=150
  while ((tries-- > 0)); do
    timeout -k 2 10 ctr -a "$SOCK" version >/dev/null 2>&1 && return 0
    if ! kill -0 "$CTRD_PID" 2>/dev/null; then
      echo "containerd exited (log: $D/containerd.log)" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "containerd did not serve $SOCK within 15 s" >&2
  return 1
}

# Only processes of this test: containerd by pid, shims by our socket path on their command line,
# containers by our cgroup name.
ctrd_stop() {
  local p
  if [[ -n $CTRD_PID ]]; then
    kill "$CTRD_PID" 2>/dev/null || true
    wait "$CTRD_PID" 2>/dev/null || true
    CTRD_PID=
  fi
  for p in /proc/[0-9]*; do
    if grep -qzF -- "$SOCK" "$p/cmdline" 2>/dev/null; then kill -9 "${p#/proc/}" 2>/dev/null || true; fi
  done
  [[ -n $CTRD_CGROUP ]] || return 0
  for p in /sys/fs/cgroup/*/"$CTRD_CGROUP" /sys/fs/cgroup/"$CTRD_CGROUP"; do
    [[ -d $p ]] || continue
    find "$p" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  done
  sleep 0.1
}

ctrd_remove() {
  local m p
  for m in $(awk -v d="$D" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  if [[ -n $CTRD_CGROUP ]]; then
    for p in /sys/fs/cgroup/*/"$CTRD_CGROUP" /sys/fs/cgroup/"$CTRD_CGROUP"; do
      [[ -d $p ]] || continue
      find "$p" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
  fi
  if [[ -n ${CTRD_KEEP:-} ]]; then
    echo "kept $D"
  else
    rm -rf "$D"
  fi
}
