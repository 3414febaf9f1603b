# OCI integration test library (sourced): bundle builder, runtime wrapper, assertions and cleanup.
# Every test runs in its own temp dir with its own runtime --root, so tests run in parallel and a
# failing test leaves nothing behind (containers, cgroups, mounts, processes).
#
# Inputs (environment): RUNTIME (isobox|runc|crun), RUNTIME_BIN (path), PROBE (static probe binary),
# OCI_TEST_DIR (this directory). Outputs: WORK, STATE_ROOT, BUNDLE, CID and the functions below.

: "${RUNTIME:?}" "${RUNTIME_BIN:?}" "${PROBE:?}" "${OCI_TEST_DIR:?}"
BUSYBOX=${BUSYBOX:-/bin/busybox}
RT_TIMEOUT=${RT_TIMEOUT:-20}

WORK=$(mktemp -d /tmp/isobox-oci.XXXXXX)
chmod 755 "$WORK"
STATE_ROOT=$WORK/state
mkdir -p "$STATE_ROOT"
CREATED_IDS=()

log() { echo "# $*" >&2; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
skip() {
  echo "SKIP: $*" >&2
  exit 77
}
# unsupported_by RUNTIME REASON: skip this test for a peer runtime that lacks the feature.
unsupported_by() { [[ $RUNTIME != "$1" ]] || skip "$2"; }

# ---- runtime wrapper -------------------------------------------------------------------------

# rt ARGS...: the runtime under test with this test's --root, bounded in time. For crun,
# RUNTIME_BIN is crun_wrapper.sh (private mount namespace hiding the unified controllers).
rt() {
  ISOBOX_TEST_MARK=$WORK timeout -k 5 "$RT_TIMEOUT" "$RUNTIME_BIN" --root "$STATE_ROOT" "$@"
}

# ---- bundles ---------------------------------------------------------------------------------

# make_rootfs DIR: busybox-static with its applets as symlinks, the probe at /probe.
make_rootfs() {
  local root=$1
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root,mnt,var,run}
  chmod 1777 "$root/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  local applet
  for applet in sh ls cat echo sleep true false id hostname mount umount ps kill env pwd grep \
    head wc readlink touch mkdir rm stat sed cut date; do
    ln -s busybox "$root/bin/$applet"
  done
  cp "$PROBE" "$root/probe"
  echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
  echo "root:x:0:" >"$root/etc/group"
}

# new_bundle [ID]: fresh bundle at $WORK/<id> with base_config.json; sets BUNDLE and CID.
new_bundle() {
  CID=${1:-$(basename "$WORK" | tr 'A-Z.' 'a-z-')-$RANDOM}
  BUNDLE=$WORK/bundle-$CID
  mkdir -p "$BUNDLE"
  make_rootfs "$BUNDLE/rootfs"
  jq --arg cg "/$CID" --arg mark "ISOBOX_TEST_MARK=$WORK" \
    '.linux.cgroupsPath = $cg | .process.env += [$mark]' \
    "$OCI_TEST_DIR/base_config.json" >"$BUNDLE/config.json"
}

