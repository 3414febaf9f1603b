# shellcheck shell=bash
# `update` (runc-update.8): new memory, cpu and pids limits on a running container, by flags and
# by a LinuxResources JSON on stdin, seen in the cgroup files from the host and from inside.

# host_cgroup_file CONTROLLER FILE_V1 FILE_V2: the path of one limit file of the container's init.
host_cgroup_file() {
  local pid
  pid=$(state_field pid)
  if [[ -d /sys/fs/cgroup/$1 ]]; then
    echo "/sys/fs/cgroup/$1$(sed -n "s/^[0-9]*:$1://p" "/proc/$pid/cgroup")/$2"
  else
    echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")/$3"
  fi
}

# expect_limits_in_out MEM PIDS QUOTA: the limits in $OUT, a `/probe info` report from inside.
expect_limits_in_out() {
  local mem cpu
  mem=$(val cgroup.memory_limit)
  [[ -n $mem ]] || mem=$(val cgroup.memory_max)
  cpu=$(val cgroup.cpu_quota)
  [[ -n $cpu ]] || cpu=$(val cgroup.cpu_max)
  expect_eq "$mem" "$1" "memory limit inside"
  expect_eq "$(val cgroup.pids_max)" "$2" "pids limit inside"
  expect_match "$cpu" "^$3( [0-9]+)?$" "cpu quota inside"
}

# expect_limits MEM PIDS QUOTA: the limits as the host and an exec'd /probe see them.
expect_limits() {
  expect_eq "$(cat "$(host_cgroup_file memory memory.limit_in_bytes memory.max)")" "$1" \
    "host memory limit"
  expect_eq "$(cat "$(host_cgroup_file pids pids.max pids.max)")" "$2" "host pids limit"
  expect_match "$(cat "$(host_cgroup_file cpu cpu.cfs_quota_us cpu.max)")" "^$3( [0-9]+)?$" \
    "host cpu quota"
  OUT=$(rt exec "$CID" /probe info) || fail "exec of the probe failed"
  expect_limits_in_out "$@"
}

test_update_resources() {
  new_bundle
  cfg '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 42}
       | .linux.resources.cpu = {"quota": 50000, "period": 100000}'
  args /bin/sh -c 'sleep 100'
  create_container
  rt start "$CID"
  wait_status running
  expect_limits 67108864 42 50000
  # Flags, with runc's memory-size suffixes (crun 1.8 pastes the flag into JSON text: bytes only).
  local mem=128m
  [[ $RUNTIME != crun ]] || mem=134217728
  rt update --memory "$mem" --pids-limit 99 --cpu-quota 20000 "$CID" ||
    fail "update by flags failed"
  expect_limits 134217728 99 20000
  # A LinuxResources document on stdin; omitted values stay as they are.
  echo '{"memory":{"limit":100663296},"pids":{"limit":77}}' | rt update -r - "$CID" ||
    fail "update -r - failed"
  expect_limits 100663296 77 20000
  # Only the period moves: the quota saved by the first update is kept.
  rt update --cpu-period 200000 "$CID" || fail "update of the period failed"
  expect_limits 100663296 77 20000
  expect_match "$(cat "$(host_cgroup_file cpu cpu.cfs_period_us cpu.max)")" '^(20000 )?200000$' \
    "host cpu period"
  # Junk is refused with one error line and changes nothing.
  RC=0
  ERR=$(rt update --memory 12zz "$CID" 2>&1) || RC=$?
  expect_ne "$RC" 0 "exit code of update --memory 12zz"
  expect_match "$ERR" 'memory' "error of update --memory 12zz"
  expect_limits 100663296 77 20000
  if [[ $RUNTIME == isobox ]]; then
    expect_eq "$(jq -c .resources.memory "$STATE_ROOT/$CID/state.json")" '{"limit":100663296}' \
      "memory saved in state.json"
  fi
  rt delete --force "$CID"
  RC=0
  rt update --pids-limit 5 "$CID" 2>/dev/null || RC=$?
  expect_ne "$RC" 0 "update of a deleted container"
  expect_nothing_left "$CID"
}
