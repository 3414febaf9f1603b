# Crash consistency (issue 15): each verb SIGKILLed at a random moment, then `delete --force` and
# a leftover check. CHAOS_N iterations per verb (4 in CI; >= 100 by hand), CHAOS_SEED replays a
# run (the seed is printed). isobox must leave nothing and report the truth; runc and crun are run
# side by side and their counts are only reported (docs/oci-testing.md "Chaos and load").

CHAOS_N=${CHAOS_N:-4}

# chaos_start VERB: seeds $RANDOM (printed for replay) and zeroes the counters.
chaos_start() {
  CHAOS_VERB=$1
  local seed=${CHAOS_SEED:-$((($(date +%s%N) / 1000) % 32768))}
  RANDOM=$seed
  CHAOS_SEED_USED=$seed
  log "chaos $CHAOS_VERB on $RUNTIME: seed $seed (replay: CHAOS_SEED=$seed CHAOS_N=$CHAOS_N)"
  LEFT_DIRS=0 LEFT_PROCS=0 LEFT_CGROUPS=0 LEFT_MOUNTS=0 LEFT_FIFOS=0 UNTRUE=0 FAILED_DELETES=0
  CHAOS_STRICT=0
  [[ $RUNTIME == isobox ]] && CHAOS_STRICT=1
  new_bundle chaos
  args /bin/sh -c "sleep 30; : $WORK"
  cfg '.linux.cgroupsPath = ""'
}

# chaos_delay: seconds to wait before the SIGKILL: 0-10 ms in 3 of 4 draws, else 0-100 ms.
chaos_delay() {
  if ((RANDOM % 4)); then
    printf '0.00%d%03d' $((RANDOM % 10)) $((RANDOM % 1000))
  else
    printf '0.%03d' $((RANDOM % 100))
  fi
}

# chaos_kill DELAY ARGS...: the runtime (no timeout wrapper, so the runtime itself is the
# target) SIGKILLed DELAY seconds after it started.
chaos_kill() {
  local delay=$1 pid
  shift
  ISOBOX_TEST_MARK=$WORK "$RUNTIME_BIN" --root "$STATE_ROOT" "$@" </dev/null >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# chaos_id I: a container id whose cgroup is its own ("/<id>", checked by cgroup_dirs_of); the
# test dir's name is in it, as the peers' variants of the test may run at the same time.
chaos_id() {
  CID=k$(basename "$WORK" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')n${1}x
  CREATED_IDS+=("$CID")
  cfg '.linux.cgroupsPath = $cg' --arg cg "/$CID"
}

# chaos_running: a started container CID running its sleep.
chaos_running() {
  rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 || fail "create $CID failed"
  rt start "$CID" || fail "start $CID failed"
  wait_status running
}

# cgroup_busy ID: true when the container's pids cgroup still holds a process.
cgroup_busy() { [[ -s /sys/fs/cgroup/pids/$1/cgroup.procs ]]; }

# state_consistent ID: `state` agrees with the processes (running = the process, a shell, is
# exec'd; created = the runtime's init waits; stopped = nothing left in the cgroup; "does not
# exist" = no state).
state_consistent() {
  local id=$1 out status pid comm
  if ! out=$(rt state "$id" 2>/dev/null); then
    [[ ! -e $STATE_ROOT/$id ]] && ! cgroup_busy "$id"
    return
  fi
  status=$(jq -r .status <<<"$out") pid=$(jq -r .pid <<<"$out")
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || comm=
  case $status in
  running | paused) [[ $comm == sh ]] ;;
  created) [[ -n $comm && $comm != sh ]] ;;
  stopped) ! cgroup_busy "$id" ;;
  creating | partial) [[ $RUNTIME == isobox ]] ;;
  *) false ;;
  esac
}

# chaos_truth ID: state_consistent, given up to 2 s to settle (a released init is still exec'ing).
chaos_truth() {
  local tries=40
  while ((tries-- > 0)); do
    state_consistent "$1" && return 0
    sleep 0.05
  done
  UNTRUE=$((UNTRUE + 1))
  log "untruthful state of $1: $(rt state "$1" 2>&1 | tr -d '\n')"
  ((CHAOS_STRICT == 0)) || fail "state of $1 does not tell the truth (seed $CHAOS_SEED_USED)"
}

