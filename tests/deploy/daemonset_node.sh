#!/usr/bin/env bash
# Runs the installer DaemonSet's container command on a simulated node, no cluster needed: a
# private mount + PID namespace is the node (its PID 1 is this script; /etc/containerd,
# /usr/local/bin and /var/lib/isobox-installer are scratch dirs mounted over the real ones), and a
# second mount namespace in it is the pod (hostPID, /opt/isobox-installer laid out as
# installer/Containerfile does). The command is the one in daemonset.yaml, with the paths of its
# volume mount and readiness file pointed at scratch dirs; INSTALL_ARGS as in the manifest's env.
# Install twice (one restart), then uninstall (the original config back, the binary gone).
#   daemonset_node.sh DEPLOY_DIR ISOBOX_BIN        (root, unshare and nsenter needed; else 77)
set -euo pipefail
[[ $1 == --node ]] || { deploy=$(cd "$1" && pwd); binary=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); }
[[ $(id -u) == 0 ]] || { echo "skip: needs root"; exit 77; }
command -v unshare >/dev/null && command -v nsenter >/dev/null || { echo "skip: no util-linux"; exit 77; }
[[ -d /etc/containerd ]] || { echo "skip: no /etc/containerd to mount over"; exit 77; }

if [[ $1 != --node ]]; then
  W=$(mktemp -d /tmp/isobox-ds-node.XXXXXX)
  trap 'rm -rf "$W"' EXIT
  mkdir -p "$W"/{etc,bin,hostpath,image/containerd,pod}
  containerd config default >"$W/etc/config.toml"
  cp "$W/etc/config.toml" "$W/original.toml"
  # the installer image's /opt/isobox-installer (installer/Containerfile's COPY lines)
  cp "$binary" "$W/image/isobox"
  cp "$deploy/installer/install.sh" "$W/image/"
  cp "$deploy/containerd/config-v1.toml" "$deploy/containerd/config-v2.toml" "$W/image/containerd/"
  printf '#!/bin/sh\necho restart >>%s/restarts\n' "$W" >"$W/restart.sh"
  chmod +x "$W/restart.sh"
  /usr/bin/python3 - "$deploy/installer/daemonset.yaml" >"$W/manifest.env" <<'EOF'
import shlex, sys, yaml
(c,) = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"]
print("cmd=" + shlex.quote(" ".join(c["command"])))
print("script=" + shlex.quote(c["args"][0]))
print("mount=" + shlex.quote(c["volumeMounts"][0]["mountPath"]))
EOF
  unshare --mount --pid --fork --mount-proc --propagation private -- bash "$0" --node "$W"
  exit $?
fi

# --- the node: PID 1 of its PID namespace, with its own mounts
W=$2
source "$W/manifest.env"
mount --bind "$W/etc" /etc/containerd
mount --bind "$W/bin" /usr/local/bin
mount -t tmpfs tmpfs /var/lib
mkdir /var/lib/isobox-installer
mount --bind "$W/hostpath" /var/lib/isobox-installer
[[ $cmd == "/bin/sh -c" ]] || { echo "FAIL: the container command is '$cmd', not /bin/sh -c"; exit 1; }
script=${script//"$mount"/$W/hostpath}
script=${script//\/tmp\/installed/$W/pod/installed}
script=${script//exec sleep infinity/exit 0}

# pod INSTALL_ARGS: the container, in a mount namespace of its own inside the node's PID namespace.
pod() {
  rm -f "$W/pod/installed"
  INSTALL_ARGS=$1 unshare --mount --propagation private -- /bin/sh -c \
    "mount -t tmpfs tmpfs /opt && mkdir /opt/isobox-installer && cp -r '$W/image/.' /opt/isobox-installer/ &&
     /bin/sh -c '$script'" >"$W/pod.log" 2>&1 || { echo "FAIL: the pod failed:"; cat "$W/pod.log"; exit 1; }
  [[ -f $W/pod/installed ]] || { echo "FAIL: no readiness file"; exit 1; }
  cat "$W/pod.log"
}
restarts() { [[ -f $W/restarts ]] && wc -l <"$W/restarts" || echo 0; }

pod "--restart-cmd $W/restart.sh"
grep -q 'runtimes.isobox]' "$W/etc/config.toml" || { echo "FAIL: runtime not in the node's config"; exit 1; }
cmp -s "$W/hostpath/isobox" "$W/bin/isobox" || { echo "FAIL: binary not in the node's /usr/local/bin"; exit 1; }
grep -q 'BinaryName = "/usr/local/bin/isobox"' "$W/etc/config.toml" || { echo "FAIL: BinaryName"; exit 1; }
cp "$W/etc/config.toml" "$W/installed.toml"
pod "--restart-cmd $W/restart.sh"
cmp -s "$W/etc/config.toml" "$W/installed.toml" || { echo "FAIL: a second rollout changed the config"; exit 1; }
[[ $(restarts) == 1 ]] || { echo "FAIL: $(restarts) restarts after two rollouts"; exit 1; }
pod "--uninstall --restart-cmd $W/restart.sh"
cmp -s "$W/etc/config.toml" "$W/original.toml" || { echo "FAIL: uninstall did not restore the config"; exit 1; }
[[ ! -e $W/bin/isobox && $(restarts) == 2 ]] || { echo "FAIL: binary left or restarts $(restarts)"; exit 1; }
echo "daemonset_node: ok (installed, unchanged on a second rollout, uninstalled; 2 restarts)"
