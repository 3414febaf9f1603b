#!/usr/bin/env bash
# Smoke test of the isobox OCI runtime on a busybox-static bundle: smoke.sh ISOBOX CASE.
set -euo pipefail
isobox=$(realpath "$1")
case_name=$2
[[ $(id -u) == 0 ]] || { echo "needs root"; exit 77; }
busybox=$(command -v busybox || true)
[[ -n $busybox ]] && file -L "$busybox" 2>/dev/null | grep -q static || busybox=/bin/busybox
[[ -x $busybox ]] || { echo "no busybox"; exit 77; }

work=$(mktemp -d /tmp/isobox-smoke.XXXXXX)
# A unique id: the default cgroup path is /isobox/<id>, shared by parallel tests otherwise.
id=smoke-$case_name-$$
root=$work/state
bundle=$work/bundle
cleanup() {
  "$isobox" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/sys" "$bundle/rootfs/dev"
cp "$busybox" "$bundle/rootfs/bin/busybox"
for c in sh echo true false sleep cat ls hostname; do ln -s busybox "$bundle/rootfs/bin/$c"; done
(cd "$bundle" && "$isobox" spec)

# set_args ARG...: process.args (terminal off, no capabilities list: oci-lib's caps may be stubs).
set_args() {
  python3 - "$bundle/config.json" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
d = json.load(open(path))
d["process"]["args"] = args
d["process"]["terminal"] = False
d["process"].pop("capabilities", None)
json.dump(d, open(path, "w"))
PY
}
fail() { echo "FAIL: $*"; exit 1; }
ib() { "$isobox" --root "$root" "$@"; }

case $case_name in
run_echo)
  set_args echo hi
  out=$(cd "$bundle" && ib run "$id")
  [[ $out == hi ]] || fail "output '$out'"
  [[ ! -e $root/$id ]] || fail "state left behind"
  ;;
run_exit_code)
  set_args sh -c 'exit 42'
  set +e; (cd "$bundle" && ib run "$id"); rc=$?; set -e
  [[ $rc == 42 ]] || fail "exit code $rc"
  # A container killed from outside: 128 + SIGKILL, like runc.
  set_args sleep 100
  ib run -b "$bundle" "$id" &
  runner=$!
  for _ in $(seq 50); do ib state "$id" 2>/dev/null | grep -q running && break; sleep 0.1; done
  ib kill "$id" KILL
  set +e; wait $runner; rc=$?; set -e
  [[ $rc == 137 ]] || fail "killed exit code $rc"
  ;;
lifecycle)
  set_args sleep 100
  ib create -b "$bundle" --pid-file "$work/pid" "$id"
  pid=$(cat "$work/pid")
  ib state "$id" | grep -q '"status": "created"' || fail "not created"
  ib start "$id"
  ib state "$id" | grep -q '"status": "running"' || fail "not running"
  ib state "$id" | grep -q "\"pid\": $pid" || fail "pid mismatch"
  ib list -q | grep -qx "$id" || fail "list"
  if ib delete "$id" 2>/dev/null; then fail "deleted a running container"; fi
  ib kill "$id" KILL
  for _ in $(seq 50); do ib state "$id" | grep -q stopped && break; sleep 0.1; done
  ib state "$id" | grep -q '"status": "stopped"' || fail "not stopped"
  ib delete "$id"
  [[ ! -e $root/$id ]] || fail "state dir left"
  ;;
exec)
  set_args sleep 100
  ib run -d -b "$bundle" "$id"
  out=$(ib exec "$id" sh -c 'echo $$; exit 5' || echo "rc=$?")
  [[ $out == $'2\nrc=5' || $out == $'3\nrc=5' ]] || fail "exec output '$out'"
  ib delete --force "$id"
  ;;
bad_input)
  set_args true
  if ib create -b "$work/missing" "$id" 2>"$work/err"; then fail "missing bundle accepted"; fi
  [[ $(wc -l <"$work/err") == 1 ]] || fail "error is not one line: $(cat "$work/err")"
  [[ ! -e $root/$id ]] || fail "state left after missing bundle"
  python3 - "$bundle/config.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["linux"]["namespaces"].append({"type": "bogus"})
json.dump(d, open(sys.argv[1], "w"))
PY
  if ib create -b "$bundle" "$id" 2>"$work/err"; then fail "bogus namespace accepted"; fi
  grep -q 'unknown namespace type "bogus"' "$work/err" || fail "$(cat "$work/err")"
  [[ ! -e $root/$id ]] || fail "state left after bad config"
  (cd "$bundle" && rm config.json && "$isobox" spec)
  set_args /bin/nonexistent
  if ib create -b "$bundle" "$id" 2>"$work/err"; then fail "missing executable accepted"; fi
  [[ ! -e $root/$id ]] || fail "state left after failed init"
  set_args sleep 100
  ib create -b "$bundle" "$id"
  if ib create -b "$bundle" "$id" 2>"$work/err"; then fail "duplicate id accepted"; fi
  grep -q 'already exists' "$work/err" || fail "$(cat "$work/err")"
  ib delete "$id"
  ;;
run_tty)
  # process.terminal without --console-socket: `run` allocates the pty and proxies it (as runc).
  set_args sh -c 'tty; exit 4'
  python3 - "$bundle/config.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["process"]["terminal"] = True
json.dump(d, open(sys.argv[1], "w"))
PY
  set +e; out=$(ib run -b "$bundle" "$id" </dev/null); rc=$?; set -e
  [[ $rc == 4 ]] || fail "tty run exit code $rc"
  [[ $out == /dev/pts/* ]] || fail "tty output '$out'"
  ;;
sealed_exe)
  # CVE-2019-5736 class: hold the init's /proc/<pid>/exe, let the container die, reopen it for
  # writing. isobox runs from a read-only bind of itself, so this must fail with EROFS.
  set_args sleep 100
  ib create -b "$bundle" --pid-file "$work/pid" "$id"
  set +e
  python3 - "$(cat "$work/pid")" "$isobox" "$root" "$id" <<'PY'
import os, subprocess, sys, time
pid, isobox, root = sys.argv[1:4]
fd = os.open(f"/proc/{pid}/exe", os.O_PATH)
subprocess.run([isobox, "--root", root, "delete", "--force", sys.argv[4]], check=True)
# ETXTBSY while another isobox (a parallel test) executes the same file: retry, then skip.
for _ in range(100):
    time.sleep(0.1)
    try:
        os.close(os.open(f"/proc/self/fd/{fd}", os.O_WRONLY))
        sys.exit(1)
    except OSError as e:
        if e.errno == 26:  # ETXTBSY
            continue
        print("reopen for write:", e.strerror)
        sys.exit(0 if e.errno == 30 else 1)  # EROFS
sys.exit(77)
PY
  rc=$?
  [[ $rc == 0 ]] || { [[ $rc == 77 ]] && exit 77; fail "host binary writable through /proc/<pid>/exe"; }
  ;;
*) fail "unknown case $case_name" ;;
esac
echo "PASS $case_name"
