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

# expect_refused_exec WHAT ARGS...: `exec ARGS ID touch /tmp/ran-N` fails with an error on stderr
# (one line, exit 1 for isobox), runs nothing, and the container keeps running.
expect_refused_exec() {
  local what=$1 marker="ran-$RANDOM"
  shift
  RC=0
  rt exec "$@" "$CID" /bin/touch "/tmp/$marker" </dev/null >/dev/null 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  expect_refused_cli "$what"
  [[ ! -e $BUNDLE/rootfs/tmp/$marker ]] || fail "$what: the command ran"
}

# expect_refused_cli WHAT: $RC and $ERR of a refused command line.
expect_refused_cli() {
  [[ $RC != 0 ]] || fail "$1: accepted"
  ((RC < 124 || RC > 137)) || fail "$1: timed out or crashed (exit $RC): $ERR"
  [[ -n $ERR ]] || fail "$1: no error message"
  if [[ $RUNTIME == isobox ]]; then
    expect_eq "$RC" 1 "$1: exit code (runc's for usage errors)"
    (($(wc -l <<<"$ERR") == 1)) || fail "$1: expected one error line, got: $ERR"
  fi
  log "$1: exit $RC: $(tail -n1 <<<"$ERR")"
  expect_eq "$(state_field status)" running "$1: container status"
}

# Issue 10 item 16: repeatable exec options take one value each (the id after them is the id),
# and every number on the command line is parsed strictly. crun 1.8.1 has no -g and accepts
# `kill RTMIN+abc`, `kill 9x` and `--preserve-fds abc`, so it is not compared.
test_cli_strict_options() {
  unsupported_by crun "crun 1.8.1 has no exec -g and accepts kill RTMIN+abc, 9x, --preserve-fds abc"
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  OUT=$(rt exec -e A=B -e C=D "$CID" /bin/sh -c 'echo "A=$A C=$C"') || fail "exec -e A=B -e C=D ID"
  expect_eq "$OUT" "A=B C=D" "exec -e ... ID"
  OUT=$(rt exec -g 5 -g 6 "$CID" /bin/id -G) || fail "exec -g 5 -g 6 ID"
  expect_match "$OUT" '(^| )5 6($| )' "exec -g 5 -g 6: groups"
  OUT=$(rt exec -u 1:2 "$CID" /bin/id) || fail "exec -u 1:2 ID"
  expect_match "$OUT" '^uid=1 gid=2' "exec -u 1:2"
  expect_refused_exec "exec -g abc" -g abc
  expect_refused_exec "exec -u 12abc" -u 12abc
  expect_refused_exec "exec -u 1:2x" -u 1:2x
  expect_refused_exec "exec --preserve-fds abc" --preserve-fds abc
  local sig
  for sig in RTMIN+abc 9x; do
    RC=0
    rt kill "$CID" "$sig" 2>"$WORK/err" || RC=$?
    ERR=$(cat "$WORK/err")
    expect_refused_cli "kill $sig"
  done
  # runc 1.1.5 truncates ids to 32 bits (-u 4294967297 runs as uid 1).
  if [[ $RUNTIME == isobox ]]; then
    expect_refused_exec "exec -u 4294967297" -u 4294967297
    expect_refused_exec "exec -u 4294967295 ((uid_t)-1)" -u 4294967295
  fi
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}