# cfg JQ_FILTER [jq args...]: edits the bundle's config.json in place.
cfg() {
  local filter=$1
  shift
  jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" ||
    fail "jq filter failed: $filter"
  mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# args A B ...: sets process.args.
args() { cfg '.process.args = $a' --argjson a "$(json_array "$@")"; }

# json_array A B ...: a JSON array of strings (safe for any argument, including "-c").
json_array() {
  local a=() x
  for x; do a+=("x$x"); done # the prefix keeps jq from reading "-c" as its own option
  jq -cn '[$ARGS.positional[] | .[1:]]' --args "${a[@]}"
}

# ---- running ---------------------------------------------------------------------------------

# run_probe [probe args...]: `rt run` of the probe in the current bundle; output in $OUT, exit in $RC.
run_probe() {
  args /probe "$@"
  run_container
}

# run_container: `rt run` of the bundle as configured; output in $OUT (stdout), $ERR, exit in $RC.
run_container() {
  CREATED_IDS+=("$CID")
  RC=0
  rt run --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

# create_container: `rt create` with stdio to $WORK/ctr.out/err; fails the test on error.
create_container() {
  CREATED_IDS+=("$CID")
  rt create --bundle "$BUNDLE" "$@" "$CID" </dev/null >"$WORK/ctr.out" 2>"$WORK/ctr.err" ||
    fail "create failed: $(cat "$WORK/ctr.err")"
}

# state_field FIELD: one field of `rt state`.
state_field() { rt state "$CID" | jq -r ".$1"; }

# wait_status STATUS [seconds]: polls `rt state` until the status matches.
wait_status() {
  local want=$1 tries=$((${2:-10} * 10)) got=
  while ((tries-- > 0)); do
    got=$(rt state "$CID" 2>/dev/null | jq -r .status 2>/dev/null) || got=
    [[ $got == "$want" ]] && return 0
    sleep 0.1
  done
  fail "status of $CID is '$got', expected '$want'"
}

# wait_file_match FILE REGEX [seconds]
wait_file_match() {
  local tries=$((${3:-10} * 10))
  while ((tries-- > 0)); do
    grep -Eq "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "$1 never matched '$2': $(cat "$1" 2>/dev/null)"
}

# ---- probe output and assertions -------------------------------------------------------------

# val KEY: the value of the first KEY=... line of $OUT.
val() { sed -n "s|^$1=||p" <<<"$OUT" | head -n1; }

expect_eq() { [[ $1 == "$2" ]] || fail "${3:-value}: got '$1', expected '$2'"; }
expect_ne() { [[ $1 != "$2" ]] || fail "${3:-value}: got '$1', expected anything else"; }
expect_match() { [[ $1 =~ $2 ]] || fail "${3:-value}: '$1' does not match /$2/"; }
expect_no_match() { [[ ! $1 =~ $2 ]] || fail "${3:-value}: '$1' matches /$2/"; }
expect_rc() { [[ $RC == "$1" ]] || fail "exit code $RC, expected $1; stderr: $ERR; stdout: $OUT"; }
expect_ok() {
  [[ $RC == 0 ]] || fail "container failed with $RC: $ERR"
}
# expect_refused KEY: the probe's KEY must report an error (anything but ok).
expect_refused() {
  local v
  v=$(val "$1")
  [[ -n $v ]] || fail "probe printed no $1 line: $OUT $ERR"
  [[ $v != ok ]] || fail "$1 succeeded inside the container (must be refused)"
}

# cap_has HEXMASK CAPNUM: true when the capability bit is set.
cap_has() { (((0x$1 >> $2) & 1)); }

# ---- leftovers -------------------------------------------------------------------------------

# Mounts whose mount point lies under this test's work dir, in the host mount namespace.
mounts_under_work() { awk -v w="$WORK" '$5 ~ "^"w {print $5}' /proc/self/mountinfo; }

# Processes of this test: anything whose environment or command line names the test dir. The
# container gets ISOBOX_TEST_MARK=$WORK in its env, the runtime is called with it too and with
# --root under $WORK; the test shell itself exports neither. The pattern spells "." as "[.]" so
# that grep does not find its own command line.
procs_in_work() {
  grep -lz -- "${WORK//./[.]}" /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null |
    cut -d/ -f3 | sort -u || true
}

cgroup_dirs_of() {
  local id=$1
  ls -d /sys/fs/cgroup/*/"$id" /sys/fs/cgroup/"$id" 2>/dev/null || true
}

# expect_nothing_left ID: no state dir, cgroup, mount or process remains for ID.
expect_nothing_left() {
  local id=$1
  [[ ! -e $STATE_ROOT/$id ]] || fail "state dir $STATE_ROOT/$id left behind"
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroup left behind: $(cgroup_dirs_of "$id")"
  [[ -z $(mounts_under_work) ]] || fail "mounts left behind: $(mounts_under_work)"
  [[ -z $(procs_in_work) ]] || fail "processes left behind: $(procs_in_work)"
  if [[ -n $(rt list -q 2>/dev/null | grep -Fx "$id") ]]; then
    fail "$id still listed"
  fi
}

cleanup() {
  local rc=$? id p m
  RT_TIMEOUT=10
  for id in "${CREATED_IDS[@]}"; do
    rt kill "$id" KILL >/dev/null 2>&1 || true
    rt delete --force "$id" >/dev/null 2>&1 || true
  done
  for p in $(procs_in_work); do kill -9 "$p" 2>/dev/null || true; done
  for m in $(mounts_under_work | sort -r); do umount -l "$m" 2>/dev/null || true; done
  for id in "${CREATED_IDS[@]}"; do
    for p in $(cgroup_dirs_of "$id"); do rmdir "$p" 2>/dev/null || true; done
  done
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 124' TERM INT
