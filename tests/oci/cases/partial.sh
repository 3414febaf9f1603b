# Partial state (issue 15) and cgroup ownership (issue 10 item 3): a create killed at a known
# point, a state dir with no state.json, a pre-existing cgroup with a foreign process, and
# list/state while other runtime processes create and delete.

# hook_killing_runtime: a createRuntime hook that SIGKILLs its parent, the create process,
# while the init waits for the hooks (cgroup made, init cloned and in the cgroup).
hook_killing_runtime() {
  cfg '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "kill -9 $PPID"]}]'
}

# init_pids_of ID: the processes in the container's cgroup (pids hierarchy).
init_pids_of() { cat "/sys/fs/cgroup/pids/$1/cgroup.procs" 2>/dev/null || true; }

# A create killed mid-handshake leaves no process (the init dies with it). On isobox the partial
# container is listed, `state` describes it, delete --force removes everything, the id is free.
test_create_killed_in_hook() {
  new_bundle
  args /bin/sleep 100
  hook_killing_runtime
  CREATED_IDS+=("$CID")
  rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 && fail "create survived"
  local tries=50
  while [[ -n $(init_pids_of "$CID") ]] && ((tries-- > 0)); do sleep 0.1; done
  [[ -z $(init_pids_of "$CID") ]] || fail "init outlived its create: $(init_pids_of "$CID")"
  [[ -z $(procs_in_work) ]] || fail "processes left after the killed create: $(procs_in_work)"
  [[ $RUNTIME == isobox ]] || return 0 # runc and crun forget such a container (docs)
  rt list | grep -E "^$CID[[:space:]]+0[[:space:]]+partial" >/dev/null ||
    fail "list does not show $CID as partial: $(rt list)"
  expect_eq "$(state_field status)" partial "state of the killed create"
  rt --debug delete --force "$CID" 2>"$WORK/delete.err" || fail "delete --force failed"
  grep -q "removed cgroup /sys/fs/cgroup/pids/$CID" "$WORK/delete.err" ||
    fail "delete --debug does not say what it removed: $(cat "$WORK/delete.err")"
  expect_nothing_left "$CID"
  cfg 'del(.hooks)'
  create_container
  expect_eq "$(state_field status)" created "status of the reused id"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# A state dir with no state.json (an interrupted create or delete of an older isobox) is listed
# as partial and removed by delete --force; plain delete removes it too (nothing runs in it).
test_delete_partial_state_dir() {
  unsupported_by runc "runc 1.1.5 ignores such a dir: state says 'does not exist' (docs)"
  unsupported_by crun "crun 1.8.1 ignores such a dir (docs)"
  mkdir "$STATE_ROOT/half" "$STATE_ROOT/half2"
  rt list | grep -E "^half[[:space:]]+0[[:space:]]+partial" >/dev/null ||
    fail "list does not show the partial dir: $(rt list)"
  CID=half
  expect_eq "$(state_field status)" partial "state of a dir without state.json"
  rt delete --force half || fail "delete --force of a partial dir failed"
  rt delete half2 || fail "delete of a partial dir failed"
  [[ -z $(ls -A "$STATE_ROOT") ]] || fail "left in the state root: $(ls -A "$STATE_ROOT")"
}

# foreign_cgroup ID: the cgroup /<ID> made beforehand in every hierarchy with a foreign process
# in it (FOREIGN); the cleanup trap removes both.
foreign_cgroup() {
  local h
  sleep 300 &
  FOREIGN=$!
  for h in /sys/fs/cgroup/*/; do
    [[ $h == */systemd/ ]] && continue
    mkdir -p "$h$1"
    if [[ $h == */cpuset/ ]]; then
      cat "${h}cpuset.cpus" >"$h$1/cpuset.cpus"
      cat "${h}cpuset.mems" >"$h$1/cpuset.mems"
    fi
    echo "$FOREIGN" >"$h$1/cgroup.procs" 2>/dev/null || true
  done
  CREATED_IDS+=("$1")
}

# expect_foreign_intact ID WHAT: the foreign process lives and the cgroup dirs are still there.
expect_foreign_intact() {
  kill -0 "$FOREIGN" 2>/dev/null || fail "$2 killed the foreign process in the cgroup"
  [[ -d /sys/fs/cgroup/pids/$1 && -d /sys/fs/cgroup/memory/$1 ]] ||
    fail "$2 removed a cgroup that existed before the container"
}

# Issue 10 item 3: delete, run's cleanup and a failed create's cleanup kill only the container's
# processes and remove only the cgroups the runtime made (as runc; crun kills everything).
test_delete_foreign_cgroup() {
  unsupported_by crun "crun 1.8.1 kills every process of a pre-existing cgroup and removes it"
  new_bundle
  foreign_cgroup "$CID"
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  local init
  init=$(state_field pid)
  rt delete --force "$CID" 2>/dev/null || true
  local tries=20 # a zombie until its new parent reaps it
  while [[ $(awk '{print $3}' "/proc/$init/stat" 2>/dev/null) =~ ^[^Z]$ ]] && ((tries-- > 0)); do
    sleep 0.1
  done
  [[ ! $(awk '{print $3}' "/proc/$init/stat" 2>/dev/null) =~ ^[^Z]$ ]] ||
    fail "delete left the container's init $init"
  expect_foreign_intact "$CID" "delete --force"
  args /bin/true
  run_container
  expect_foreign_intact "$CID" "run's cleanup"
  args /no/such/binary
  rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 && fail "create succeeded"
  expect_foreign_intact "$CID" "a failed create's cleanup"
  kill -9 "$FOREIGN"
  wait "$FOREIGN" 2>/dev/null || true
}

# list_state_check: one round of list, list --format json and state c1; the error, if any.
list_state_check() {
  rt list >/dev/null 2>"$WORK/list.err" || { echo "list failed: $(cat "$WORK/list.err")"; return; }
  rt list --format json | jq -e 'type == "array"' >/dev/null 2>&1 || {
    echo "list --format json is not a JSON array"
    return
  }
  if rt state c1 >"$WORK/state.out" 2>"$WORK/state.err"; then
    jq -e .status "$WORK/state.out" >/dev/null 2>&1 || echo "state printed bad json"
  else
    grep -q "does not exist" "$WORK/state.err" || echo "state failed: $(cat "$WORK/state.err")"
  fi
}

# list and state never fail while other runtime processes create and delete containers.
test_list_state_concurrent() {
  unsupported_by runc "runc 1.1.5 list fails when a container vanishes mid-list (docs)"
  unsupported_by crun "crun 1.8.1 state fails on a container being deleted (docs)"
  new_bundle
  args /bin/sleep 100
  local w i err= stop=$WORK/stop
  for w in 1 2 3; do
    (while [[ ! -e $stop ]]; do
      rt create --bundle "$BUNDLE" "c$w" </dev/null >/dev/null 2>&1
      rt delete --force "c$w" >/dev/null 2>&1
    done) &
  done
  CREATED_IDS+=(c1 c2 c3)
  for ((i = 0; i < 60; i++)); do
    err=$(list_state_check)
    [[ -z $err ]] || break
  done
  touch "$stop"
  wait
  [[ -z $err ]] || fail "$err (round $i)"
}
