# The command line as containerd's runc shim uses it: error text on stderr and in a JSON --log,
# and strict parsing of every verb's options (one error line, exit 1 as runc, nothing run).

# shim_kill_class TEXT: how containerd's runc shim (pkg/process/utils.go, checkKillError)
# classifies a failed kill from the command's output: finished, missing or unknown.
shim_kill_class() {
  local lower=${1,,}
  if [[ $1 == *"os: process already finished"* || $1 == *"container not running"* ||
    $lower == *"no such process"* ]]; then
    echo finished
  elif [[ $1 == *"does not exist"* ]]; then
    echo missing
  else
    echo unknown
  fi
}

# rt_logged LOG ARGS...: `rt --log LOG --log-format json ARGS`; stderr in $ERR, exit in $RC.
rt_logged() {
  local logf=$1
  shift
  RC=0
  rt --log "$logf" --log-format json "$@" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
}

# expect_logged_error LOG CLASS WHAT: the failure is on stderr and in LOG as a JSON error record,
# and both read as CLASS to the shim.
expect_logged_error() {
  local logf=$1 want=$2 what=$3 msg
  [[ $RC != 0 ]] || fail "$what: succeeded"
  [[ -n $ERR ]] || fail "$what: nothing on stderr with --log (the shim reads the command's output)"
  expect_eq "$(shim_kill_class "$ERR")" "$want" "$what: stderr '$ERR' as the shim reads it"
  jq -e . "$logf" >/dev/null 2>&1 || fail "$what: --log is not JSON lines: $(cat "$logf")"
  msg=$(jq -rs 'map(select(.level == "error")) | last | .msg // ""' "$logf")
  expect_eq "$(shim_kill_class "$msg")" "$want" "$what: last JSON error '$msg' as the shim reads it"
}

# Issue 10 item 9: with `--log F --log-format json` (always passed by the shim) the fatal error
# still reaches stderr, worded so that the shim tells "already stopped" from "no such container".
test_cli_log_errors_on_stderr() {
  new_bundle
  args /bin/true
  create_container
  rt start "$CID"
  wait_status stopped 10
  rt_logged "$WORK/kill.json" kill "$CID" KILL
  expect_logged_error "$WORK/kill.json" finished "kill of a stopped container"
  # crun 1.8.1 says "error opening file .../status: No such file or directory" for an unknown id,
  # which the shim does not recognise (runc: "container does not exist").
  unsupported_by crun "crun's error for an unknown id does not say 'does not exist'"
  local verb
  for verb in kill state delete; do
    rt_logged "$WORK/$verb.json" "$verb" "no-such-$CID"
    expect_logged_error "$WORK/$verb.json" missing "$verb of an unknown id"
  done
  rt delete "$CID"
  expect_nothing_left "$CID"
}
