# Bad input: one clear error, non-zero exit, nothing left behind (state dir, cgroup, mount,
# process), and the runtime never hangs.

# expect_clean_failure WHAT: $RC non-zero, an error message on stderr, nothing left for $CID.
expect_clean_failure() {
  [[ $RC != 0 ]] || fail "$1: succeeded (exit 0), expected an error"
  ((RC < 124 || RC > 137)) || fail "$1: runtime timed out or crashed (exit $RC): $ERR"
  [[ -n $ERR ]] || fail "$1: no error message on stderr"
  (($(wc -l <<<"$ERR") == 1)) || fail "$1: expected one error line, got: $ERR"
  log "$1: exit $RC: $(head -n1 <<<"$ERR")"
  expect_nothing_left "$CID"
}

# create_expect_failure [create args...]: `rt create` of $CID that must fail.
create_expect_failure() {
  CREATED_IDS+=("$CID")
  RC=0
  rt create --bundle "$BUNDLE" "$@" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
}

test_bad_missing_bundle() {
  new_bundle
  BUNDLE=$WORK/does-not-exist
  create_expect_failure
  expect_clean_failure "missing bundle"
  new_bundle
  rm "$BUNDLE/config.json"
  create_expect_failure
  expect_clean_failure "bundle without config.json"
  new_bundle
  rm -r "$BUNDLE/rootfs"
  create_expect_failure
  expect_clean_failure "bundle without rootfs"
}

test_bad_malformed_config() {
  local bad
  for bad in '{ "ociVersion": "1.0.2", ' 'not json at all' '[]' \
    '{"ociVersion":"1.0.2","process":{"args":"not-an-array","cwd":"/"},"root":{"path":"rootfs"}}'; do
    new_bundle
    printf '%s' "$bad" >"$BUNDLE/config.json"
    create_expect_failure
    expect_clean_failure "config.json '$bad'"
  done
}

test_bad_unknown_namespace() {
  new_bundle
  cfg '.linux.namespaces += [{"type":"bogus"}]'
  create_expect_failure
  expect_clean_failure "unknown namespace type"
}

