# Lifecycle verbs: create/start/state/kill/delete, run, exec, list, ps, pid files (runc's CLI).

# `run` in the foreground returns the container's exit code and its output.
test_run_exit_code() {
  new_bundle
  run_probe exit 7
  expect_rc 7
  expect_nothing_left "$CID"
  new_bundle
  run_probe info
  expect_ok
  expect_eq "$(val pid)" 1 "pid inside the pid namespace"
  expect_eq "$(val hostname)" isobox-test hostname
}

# create -> created (with a live pid) -> start -> running -> exits -> stopped -> delete -> gone.
test_create_start_delete() {
  new_bundle
  args /bin/sh -c 'echo started; sleep 1; echo done'
  create_container
  expect_eq "$(state_field status)" created "status after create"
  expect_eq "$(state_field id)" "$CID" "state id"
  expect_eq "$(state_field bundle)" "$BUNDLE" "state bundle"
  local pid
  pid=$(state_field pid)
  expect_match "$pid" '^[1-9][0-9]*$' "state pid"
  [[ -d /proc/$pid ]] || fail "init pid $pid is not alive after create"
  [[ ! -s $WORK/ctr.out ]] || fail "process ran before start: $(cat "$WORK/ctr.out")"
  rt start "$CID" || fail "start failed"
  wait_status running 5
  wait_file_match "$WORK/ctr.out" started
  wait_status stopped 10
  wait_file_match "$WORK/ctr.out" done
  rt delete "$CID" || fail "delete failed"
  expect_nothing_left "$CID"
}

# kill accepts signal names with and without SIG and numbers; the process sees the signal.
test_kill_signal_names() {
  local sig want
  for sig in USR1 SIGUSR2 15; do
    new_bundle
    args /probe wait-signal
    create_container
    rt start "$CID" || fail "start failed"
    wait_file_match "$WORK/ctr.out" waiting
    rt kill "$CID" "$sig" || fail "kill $sig failed"
    case $sig in USR1) want=10 ;; SIGUSR2) want=12 ;; 15) want=15 ;; esac
    wait_file_match "$WORK/ctr.out" "signal=$want"
    wait_status stopped 5
    rt delete "$CID" || fail "delete failed"
    expect_nothing_left "$CID"
  done
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  rt kill "$CID" KILL || fail "kill KILL failed"
  wait_status stopped 5
  rt delete "$CID"
  expect_nothing_left "$CID"
}

# delete --force kills a running container and removes everything; plain delete refuses.
test_delete_force_running() {
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  if rt delete "$CID" 2>/dev/null; then
    fail "delete of a running container without --force succeeded"
  fi
  rt delete --force "$CID" || fail "delete --force failed"
  expect_nothing_left "$CID"
  # also a container that was only created
  new_bundle
  args /bin/sleep 100
  create_container
  rt delete --force "$CID" || fail "delete --force of a created container failed"
  expect_nothing_left "$CID"
}