# chaos_count ID: adds what `delete --force` left of ID to the counters (state dirs and temp
# dirs, processes of this test, cgroup dirs in every hierarchy, mounts, fifos), then clears it.
chaos_count() {
  local id=$1 dirs procs cgroups mounts fifos what
  dirs=$(find "$STATE_ROOT" -mindepth 1 -maxdepth 1 -name "*$id*" | wc -l)
  procs=$(procs_in_work | wc -l)
  cgroups=$(cgroup_dirs_of "$id" | wc -l)
  mounts=$(mounts_under_work | wc -l)
  fifos=$(find "$STATE_ROOT" -type p | wc -l)
  LEFT_DIRS=$((LEFT_DIRS + dirs)) LEFT_PROCS=$((LEFT_PROCS + procs))
  LEFT_CGROUPS=$((LEFT_CGROUPS + cgroups)) LEFT_MOUNTS=$((LEFT_MOUNTS + mounts))
  LEFT_FIFOS=$((LEFT_FIFOS + fifos))
  what="state_dirs=$dirs processes=$procs cgroups=$cgroups mounts=$mounts fifos=$fifos"
  if ((dirs + procs + cgroups + mounts + fifos > 0)); then
    log "after delete --force $id: $what"
    ((CHAOS_STRICT == 0)) || fail "$id left behind: $what (seed $CHAOS_SEED_USED)"
  fi
  # Clear a peer's leftovers so that the next iteration starts clean.
  local p
  for p in $(procs_in_work); do kill -9 "$p" 2>/dev/null || true; done
  for p in $(cgroup_dirs_of "$id"); do rmdir "$p" 2>/dev/null || true; done
  find "$STATE_ROOT" -mindepth 1 -maxdepth 1 -name "*$id*" -exec rm -rf {} + 2>/dev/null || true
}

# chaos_finish: delete --force of the iteration's container, the leftover count, and for a
# killed create the id must be usable again.
chaos_finish() {
  if ! rt delete --force "$CID" >/dev/null 2>"$WORK/delete.err"; then
    FAILED_DELETES=$((FAILED_DELETES + 1))
    log "delete --force $CID failed: $(cat "$WORK/delete.err")"
    ((CHAOS_STRICT == 0)) || fail "delete --force $CID failed (seed $CHAOS_SEED_USED)"
  fi
  chaos_count "$CID"
  [[ $CHAOS_VERB == create && $CHAOS_STRICT == 1 ]] || return 0
  rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$WORK/reuse.err" ||
    fail "id $CID not reusable after delete --force: $(cat "$WORK/reuse.err")"
  rt delete --force "$CID" || fail "delete of the reused $CID failed"
  chaos_count "$CID"
}

# chaos_report: one line with the totals (also appended to $CHAOS_REPORT when set).
chaos_report() {
  local line="chaos $CHAOS_VERB $RUNTIME N=$CHAOS_N seed=$CHAOS_SEED_USED leftovers:"
  line+=" state_dirs=$LEFT_DIRS processes=$LEFT_PROCS cgroups=$LEFT_CGROUPS"
  line+=" mounts=$LEFT_MOUNTS fifos=$LEFT_FIFOS untruthful_states=$UNTRUE"
  line+=" failed_deletes=$FAILED_DELETES"
  echo "$line"
  [[ -z ${CHAOS_REPORT:-} ]] || echo "$line" >>"$CHAOS_REPORT"
}

# chaos_verb VERB: CHAOS_N iterations of set-up, SIGKILL of VERB at a random delay, truth
# check, delete --force and leftover count.
chaos_verb() {
  chaos_start "$1"
  local i delay
  for ((i = 0; i < CHAOS_N; i++)); do
    chaos_id "$i"
    delay=$(chaos_delay)
    case $CHAOS_VERB in
    create) chaos_kill "$delay" create --bundle "$BUNDLE" "$CID" ;;
    run) chaos_kill "$delay" run --bundle "$BUNDLE" "$CID" ;;
    start)
      rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 || fail "create failed"
      chaos_kill "$delay" start "$CID"
      ;;
    exec | delete | kill)
      chaos_running
      case $CHAOS_VERB in
      exec) chaos_kill "$delay" exec "$CID" /bin/sh -c "sleep 30; : $WORK" ;;
      delete) chaos_kill "$delay" delete --force "$CID" ;;
      kill) chaos_kill "$delay" kill "$CID" KILL ;;
      esac
      ;;
    esac
    chaos_truth "$CID"
    chaos_finish
  done
  chaos_report
}

test_chaos_create() { chaos_verb create; }
test_chaos_start() { chaos_verb start; }
test_chaos_exec() { chaos_verb exec; }
test_chaos_delete() { chaos_verb delete; }
test_chaos_kill() { chaos_verb kill; }
test_chaos_run() { chaos_verb run; }