test_bad_existing_id() {
  new_bundle
  args /bin/sleep 100
  create_container
  local first_pid
  first_pid=$(state_field pid)
  local first_bundle=$BUNDLE
  BUNDLE=$WORK/bundle-second
  mkdir -p "$BUNDLE"
  cp -a "$first_bundle/rootfs" "$first_bundle/config.json" "$BUNDLE/"
  RC=0
  rt create --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  [[ $RC != 0 ]] || fail "second create with the same id succeeded"
  [[ -n $ERR ]] || fail "no error message for an existing id"
  expect_eq "$(state_field status)" created "first container still created"
  expect_eq "$(state_field pid)" "$first_pid" "first container's pid"
  expect_eq "$(state_field bundle)" "$first_bundle" "first container's bundle"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# A mount whose destination climbs out of the rootfs: refused, or confined to the rootfs.
test_bad_mount_outside_rootfs() {
  new_bundle
  mkdir -p "$WORK/outside"
  cfg '.mounts += [{"destination":$d,"type":"tmpfs","source":"tmpfs"}]' \
    --arg d "/../../../../../../../..$WORK/outside"
  args /bin/sh -c "touch $WORK/outside/inside-file && echo touched"
  run_container
  if [[ $RC != 0 ]]; then
    expect_clean_failure "mount destination outside the rootfs"
  else
    log "confined to the rootfs"
    expect_nothing_left "$CID"
  fi
  [[ -z $(ls -A "$WORK/outside") ]] || fail "the container wrote outside its rootfs"
  [[ -z $(mounts_under_work) ]] || fail "host mount appeared: $(mounts_under_work)"
}

# Verbs on an id that does not exist fail cleanly.
test_bad_unknown_id() {
  local verb
  new_bundle
  for verb in start state delete kill ps; do
    RC=0
    rt "$verb" "no-such-$CID" >/dev/null 2>"$WORK/err" || RC=$?
    ERR=$(cat "$WORK/err")
    [[ $RC != 0 ]] || fail "$verb of an unknown id succeeded"
    [[ -n $ERR ]] || fail "$verb of an unknown id printed no error"
  done
}

# An id with a path separator or "..": refused without touching anything outside --root.
test_bad_invalid_id() {
  new_bundle
  local id
  for id in ../escape a/b ''; do
    RC=0
    rt create --bundle "$BUNDLE" "$id" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
    ERR=$(cat "$WORK/err")
    [[ $RC != 0 ]] || fail "create with id '$id' succeeded"
    [[ ! -e $WORK/escape ]] || fail "state written outside --root for id '$id'"
  done
  [[ -z $(procs_in_work) ]] || fail "processes left behind"
}

# containerd's shim reads errors from --log in JSON: a failing create writes a JSON line with
# level error and the reason in msg.
test_bad_log_json() {
  new_bundle
  cfg '.linux.namespaces += [{"type":"bogus"}]'
  CREATED_IDS+=("$CID")
  RC=0
  rt --log "$WORK/log.json" --log-format json create --bundle "$BUNDLE" "$CID" </dev/null \
    >/dev/null 2>"$WORK/err" || RC=$?
  [[ $RC != 0 ]] || fail "create with a bogus namespace succeeded"
  [[ -s $WORK/log.json ]] || fail "nothing written to --log"
  jq -se 'map(select(.level == "error" and (.msg | length > 0))) | length > 0' "$WORK/log.json" \
    >/dev/null || fail "no JSON error line in the log: $(cat "$WORK/log.json")"
  expect_nothing_left "$CID"
}

# Failures after the cgroup exists (in every v1 hierarchy and in unified) and the init was
# cloned: a cpuset the kernel refuses, an args[0] that does not exist, a failing prestart hook.
# `run` must still leave no cgroup directory in any hierarchy, no state, mount or process
# (expect_nothing_left looks in /sys/fs/cgroup/*/<id>: each v1 mount, name=systemd and unified).
# Warnings may precede the error here (runc: "unable to get oom kill count"; isobox: ambient
# capabilities of base_config.json that are not inheritable), so only isobox's error line is
# counted.
test_bad_late_failures() {
  new_bundle
  cfg '.linux.resources.cpu = {"cpus":"4095"}'
  run_probe exit 0
  if [[ $RUNTIME == crun ]]; then
    # Found by this test: crun 1.8.1 leaves its cgroup in every hierarchy when a cgroup write
    # fails. Checked so that a fixed crun shows up; the cleanup trap removes the directories.
    [[ $RC != 0 ]] || fail "crun accepted cpuset.cpus 4095"
    [[ -n $(cgroup_dirs_of "$CID") ]] || log "crun no longer leaves its cgroup: tighten this test"
  else
    expect_late_failure "cpuset.cpus the kernel refuses"
  fi
  new_bundle
  args /no/such/binary
  run_container
  expect_late_failure "args[0] that does not exist"
  new_bundle
  cfg '.hooks.prestart = [{"path":"/bin/false","args":["false"]}]'
  run_probe exit 0
  expect_late_failure "failing prestart hook"
}

# expect_late_failure WHAT: like expect_clean_failure, but warning lines may come first.
expect_late_failure() {
  [[ $RC != 0 ]] || fail "$1: succeeded (exit 0), expected an error"
  ((RC < 124 || RC > 137)) || fail "$1: runtime timed out or crashed (exit $RC): $ERR"
  [[ -n $ERR ]] || fail "$1: no error message on stderr"
  if [[ $RUNTIME == isobox ]]; then
    (($(grep -c '^isobox: run: ' <<<"$ERR") == 1)) || fail "$1: expected one error line: $ERR"
  fi
  log "$1: exit $RC: $(tail -n1 <<<"$ERR")"
  expect_nothing_left "$CID"
}
