# Mount namespaces and propagation as the kubelet uses them: linux.rootfsPropagation, mounts with
# a propagation option (Bidirectional = rshared) and a config without a mount namespace.

# root_mountinfo: the mountinfo line of "/" as the container sees it (busybox sh, no awk).
root_mountinfo_cmd='grep -E "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / " /proc/self/mountinfo'

# Issue 10 item 14: rootfsPropagation "unbindable" is applied once every bind is done (after the
# rootfs bind, the pivot, the masked and read-only paths): applied before, the bind of the rootfs
# onto itself fails with EINVAL (runc 1.1.5), and so do the later binds of masked paths and of
# the v1 cgroup mount (crun 1.8.1, which applies it after the pivot): the first round has none.
test_prop_rootfs_unbindable() {
  unsupported_by runc "runc 1.1.5 makes / unbindable before binding the rootfs onto itself: EINVAL"
  local prop
  for prop in unbindable runbindable; do
    new_bundle
    cfg '.linux.rootfsPropagation = $p | .mounts |= map(select(.type != "cgroup"))
         | .linux.maskedPaths = [] | .linux.readonlyPaths = []' --arg p "$prop"
    expect_root_unbindable "$prop without binds after the pivot"
  done
  unsupported_by crun "crun 1.8.1 binds the masked paths and the v1 cgroups after making / unbindable: EINVAL"
  for prop in unbindable runbindable; do
    new_bundle
    cfg '.linux.rootfsPropagation = $p' --arg p "$prop"
    expect_root_unbindable "$prop with the default mounts and masks"
  done
}

# expect_root_unbindable WHAT: the container runs and its "/" is unbindable.
expect_root_unbindable() {
  args /bin/sh -c "$root_mountinfo_cmd"
  run_container
  expect_ok
  expect_match "$OUT" ' unbindable( |$)' "mountinfo of / ($1)"
  expect_nothing_left "$CID"
}

# Issue 10 item 11: Bidirectional propagation (CSI node plugins). The host directory is a shared
# mount, bound into the container with "rshared" under rootfsPropagation "rshared"; a mount the
# container makes under it appears on the host, and nothing else the runtime mounts does.
test_prop_bidirectional() {
  unsupported_by crun "crun_wrapper.sh runs crun in a private mount namespace: nothing propagates back"
  local shared=$WORK/shared
  mkdir -p "$shared"
  mount --bind "$shared" "$shared"
  mount --make-shared "$shared"
  new_bundle
  cfg '.linux.rootfsPropagation = "rshared"
       | .mounts += [{"destination":"/mnt/shared","type":"bind","source":$s,
                      "options":["rbind","rw","rshared"]}]
       | .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])' --arg s "$shared"
  args /bin/sh -c 'mkdir -p /mnt/shared/sub && mount -t tmpfs inside /mnt/shared/sub &&
    echo from-container >/mnt/shared/sub/marker && echo mounted'
  run_container
  expect_ok
  expect_eq "$OUT" mounted "container output"
  [[ $(cat "$shared/sub/marker" 2>/dev/null) == from-container ]] ||
    fail "the container's mount under the rshared bind did not reach the host: $(mounts_under_work)"
  local leaked
  leaked=$(mounts_under_work | grep -vx -e "$shared" -e "$shared/sub" || true)
  [[ -z $leaked ]] || fail "runtime mounts propagated to the host: $leaked"
  umount "$shared/sub"
  umount "$shared"
  expect_nothing_left "$CID"
}

# The default (rslave) keeps a mount made inside the container away from the host even under a
# shared host mount (the HostToContainer case), and a host mount made later is seen inside.
test_prop_default_slave() {
  local shared=$WORK/shared
  mkdir -p "$shared"
  mount --bind "$shared" "$shared"
  mount --make-shared "$shared"
  new_bundle
  cfg '.mounts += [{"destination":"/mnt/shared","type":"bind","source":$s,"options":["rbind","rw"]}]
       | .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])' --arg s "$shared"
  args /bin/sh -c 'mkdir -p /mnt/shared/sub && mount -t tmpfs inside /mnt/shared/sub &&
    echo mounted'
  run_container
  expect_ok
  [[ -z $(mounts_under_work | grep -x "$shared/sub") ]] ||
    fail "a mount made inside reached the host without rshared"
  umount "$shared"
  expect_nothing_left "$CID"
}

