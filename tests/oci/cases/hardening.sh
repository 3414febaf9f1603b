# Issue 10's security items: exec from the state saved at create, pid files at caller-chosen
# paths, the sealed executable, hooks (stdin, timeouts, process groups, SIGPIPE), failing
# security-relevant calls, limits that cannot be applied, masked symlinks, warning hooks.

SYSCALL_FAULT=$(dirname "$PROBE")/syscall_fault

# rt_fault NAME ERRNO ARGS...: `rt` with syscall NAME failing with ERRNO in the runtime and
# everything it starts (tests/oci/probe/syscall_fault.c).
rt_fault() {
  local name=$1 err=$2
  shift 2
  [[ -x $SYSCALL_FAULT ]] || skip "syscall_fault not built"
  ISOBOX_TEST_MARK=$WORK timeout -k 5 "$RT_TIMEOUT" "$SYSCALL_FAULT" "$name" "$err" \
    "$RUNTIME_BIN" --root "$STATE_ROOT" "$@"
}

# hook_json PATH [ARGS...]: one hook object for a test (env carries the test's marker so a
# leftover hook process is found and killed by the cleanup).
hook_json() {
  local path=$1
  shift
  jq -cn --arg p "$path" --argjson a "$(json_array "$@")" --arg m "ISOBOX_TEST_MARK=$WORK" \
    '{"path":$p,"args":$a,"env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin",$m]}'
}

