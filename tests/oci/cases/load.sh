# Load (issue 15): LOAD_N container lifecycles (create, start, exec, kill, delete) and
# LOAD_WASM_N `wasm run` with limits, LOAD_J at a time (80 / 80 / 8 in CI; 1000 / 500 / 8 by
# hand). Nothing may leak (processes, state dirs, cgroups, mounts, fds), every lifecycle must
# finish, and the median time of the last tenth must be within LOAD_SLACK percent of the first
# tenth's (10 at full counts; at the reduced ones, a few samples on a shared CI machine, only a
# doubling is caught). The tests run serially (CTest RUN_SERIAL) to keep other tests' noise out. isobox only: set LOAD_PEERS=1 to
# run the lifecycles on runc and crun too.

LOAD_N=${LOAD_N:-80}
LOAD_WASM_N=${LOAD_WASM_N:-80}
LOAD_J=${LOAD_J:-8}

load_slack() {
  local n=$1
  if [[ -n ${LOAD_SLACK:-} ]]; then echo "$LOAD_SLACK"; elif ((n >= 500)); then echo 10; else echo 100; fi
}

# load_one I: one lifecycle of container ld<I>; appends "I START_NS DURATION_NS INIT_FDS" to
# $WORK/times, or a line to $WORK/failures.
load_one() {
  local id=ld${LOAD_TAG}n$1 t0 fds tries=100
  t0=$(date +%s%N)
  {
    rt create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 &&
      rt start "$id" &&
      fds=$(rt exec "$id" /bin/sh -c 'ls /proc/1/fd | wc -l') &&
      rt kill "$id" KILL
  } 2>>"$WORK/errors" || { echo "$id: create/start/exec/kill failed" >>"$WORK/failures"; }
  while [[ $(rt state "$id" 2>/dev/null | jq -r .status) == running ]] && ((tries-- > 0)); do
    sleep 0.02
  done
  rt delete "$id" 2>>"$WORK/errors" || echo "$id: delete failed" >>"$WORK/failures"
  echo "$1 $t0 $(($(date +%s%N) - t0)) ${fds:-?}" >>"$WORK/times"
}

# load_run N J FUNC: FUNC 0..N-1, J at a time.
load_run() {
  local n=$1 j=$2 fn=$3 i
  for ((i = 0; i < n; i++)); do
    while (($(jobs -rp | wc -l) >= j)); do wait -n || true; done
    "$fn" "$i" &
  done
  wait
}

# load_compare N WHAT: median duration of the first and the last tenth (by start time); fails
# when the end is more than the slack slower than the start.
load_compare() {
  local n=$1 what=$2 tenth first last slack
  tenth=$(((n + 9) / 10))
  first=$(sort -k2,2n "$WORK/times" | head -n "$tenth" | awk '{print $3}' | sort -n |
    awk '{a[NR]=$1} END {print int(a[int((NR+1)/2)] / 1000000)}')
  last=$(sort -k2,2n "$WORK/times" | tail -n "$tenth" | awk '{print $3}' | sort -n |
    awk '{a[NR]=$1} END {print int(a[int((NR+1)/2)] / 1000000)}')
  slack=$(load_slack "$n")
  # At the reduced counts a tenth is a handful of samples of a few ms on a shared machine: 25 ms
  # of jitter are allowed on top of the slack there.
  local floor=0
  ((n >= 500)) || floor=25
  echo "load $what $RUNTIME N=$n J=$LOAD_J: median ms first tenth $first, last tenth $last (slack $slack% + $floor ms)"
  ((last * 100 <= first * (100 + slack) + floor * 100)) ||
    fail "$what slowed down: $first ms at the start, $last ms at the end"
}

# Lifecycles at LOAD_J-way concurrency: all finish, nothing leaks, no slow growth.
test_load_lifecycles() {
  [[ $RUNTIME == isobox || -n ${LOAD_PEERS:-} ]] || skip "load figures are isobox's (LOAD_PEERS=1)"
  new_bundle load
  LOAD_TAG=$(basename "$WORK" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')
  args /bin/sh -c "sleep 100; : $WORK"
  cfg '.linux.cgroupsPath = ""'
  local fds_before fds_after left
  fds_before=$(ls /proc/$$/fd | wc -l)
  : >"$WORK/times"
  load_run "$LOAD_N" "$LOAD_J" load_one
  [[ ! -s $WORK/failures ]] || fail "$(wc -l <"$WORK/failures") lifecycles failed: $(head -3 "$WORK/failures") $(head -3 "$WORK/errors")"
  expect_eq "$(wc -l <"$WORK/times")" "$LOAD_N" "finished lifecycles"
  expect_eq "$(awk '{print $4}' "$WORK/times" | sort -u | wc -l)" 1 "distinct init fd counts"
  [[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT" | head)"
  [[ -z $(procs_in_work) ]] || fail "processes left: $(procs_in_work)"
  [[ -z $(mounts_under_work) ]] || fail "mounts left: $(mounts_under_work)"
  left=$( (ls -d /sys/fs/cgroup/*/isobox/ld"$LOAD_TAG"n* 2>/dev/null || true) | wc -l)
  expect_eq "$left" 0 "cgroup dirs left"
  fds_after=$(ls /proc/$$/fd | wc -l)
  expect_eq "$fds_after" "$fds_before" "fds of the test shell"
  load_compare "$LOAD_N" lifecycles
}

# load_wasm_one I: one `wasm run` of a guest that grows its memory up to --max-memory (exit 0).
load_wasm_one() {
  local t0 rc=0
  t0=$(date +%s%N)
  ISOBOX_TEST_MARK=$WORK "$RUNTIME_BIN" wasm run --max-memory 1048576 --fuel 100000000 \
    --timeout 10s --max-stack 1000 "$WORK/grow.wasm" </dev/null >/dev/null 2>>"$WORK/errors" ||
    rc=$?
  ((rc == 0)) || echo "run $1: exit $rc" >>"$WORK/failures"
  echo "$1 $t0 $(($(date +%s%N) - t0)) -" >>"$WORK/times"
}

# `wasm run` with limits at LOAD_J-way concurrency: all exit 0, nothing left, no slow growth.
test_load_wasm_run() {
  unsupported_by runc "wasm run is isobox's"
  unsupported_by crun "wasm run is isobox's"
  command -v wat2wasm >/dev/null || skip "wat2wasm missing"
  wat2wasm -o "$WORK/grow.wasm" "$OCI_TEST_DIR/../wasi/limits/grow_memory.wat" ||
    fail "wat2wasm failed"
  local fds_before
  fds_before=$(ls /proc/$$/fd | wc -l)
  : >"$WORK/times"
  load_run "$LOAD_WASM_N" "$LOAD_J" load_wasm_one
  [[ ! -s $WORK/failures ]] || fail "$(wc -l <"$WORK/failures") runs failed: $(head -3 "$WORK/failures") $(head -3 "$WORK/errors")"
  expect_eq "$(wc -l <"$WORK/times")" "$LOAD_WASM_N" "finished runs"
  [[ -z $(procs_in_work) ]] || fail "processes left: $(procs_in_work)"
  expect_eq "$(ls /proc/$$/fd | wc -l)" "$fds_before" "fds of the test shell"
  load_compare "$LOAD_WASM_N" "wasm runs"
}