# Issue 10 item 13: no "mount" entry in linux.namespaces: the container inherits the runtime's
# mount namespace (config-linux.md: the runtime MUST NOT create one) and sees its rootfs as "/".
# The runtime runs in a scratch namespace (a copy of the host's, peers kept) held by a sleeping
# process, so what it leaves there (mounts: runc also its rootfs bind; runc's rslave of "/") goes
# with it. runc refuses masked/readonly paths without a mount namespace: the config has none, and
# only /proc is mounted.
test_prop_no_mount_namespace() {
  unsupported_by crun "crun runs in crun_wrapper.sh's private mount namespace here"
  local shared=$WORK/shared
  mkdir -p "$shared"
  mount --bind "$shared" "$shared"
  mount --make-shared "$shared"
  start_ns_holder
  new_bundle
  no_mount_ns_config
  args /bin/sh -c 'echo ns=$(readlink /proc/self/ns/mnt); ls /probe'
  CREATED_IDS+=("$CID")
  RC=0
  OUT=$(rt_in_holder run --bundle "$BUNDLE" "$CID" </dev/null 2>"$WORK/err") || RC=$?
  ERR=$(cat "$WORK/err")
  expect_ok
  expect_eq "$(val ns)" "$(readlink "/proc/$HOLDER/ns/mnt")" "the container's mount namespace"
  expect_match "$OUT" '/probe' "the rootfs is the container's /"
  unsupported_by runc "runc 1.1.5 makes the caller's / rslave (its shared mounts stop propagating) and leaves exec in the caller's root"
  nsenter -t "$HOLDER" -m grep -q " $shared $shared .* shared:" /proc/self/mountinfo ||
    fail "the caller's shared mount lost its propagation"
  # exec enters the init's root too.
  new_bundle
  no_mount_ns_config
  args /bin/sleep 100
  CREATED_IDS+=("$CID")
  rt_in_holder create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 || fail "create failed"
  rt_in_holder start "$CID" || fail "start failed"
  OUT=$(rt_in_holder exec "$CID" /bin/sh -c 'echo ns=$(readlink /proc/self/ns/mnt); ls /probe') ||
    fail "exec in a container without a mount namespace"
  expect_eq "$(val ns)" "$(readlink "/proc/$HOLDER/ns/mnt")" "exec's mount namespace"
  expect_match "$OUT" '/probe' "exec sees the container's /"
  rt_in_holder delete --force "$CID"
  kill "$HOLDER"
  umount "$shared"
  expect_nothing_left "$CID"
}

no_mount_ns_config() {
  cfg '.linux.namespaces |= map(select(.type != "mount"))
       | .linux.maskedPaths = [] | .linux.readonlyPaths = []
       | .mounts |= map(select(.destination == "/proc"))'
}

# start_ns_holder: HOLDER, a process in a new mount namespace copied from ours with propagation
# unchanged (marked, so the cleanup kills it).
start_ns_holder() {
  ISOBOX_TEST_MARK=$WORK unshare -m --propagation unchanged sleep 1000 &
  HOLDER=$!
  disown "$HOLDER"
  local tries=50
  while [[ $(readlink "/proc/$HOLDER/ns/mnt") == "$(readlink /proc/self/ns/mnt)" ]]; do
    ((tries-- > 0)) || fail "the namespace holder did not start"
    sleep 0.1
  done
}

# rt_in_holder ARGS...: `rt ARGS` run inside HOLDER's mount namespace.
rt_in_holder() {
  ISOBOX_TEST_MARK=$WORK timeout -k 5 "$RT_TIMEOUT" nsenter -t "$HOLDER" -m --wd="$PWD" -- \
    "$RUNTIME_BIN" --root "$STATE_ROOT" "$@"
}