# A created container's exec takes namespaces, seccomp and the process defaults from what was
# saved at create: rewriting (or breaking) the bundle's config.json afterwards changes nothing.
test_exec_saved_config() {
  new_bundle
  cfg '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
        "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  cfg '.linux.namespaces |= map(select(.type != "mount")) | del(.linux.seccomp) |
       .process.env += ["FROM_REWRITTEN_BUNDLE=1"]'
  OUT=$(rt exec "$CID" /bin/sh -c 'mkdir /tmp/d 2>/dev/null && echo mkdir=ok || echo mkdir=refused
    /probe info') || fail "exec after the bundle changed failed"
  local init_mnt
  init_mnt=$(stat -L -c %i "/proc/$(state_field pid)/ns/mnt")
  expect_eq "$(val ns.mnt)" "$init_mnt" "mount namespace of the exec'd process"
  expect_eq "$(val seccomp)" 2 "seccomp mode of the exec'd process"
  expect_eq "$(val mkdir)" refused "mkdir under the container's seccomp profile"
  # runc 1.1.5 takes exec's process defaults (env, cwd, user, capabilities) from the bundle's
  # config.json, only namespaces and seccomp from its state; crun and isobox take none of it.
  [[ $RUNTIME == runc ]] ||
    expect_eq "$(val env.FROM_REWRITTEN_BUNDLE)" "" "env taken from the rewritten bundle"
  if [[ $RUNTIME != runc ]]; then # runc 1.1.5 parses the bundle's config.json for exec (above)
    echo '{ not json' >"$BUNDLE/config.json"
    OUT=$(rt exec "$CID" /probe info) || fail "exec with a corrupt bundle config.json failed"
    expect_eq "$(val ns.mnt)" "$init_mnt" "mount namespace with a corrupt bundle config"
  fi
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# A container created by an isobox that saved no copy of config.json: exec fails with one line
# naming the way out, delete still works.
test_exec_state_from_older_build() {
  unsupported_by runc "isobox's own state layout (<root>/<id>/config.json)"
  unsupported_by crun "isobox's own state layout (<root>/<id>/config.json)"
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  rm "$STATE_ROOT/$CID/config.json"
  RC=0
  ERR=$(rt exec "$CID" /bin/true 2>&1) || RC=$?
  expect_ne "$RC" 0 "exec without a saved config"
  expect_match "$ERR" "older isobox.*create it again" "exec's error"
  expect_eq "$(wc -l <<<"$ERR")" 1 "lines of exec's error"
  rt delete --force "$CID" || fail "delete failed"
  expect_nothing_left "$CID"
}

# --pid-file never follows a planted symlink: not at the path itself (it is replaced), not at a
# temp name next to it (isobox's old "P.tmp", runc's ".P"). create, run and exec.
test_pid_file_planted_symlink() {
  unsupported_by crun "crun 1.8.1 opens --pid-file following a symlink at the path itself: the link's target gets the pid"
  echo keep >"$WORK/victim"
  mkdir "$WORK/pids"
  local n
  for n in init run exec; do
    ln -s "$WORK/victim" "$WORK/pids/$n.pid"
    ln -s "$WORK/victim" "$WORK/pids/$n.pid.tmp"
  done
  new_bundle
  args /bin/sleep 100
  create_container --pid-file "$WORK/pids/init.pid"
  [[ -f $WORK/pids/init.pid && ! -L $WORK/pids/init.pid ]] || fail "create's pid file is not a file"
  expect_eq "$(cat "$WORK/pids/init.pid")" "$(state_field pid)" "create's pid file"
  rt start "$CID"
  rt exec --detach --pid-file "$WORK/pids/exec.pid" "$CID" /bin/sleep 100 || fail "exec failed"
  [[ ! -L $WORK/pids/exec.pid ]] || fail "exec's pid file is still the planted symlink"
  [[ -d /proc/$(cat "$WORK/pids/exec.pid") ]] || fail "exec's pid file holds no live pid"
  rt delete --force "$CID"
  new_bundle
  args /bin/true
  CREATED_IDS+=("$CID")
  rt run --detach --pid-file "$WORK/pids/run.pid" --bundle "$BUNDLE" "$CID" </dev/null \
    >/dev/null 2>"$WORK/err" || fail "run failed: $(cat "$WORK/err")"
  [[ ! -L $WORK/pids/run.pid ]] || fail "run's pid file is still the planted symlink"
  expect_eq "$(cat "$WORK/victim")" keep "the planted symlinks' target"
  expect_eq "$(find "$WORK/pids" -newer "$WORK/victim" -name '.*' | wc -l)" 0 "temp files left"
  rt delete --force "$CID" 2>/dev/null || true
}

# A hook that never reads a state larger than a pipe's buffer (64 KiB) still times out.
test_hook_timeout_big_state() {
  unsupported_by crun "crun 1.8.1 writes the state to the hook's stdin in a blocking write before its timeout starts: create hangs"
  new_bundle
  args /bin/true
  head -c 200000 /dev/zero | tr '\0' x >"$WORK/big"
  cfg '.annotations.big = $big | .hooks.createRuntime = [$h + {"timeout": 2}]' \
    --rawfile big "$WORK/big" --argjson h "$(hook_json /bin/sleep sleep 60)"
  local start=$SECONDS
  RT_TIMEOUT=30 run_container
  expect_ne "$RC" 0 "create with a hook that times out"
  expect_match "$ERR" "[Tt]ime" "error for the hook's timeout"
  ((SECONDS - start < 15)) || fail "the hook's 2 s timeout took $((SECONDS - start)) s"
  expect_nothing_left "$CID"
}

# A hook's timeout kills what the hook started too (its process group).
test_hook_timeout_kills_group() {
  unsupported_by runc "runc 1.1.5 kills only the hook's own process on a timeout, then waits for the output pipes its children hold: create hangs until they exit"
  unsupported_by crun "crun 1.8.1 kills only the hook's own process on a timeout; what it started survives"
  new_bundle
  args /bin/true
  cfg '.hooks.createRuntime = [$h + {"timeout": 1}]' \
    --argjson h "$(hook_json /bin/sh sh -c "sleep 60 & echo \$! > $WORK/bg.pid; wait")"
  local start=$SECONDS
  RT_TIMEOUT=30 run_container
  ((SECONDS - start < 15)) || fail "the hook's 1 s timeout took $((SECONDS - start)) s"
  expect_ne "$RC" 0 "create with a hook that times out"
  expect_match "$ERR" "[Tt]ime" "error for the hook's timeout"
  local bg
  bg=$(cat "$WORK/bg.pid")
  [[ -n $bg ]] || fail "the hook did not start its child"
  sleep 0.3
  [[ ! -d /proc/$bg ]] || [[ $(awk '{print $3}' "/proc/$bg/stat") == Z ]] ||
    fail "the hook's child $bg survived the timeout"
  expect_nothing_left "$CID"
}

# Hooks run by the init (startContainer) leave the container's signal dispositions alone.
test_hook_sigpipe_not_inherited() {
  new_bundle
  args /bin/grep '^SigIgn' /proc/self/status
  run_container
  expect_ok
  local without=$OUT
  new_bundle
  args /bin/grep '^SigIgn' /proc/self/status
  cfg '.hooks.startContainer = [{"path":"/bin/true"}, {"path":"/bin/true"}]'
  run_container
  expect_ok
  expect_eq "$OUT" "$without" "ignored signals with startContainer hooks"
}

# Without pidfd_open (ENOSYS: an older kernel or a filter) a hook's timeout still applies.
test_hook_timeout_without_pidfd() {
  new_bundle
  args /bin/true
  cfg '.hooks.createRuntime = [$h + {"timeout": 1}]' --argjson h "$(hook_json /bin/sleep sleep 60)"
  CREATED_IDS+=("$CID")
  local start=$SECONDS
  RC=0
  RT_TIMEOUT=30 rt_fault pidfd_open 38 run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null \
    2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  expect_ne "$RC" 0 "create with a hook that times out (no pidfd_open)"
  expect_match "$ERR" "[Tt]ime" "error for the hook's timeout"
  ((SECONDS - start < 15)) || fail "the hook's 1 s timeout took $((SECONDS - start)) s"
  expect_nothing_left "$CID"
}

# Joining a new session keyring: a failure other than ENOSYS fails the container (as runc).
test_keyring_join_failure() {
  new_bundle
  args /bin/true
  CREATED_IDS+=("$CID")
  RC=0
  rt_fault keyctl 1 run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  log "keyctl EPERM: exit $RC: $ERR"
  expect_ne "$RC" 0 "run when the session keyring cannot be joined (EPERM)"
  expect_match "$ERR" "keyring" "error"
  expect_nothing_left "$CID"
  new_bundle
  args /bin/true
  CREATED_IDS+=("$CID")
  RC=0
  rt_fault keyctl 38 run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$WORK/err" || RC=$?
  expect_eq "$RC" 0 "run on a kernel without keyrings (ENOSYS): $(cat "$WORK/err")"
  expect_nothing_left "$CID"
}

# A masked path that is a symlink masks its target (resolved inside the rootfs), as runc does.
test_sec_masked_symlink() {
  new_bundle
  mkdir -p "$BUNDLE/rootfs/data/dir"
  echo topsecret >"$BUNDLE/rootfs/data/secret"
  echo inside >"$BUNDLE/rootfs/data/dir/file"
  ln -s /data/secret "$BUNDLE/rootfs/masked-file"
  ln -s ../../../data/dir "$BUNDLE/rootfs/masked-dir"
  cfg '.linux.maskedPaths += ["/masked-file", "/masked-dir"]'
  args /bin/sh -c 'echo secret=$(cat /data/secret); echo dir=$(ls /data/dir | wc -l)'
  run_container
  expect_ok
  expect_eq "$(val secret)" "" "the masked symlink's target file"
  expect_eq "$(val dir)" 0 "entries of the masked symlink's target directory"
  expect_eq "$(cat "$BUNDLE/rootfs/data/secret")" topsecret "the image's file"
  expect_nothing_left "$CID"
}

# A failing poststart or poststop hook is a warning: the next hooks run, start and delete succeed.
test_hooks_warn_and_continue() {
  unsupported_by runc "runc 1.1.5 runs poststart hooks at create and fails create when one fails"
  new_bundle
  args /bin/sleep 100
  local bad ok_start ok_stop
  bad=$(hook_json /bin/false false)
  # crun 1.8 writes the state to a hook's stdin without ignoring SIGPIPE: a hook that exits before
  # reading it sometimes kills crun (exit 141). isobox keeps /bin/false (it must survive that).
  [[ $RUNTIME != crun ]] || bad=$(hook_json /bin/sh sh -c 'cat >/dev/null; exit 1')
  ok_start=$(hook_json /bin/sh sh -c "echo ran > $WORK/poststart-2")
  ok_stop=$(hook_json /bin/sh sh -c "echo ran > $WORK/poststop-2")
  cfg '.hooks.poststart = [$bad, $s] | .hooks.poststop = [$bad, $p]' \
    --argjson bad "$bad" --argjson s "$ok_start" --argjson p "$ok_stop"
  CREATED_IDS+=("$CID")
  RC=0
  rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$WORK/err" || RC=$?
  expect_eq "$RC" 0 "create: $(cat "$WORK/err")"
  RC=0
  rt start "$CID" 2>"$WORK/err" || RC=$?
  expect_eq "$RC" 0 "start with a failing poststart hook: $(cat "$WORK/err")"
  [[ -s $WORK/poststart-2 ]] || fail "the poststart hook after the failing one did not run"
  wait_status running
  RC=0
  rt delete --force "$CID" 2>"$WORK/err" || RC=$?
  expect_eq "$RC" 0 "delete with a failing poststop hook: $(cat "$WORK/err")"
  [[ -s $WORK/poststop-2 ]] || fail "the poststop hook after the failing one did not run"
  expect_nothing_left "$CID"
}

# limit_case NAME JQ_FILTER: creates a container with one limit; sets RC and ERR (the container
# is left created for the caller's checks when it succeeded).
limit_case() {
  new_bundle
  args /bin/sleep 100
  cfg "$2"
  CREATED_IDS+=("$CID")
  RC=0
  rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  log "$1: exit $RC ${ERR:+: $ERR}"
}

# limit_refused NAME REGEX: the create must have failed with an error naming the limit (REGEX)
# and left nothing behind.
limit_refused() {
  expect_ne "$RC" 0 "create with $1 that cannot be applied on this host"
  expect_match "$ERR" "$2" "error for $1"
  expect_nothing_left "$CID"
}

# A limit that cannot be applied fails create with one error and leaves nothing; one that can is
# applied: never silently dropped. linux.resources.network needs net_cls/net_prio (v1).
test_limit_network() {
  unsupported_by crun "crun 1.8.1 refuses linux.resources.network without net_cls but leaves the container's cgroups behind"
  limit_case network '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}'
  if compgen -G '/sys/fs/cgroup/net_cls*' >/dev/null; then
    expect_eq "$RC" 0 "create with linux.resources.network ($ERR)"
    expect_eq "$(cat /sys/fs/cgroup/net_cls/"$CID"/net_cls.classid)" 1048577 "net_cls.classid"
    rt delete --force "$CID"
  else
    limit_refused "linux.resources.network (no net_cls/net_prio here)" "net_cls|network"
  fi
  expect_nothing_left "$CID"
}

# process.apparmorProfile on a host without AppArmor is refused (runc: "unable to apply apparmor
# profile"), never ignored.
test_limit_apparmor() {
  [[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) != Y ]] ||
    skip "AppArmor is enabled here: this test needs a host without it"
  limit_case apparmor '.process.apparmorProfile = "isobox-test-profile"'
  limit_refused "process.apparmorProfile (AppArmor not enabled)" "[Aa]pp[Aa]rmor"
}

# memory.kernelTCP: applied where the v1 memory controller has memory.kmem.tcp.limit_in_bytes.
test_limit_kernel_tcp() {
  unsupported_by runc "runc 1.1.5 ignores memory.kernelTCP with a warning (\"Kernel memory settings are ignored\")"
  limit_case kernelTCP '.linux.resources.memory.kernelTCP = 16777216'
  local tcp=/sys/fs/cgroup/memory/$CID/memory.kmem.tcp.limit_in_bytes
  if [[ $RC == 0 ]]; then
    [[ -e $tcp ]] || fail "kernelTCP accepted but there is no $tcp"
    expect_eq "$(cat "$tcp")" 16777216 "memory.kmem.tcp.limit_in_bytes"
    rt delete --force "$CID"
  else
    [[ ! -e /sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes ]] ||
      fail "kernelTCP refused although this host has memory.kmem.tcp.limit_in_bytes: $ERR"
    limit_refused "memory.kernelTCP" "kernelTCP|kmem"
  fi
  expect_nothing_left "$CID"
}

# hugepageLimits: applied through whichever hierarchy holds hugetlb (cgroup2 on this hybrid host).
test_limit_hugetlb() {
  unsupported_by crun "crun 1.8.1 refuses hugepageLimits here (no v1 hugetlb; the wrapper hides cgroup2's) but leaves the container's cgroups behind"
  limit_case hugetlb '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
  if [[ $RC == 0 ]]; then
    local got
    got=$(cat /sys/fs/cgroup/hugetlb/"$CID"/hugetlb.2MB.limit_in_bytes \
      /sys/fs/cgroup/unified/"$CID"/hugetlb.2MB.max /sys/fs/cgroup/"$CID"/hugetlb.2MB.max 2>/dev/null ||
      true)
    expect_eq "$got" 4194304 "the 2MB hugetlb limit"
    rt delete --force "$CID"
  else
    limit_refused "hugepageLimits" "hugetlb|hugepage"
  fi
  expect_nothing_left "$CID"
}

# CVE-2019-5736: the process that enters the container (the init, waiting for `start`) runs from
# an executable nobody can write, even with ISOBOX_SEALED_EXE=1 in the runtime's environment
# (a marker that once turned the protection off). Accepted: a write-sealed memfd (runc, crun) or
# a read-only mount (isobox's read-only bind of its binary).
test_sec_exe_sealed_env() {
  export ISOBOX_SEALED_EXE=1
  new_bundle
  args /bin/true
  create_container
  local verdict
  verdict=$(python3 - "$(state_field pid)" <<'PY'
import fcntl, os, sys
exe = f"/proc/{sys.argv[1]}/exe"
target = os.readlink(exe)
if target.startswith("/memfd:"):
    fd = os.open(exe, os.O_RDONLY)
    sealed = fcntl.fcntl(fd, fcntl.F_GET_SEALS) & fcntl.F_SEAL_WRITE
    print("sealed-memfd" if sealed else "unsealed-memfd " + target)
elif os.statvfs(exe).f_flag & os.ST_RDONLY:
    print("read-only-mount " + target)
else:
    print("writable " + target)
PY
  )
  log "the init's executable before start: $verdict"
  expect_match "$verdict" "^(sealed-memfd|read-only-mount)" "the container init's executable"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# The pty bind onto /dev/console is checked: a config whose /dev/console cannot take it (here a
# directory: a tmpfs mounted there) fails the container instead of leaving /dev/console unbound.
test_console_bind_failure() {
  new_bundle
  cfg '.process.terminal = true |
       .mounts += [{"destination": "/dev/console", "type": "tmpfs", "source": "tmpfs"}]'
  args /bin/sh -c 'tty; stat -c console=%F /dev/console'
  python3 "$OCI_TEST_DIR/console_receiver.py" "$WORK/console.sock" "$WORK/console.out" &
  local receiver=$!
  wait_for_socket "$WORK/console.sock"
  CREATED_IDS+=("$CID")
  RC=0
  rt create --bundle "$BUNDLE" --console-socket "$WORK/console.sock" "$CID" </dev/null \
    >/dev/null 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  log "create: exit $RC: $ERR"
  if [[ $RC == 0 ]]; then
    rt start "$CID"
    wait "$receiver" || true
    log "inside: $(tr '\r\n' '  ' <"$WORK/console.out")"
    fail "create succeeded with a /dev/console the pty cannot be bound onto"
  fi
  kill "$receiver" 2>/dev/null || true
  expect_match "$ERR" "console" "error"
  expect_nothing_left "$CID"
}