# list (table and json) shows the container and its status; ps shows its processes.
test_list_ps() {
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  local pid listed
  pid=$(state_field pid)
  rt list | grep -E "^${CID}[[:space:]]+${pid}[[:space:]]+running" >/dev/null ||
    fail "list does not show $CID $pid running: $(rt list)"
  listed=$(rt list --format json | jq -r --arg id "$CID" '.[] | select(.id == $id) | .status')
  expect_eq "$listed" running "list --format json status"
  rt list -q | grep -Fx "$CID" >/dev/null || fail "list -q misses $CID"
  rt ps "$CID" | grep -Ew "$pid" >/dev/null || fail "ps does not show pid $pid: $(rt ps "$CID")"
  listed=$(rt ps --format json "$CID" | jq -r '.[]')
  expect_eq "$listed" "$pid" "ps --format json"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# exec with ARGS and with --process joins the container's namespaces; exit codes propagate.
test_exec() {
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  OUT=$(rt exec "$CID" /probe info) || fail "exec /probe info failed"
  expect_eq "$(val hostname)" isobox-test "hostname seen by exec"
  expect_ne "$(val pid)" 1 "exec'd process is not pid 1"
  expect_eq "$(val ppid)" 0 "exec'd process's parent is outside the pid namespace"
  local init_pidns
  init_pidns=$(stat -L -c %i "/proc/$(state_field pid)/ns/pid")
  expect_eq "$(val ns.pid)" "$init_pidns" "exec joins the init's pid namespace"
  RC=0
  rt exec "$CID" /probe exit 3 || RC=$?
  expect_eq "$RC" 3 "exec exit code"
  jq '.process | .args = ["/probe", "info"] | .env += ["EXEC_VIA=process-json"] | .cwd = "/tmp"' \
    "$BUNDLE/config.json" >"$WORK/process.json"
  OUT=$(rt exec --process "$WORK/process.json" "$CID") || fail "exec --process failed"
  expect_eq "$(val env.EXEC_VIA)" process-json "env from process.json"
  expect_eq "$(val cwd)" /tmp "cwd from process.json"
  rt exec --detach --pid-file "$WORK/exec.pid" "$CID" /bin/sleep 100 || fail "exec --detach failed"
  local epid
  epid=$(cat "$WORK/exec.pid")
  [[ -d /proc/$epid ]] || fail "detached exec pid $epid not alive"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# --pid-file holds the init's host pid, the same as state's pid.
test_pid_file() {
  new_bundle
  args /bin/sleep 100
  create_container --pid-file "$WORK/init.pid"
  expect_eq "$(cat "$WORK/init.pid")" "$(state_field pid)" "pid file"
  rt start "$CID"
  wait_status running
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# A container whose process died reads as stopped; a signal to it fails; delete cleans it.
test_state_after_exit() {
  new_bundle
  args /bin/true
  create_container
  rt start "$CID"
  wait_status stopped
  if rt start "$CID" 2>/dev/null; then
    fail "start of a stopped container succeeded"
  fi
  rt delete "$CID" || fail "delete of a stopped container failed"
  if rt state "$CID" >/dev/null 2>&1; then
    fail "state of a deleted container succeeded"
  fi
  expect_nothing_left "$CID"
}

# --tty with --console-socket: the runtime sends the pty master over the socket.
test_console_socket() {
  new_bundle
  cfg '.process.terminal = true'
  args /bin/sh -c 'tty; echo tty-ok'
  python3 "$OCI_TEST_DIR/console_receiver.py" "$WORK/console.sock" "$WORK/console.out" &
  local receiver=$!
  wait_for_socket "$WORK/console.sock"
  create_container --console-socket "$WORK/console.sock"
  rt start "$CID" || fail "start failed"
  wait "$receiver" || fail "console receiver failed"
  grep -q '^/dev/pts/' "$WORK/console.out" || fail "no pty inside: $(cat "$WORK/console.out")"
  grep -q 'tty-ok' "$WORK/console.out" || fail "no output through the pty"
  wait_status stopped
  rt delete "$CID"
  expect_nothing_left "$CID"
}

# exec --tty with --console-socket, as containerd's shim does it (always with --detach, which
# runc requires with a console socket): the exec'd process has the pty as stdin and stdout, and
# the pty master reaches the socket.
test_exec_tty() {
  command -v python3 >/dev/null || skip "python3 missing"
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  python3 "$OCI_TEST_DIR/console_receiver.py" "$WORK/exec.sock" "$WORK/exec.out" &
  local receiver=$!
  wait_for_socket "$WORK/exec.sock"
  rt exec --detach --tty --console-socket "$WORK/exec.sock" --pid-file "$WORK/exec.pid" "$CID" \
    /bin/sh -c 'test -t 0 && test -t 1 && echo exec-has-tty; tty' || fail "exec --tty failed"
  [[ -s $WORK/exec.pid ]] || fail "exec --tty wrote no pid file"
  wait "$receiver" || fail "console receiver failed"
  grep -q 'exec-has-tty' "$WORK/exec.out" || fail "exec'd stdio is no tty: $(cat "$WORK/exec.out")"
  grep -q '^/dev/pts/' "$WORK/exec.out" || fail "no pty inside: $(cat "$WORK/exec.out")"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# run with process.terminal and no --console-socket: the runtime owns the pty and proxies it.
# The container must see the caller's window size from the start and again after the caller's
# terminal is resized (SIGWINCH). pty_run.py plays the terminal.
test_run_tty_winch() {
  unsupported_by crun "crun 1.8.1 run without --console-socket leaves its pty at 0x0 (stty size fails inside)"
  command -v python3 >/dev/null || skip "python3 missing"
  new_bundle
  ln -s busybox "$BUNDLE/rootfs/bin/stty"
  cfg '.process.terminal = true'
  args /bin/sh -c 'while [ ! -e /tmp/stop ]; do stty size; sleep 0.1; done; echo tty-done'
  CREATED_IDS+=("$CID")
  RC=0
  OUT=$(ISOBOX_TEST_MARK=$WORK timeout -k 5 40 python3 "$OCI_TEST_DIR/pty_run.py" 33x101 40x120 \
    "$BUNDLE/rootfs/tmp/stop" -- "$RUNTIME_BIN" --root "$STATE_ROOT" run --bundle "$BUNDLE" "$CID" |
    tr -d '\r') || RC=$?
  [[ $RC == 0 ]] || fail "run on a pty exited $RC: $OUT"
  grep -qx '33 101' <<<"$OUT" || fail "initial size not seen inside: $OUT"
  grep -qx '40 120' <<<"$OUT" || fail "size after SIGWINCH not seen inside: $OUT"
  grep -qx 'tty-done' <<<"$OUT" || fail "container did not finish: $OUT"
  expect_nothing_left "$CID"
}

wait_for_socket() {
  local tries=50
  while ((tries-- > 0)); do
    [[ -S $1 ]] && return 0
    sleep 0.1
  done
  fail "socket $1 never appeared"
}

# pause freezes every process of the container, resume thaws them.
test_pause_resume() {
  new_bundle
  args /bin/sh -c 'while true; do date +%s%N >/tmp/tick; sleep 0.05; done'
  create_container
  rt start "$CID"
  wait_status running
  rt pause "$CID" || fail "pause failed"
  wait_status paused
  local pid a b
  pid=$(state_field pid)
  a=$(cat "/proc/$pid/root/tmp/tick")
  sleep 0.5
  b=$(cat "/proc/$pid/root/tmp/tick")
  expect_eq "$b" "$a" "the paused container kept running"
  rt resume "$CID" || fail "resume failed"
  wait_status running
  sleep 0.5
  expect_ne "$(cat "/proc/$pid/root/tmp/tick")" "$a" "the resumed container is still frozen"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# kill --all signals every process of the container, including exec'd ones.
test_kill_all() {
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  rt exec --detach --pid-file "$WORK/exec.pid" "$CID" /bin/sleep 100 || fail "exec --detach failed"
  local epid
  epid=$(cat "$WORK/exec.pid")
  rt kill --all "$CID" KILL || fail "kill --all failed"
  wait_status stopped
  local tries=50
  while [[ -d /proc/$epid ]] && ((tries-- > 0)); do sleep 0.1; done
  [[ ! -d /proc/$epid ]] || fail "exec'd process $epid survived kill --all"
  rt delete "$CID"
  expect_nothing_left "$CID"
}

# --no-pivot uses chroot-like root switching; the container still sees only its rootfs.
test_no_pivot() {
  new_bundle
  args /bin/sh -c 'ls / | tr "\n" " "'
  CREATED_IDS+=("$CID")
  RC=0
  rt run --no-pivot --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
  expect_ok
  expect_match "$OUT" 'probe' "root listing"
  expect_no_match "$OUT" '(^| )(work|home|usr/lib)( |$)' "root listing shows host paths"
  expect_nothing_left "$CID"
}

# spec writes a default config.json that the runtime itself can run; features prints JSON.
test_spec_features() {
  new_bundle
  rm "$BUNDLE/config.json"
  (cd "$BUNDLE" && rt spec) || fail "spec failed"
  jq -e '.ociVersion and .process.args and .root.path == "rootfs" and (.linux.namespaces | length > 0)' \
    "$BUNDLE/config.json" >/dev/null || fail "spec wrote an unusable config.json"
  (cd "$BUNDLE" && ! rt spec 2>/dev/null) || fail "spec overwrote an existing config.json"
  cfg '.process.terminal = false | .process.args = ["/probe", "exit", "4"] | .linux.cgroupsPath = $c' \
    --arg c "/$CID"
  run_container
  expect_rc 4
  [[ $RUNTIME != crun ]] || return 0 # crun 1.8 has no features verb
  rt features | jq -e '.ociVersionMin and .ociVersionMax and (.linux.namespaces | index("pid"))' \
    >/dev/null || fail "features JSON lacks ociVersionMin/Max or namespaces: $(rt features)"
}
