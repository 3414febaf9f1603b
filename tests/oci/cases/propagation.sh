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
# runc refuses masked/readonly paths without a mount namespace, so the config has none, and only
# /proc is mounted; both runtimes leave the mounts in the caller's namespace when the container
# ends (runc also its rootfs bind), so the test unmounts them before looking for leftovers.
test_prop_no_mount_namespace() {
  unsupported_by crun "crun runs in crun_wrapper.sh's private mount namespace here"
  new_bundle
  cfg '.linux.namespaces |= map(select(.type != "mount"))
       | .linux.maskedPaths = [] | .linux.readonlyPaths = []
       | .mounts |= map(select(.destination == "/proc"))'
  args /bin/sh -c 'echo ns=$(readlink /proc/self/ns/mnt); ls /probe'
  run_container
  expect_ok
  expect_eq "$(val ns)" "$(readlink /proc/self/ns/mnt)" "the container's mount namespace"
  expect_match "$OUT" '/probe' "the rootfs is the container's /"
  # exec enters the init's root too (runc 1.1.5 leaves the exec'd process in the caller's root).
  if [[ $RUNTIME == isobox ]]; then
    new_bundle
    cfg '.linux.namespaces |= map(select(.type != "mount"))
         | .linux.maskedPaths = [] | .linux.readonlyPaths = []
         | .mounts |= map(select(.destination == "/proc"))'
    args /bin/sleep 100
    create_container
    rt start "$CID"
    wait_status running
    OUT=$(rt exec "$CID" /bin/sh -c 'echo ns=$(readlink /proc/self/ns/mnt); ls /probe') ||
      fail "exec in a container without a mount namespace"
    expect_eq "$(val ns)" "$(readlink /proc/self/ns/mnt)" "exec's mount namespace"
    expect_match "$OUT" '/probe' "exec sees the container's /"
    rt delete --force "$CID"
  fi
  local m
  for m in $(mounts_under_work | sort -r); do umount "$m"; done
  expect_nothing_left "$CID"
}
