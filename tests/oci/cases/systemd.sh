# shellcheck shell=bash
# --systemd-cgroup: the scope is asked of systemd over D-Bus. This host has no systemd, so the
# tests run a private bus (dbus-daemon) with a stand-in owning org.freedesktop.systemd1 that
# records every call (systemd_standin.py), and point DBUS_SYSTEM_BUS_ADDRESS at it.

SD_SLICE=isoboxtest.slice

# start_fake_systemd: a private bus at $WORK/bus and the recording stand-in on it.
start_fake_systemd() {
  command -v dbus-daemon >/dev/null || skip "dbus-daemon missing (Debian package dbus-daemon)"
  /usr/bin/python3 -c 'import dbus, gi' 2>/dev/null ||
    skip "python3-dbus / python3-gi missing"
  dbus-daemon --session --address="unix:path=$WORK/bus" --nofork --nopidfile \
    2>"$WORK/bus.err" &
  BUS_PID=$!
  wait_path "$WORK/bus"
  /usr/bin/python3 "$OCI_TEST_DIR/systemd_standin.py" "unix:path=$WORK/bus" "$WORK/calls" \
    "$WORK/standin.ready" 2>"$WORK/standin.err" &
  STANDIN_PID=$!
  wait_path "$WORK/standin.ready"
  export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$WORK/bus
}

# Also unsets the address: every child's environment names $WORK while it is set, which
# procs_in_work would count as a leftover.
stop_fake_systemd() {
  unset DBUS_SYSTEM_BUS_ADDRESS
  kill "$STANDIN_PID" "$BUS_PID" 2>/dev/null || true
  wait "$STANDIN_PID" "$BUS_PID" 2>/dev/null || true
}

wait_path() {
  local tries=50
  while ((tries-- > 0)); do
    [[ -e $1 ]] && return 0
    sleep 0.1
  done
  fail "$1 never appeared: $(cat "$WORK"/*.err 2>/dev/null)"
}

# calls_of METHOD: the recorded calls of one method, one JSON object a line.
calls_of() { jq -c --arg m "$1" 'select(.method == $m)' "$WORK/calls"; }

# The scope directories (every hierarchy) of unit $1 under $SD_SLICE.
scope_dirs() { ls -d /sys/fs/cgroup/*/"$SD_SLICE/$1" /sys/fs/cgroup/"$SD_SLICE/$1" 2>/dev/null || true; }

remove_test_slice() { rmdir /sys/fs/cgroup/*/"$SD_SLICE" /sys/fs/cgroup/"$SD_SLICE" 2>/dev/null || true; }

# The scope's name, slice, pids and delegation (all runtimes that can talk to the stand-in);
# isobox also sends the limits as properties (runc's mapping), SetUnitProperties on update.
test_systemd_cgroup_scope() {
  unsupported_by runc "runc 1.1 refuses --systemd-cgroup unless /run/systemd/system exists"
  start_fake_systemd
  new_bundle
  local unit=isobox-$CID.scope
  cfg '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 67108864}
       | .linux.resources.pids = {"limit": 42}
       | .linux.resources.cpu = {"quota": 50000, "period": 100000}' --arg p "$SD_SLICE:isobox:$CID"
  args /bin/sh -c 'sleep 100'
  CREATED_IDS+=("$CID")
  # Only create gets the flag: later verbs find the driver in state.json.
  rt --systemd-cgroup create --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/ctr.out" \
    2>"$WORK/ctr.err" || fail "create failed: $(cat "$WORK/ctr.err")"
  local pid start
  pid=$(state_field pid)
  start=$(calls_of StartTransientUnit)
  [[ -n $start ]] || fail "no StartTransientUnit call: $(cat "$WORK/calls")"
  expect_eq "$(jq -r .unit <<<"$start")" "$unit" "unit name"
  expect_eq "$(jq -r .properties.Slice <<<"$start")" "$SD_SLICE" "Slice"
  expect_eq "$(jq -c .properties.PIDs <<<"$start")" "[$pid]" "PIDs"
  expect_eq "$(jq -r .properties.Delegate <<<"$start")" true "Delegate"
  if [[ $RUNTIME == isobox ]]; then
    # isobox also joins the scope's cgroupfs directories itself (as runc's systemd driver does);
    # crun leaves the move to systemd, which the stand-in does not do.
    expect_match "$(cat "/proc/$pid/cgroup")" "/$SD_SLICE/$unit" "cgroup of the init"
    expect_eq "$(jq -r .mode <<<"$start")" replace "job mode"
    expect_eq "$(jq -r .properties.Description <<<"$start")" "isobox container $CID" "Description"
    expect_eq "$(jq -r .properties.TasksMax <<<"$start")" 42 "TasksMax"
    expect_eq "$(jq -r .properties.CPUQuotaPerSecUSec <<<"$start")" 500000 "CPUQuotaPerSecUSec"
    expect_match "$(jq -r '.properties.MemoryLimit // .properties.MemoryMax' <<<"$start")" \
      '^67108864$' "memory limit property"
    rt update --pids-limit 50 "$CID" || fail "update failed"
    expect_eq "$(calls_of SetUnitProperties | jq -r .properties.TasksMax)" 50 "TasksMax update"
  fi
  rt delete --force "$CID"
  expect_eq "$(calls_of StopUnit | jq -r .unit)" "$unit" "StopUnit"
  [[ -z $(scope_dirs "$unit") ]] || fail "scope cgroup left: $(scope_dirs "$unit")"
  stop_fake_systemd
  remove_test_slice
  expect_nothing_left "$CID"
}

# Without a reachable systemd, create fails with one clear line and leaves nothing.
test_systemd_cgroup_no_bus() {
  unsupported_by runc "runc 1.1 refuses --systemd-cgroup unless /run/systemd/system exists"
  new_bundle
  cfg '.linux.cgroupsPath = $p' --arg p "$SD_SLICE:isobox:$CID"
  args /bin/true
  CREATED_IDS+=("$CID")
  RC=0
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$WORK/no-bus rt --systemd-cgroup create --bundle "$BUNDLE" \
    "$CID" </dev/null >/dev/null 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  expect_ne "$RC" 0 "exit code without a bus"
  if [[ $RUNTIME == isobox ]]; then
    expect_match "$ERR" 'systemd is not reachable over D-Bus' "error without a bus"
    expect_eq "$(wc -l <<<"$ERR")" 1 "error lines"
  fi
  [[ -z $(scope_dirs "isobox-$CID.scope") ]] || fail "scope cgroup left: $(scope_dirs "isobox-$CID.scope")"
  expect_nothing_left "$CID"
  # A bus without systemd on it: the same.
  dbus-daemon --session --address="unix:path=$WORK/bus" --nofork --nopidfile 2>/dev/null &
  BUS_PID=$!
  wait_path "$WORK/bus"
  RC=0
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$WORK/bus rt --systemd-cgroup create --bundle "$BUNDLE" \
    "$CID" </dev/null >/dev/null 2>"$WORK/err" || RC=$?
  kill "$BUS_PID"
  wait "$BUS_PID" 2>/dev/null || true
  expect_ne "$RC" 0 "exit code without systemd on the bus"
  if [[ $RUNTIME == isobox ]]; then
    expect_match "$(cat "$WORK/err")" 'systemd is not reachable over D-Bus' "error without systemd"
  fi
  [[ -z $(scope_dirs "isobox-$CID.scope") ]] || fail "scope cgroup left"
  remove_test_slice
  expect_nothing_left "$CID"
}
