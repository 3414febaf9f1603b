# Wasm containers (issue 11): detection, the WASI mapping, the container around the engine, limits.
# isobox only: runc and crun (Debian's, without WasmEdge) have no Wasm handler.

# wasm_bundle [NAME]: a bundle with the Wasm probe at /NAME (default probe.wasm, mode 755).
wasm_bundle() {
  unsupported_by runc "no Wasm handler"
  unsupported_by crun "no Wasm handler"
  local wasm
  wasm=$(dirname "$PROBE")/probe.wasm
  [[ -f $wasm ]] || skip "probe.wasm not built (clang-14 or wasi-libc missing)"
  new_bundle
  cp "$wasm" "$BUNDLE/rootfs/${1:-probe.wasm}"
  chmod 755 "$BUNDLE/rootfs/${1:-probe.wasm}"
}

# wasm_create_fails REGEX: create must fail with an error matching REGEX and leave nothing.
wasm_create_fails() {
  CREATED_IDS+=("$CID")
  if rt create --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/ctr.out" 2>"$WORK/ctr.err"; then
    fail "create succeeded, expected an error matching /$1/"
  fi
  expect_match "$(cat "$WORK/ctr.err")" "$1" "create error"
  expect_nothing_left "$CID"
}

# hello, argv, environ, exit code and trap through `run`, nothing left behind.
test_wasm_run_wasi_mapping() {
  wasm_bundle
  args /probe.wasm hello
  run_container
  expect_ok
  expect_eq "$OUT" "hello from wasm" output
  expect_nothing_left "$CID"
  wasm_bundle
  args /probe.wasm args "two words" --flag
  run_container
  expect_ok
  expect_eq "$OUT" $'arg0=/probe.wasm\narg1=args\narg2=two words\narg3=--flag' argv
  wasm_bundle
  args /probe.wasm env GREETING
  cfg '.process.env += ["GREETING=hi there"]'
  run_container
  expect_eq "$OUT" "env=hi there" environ
  wasm_bundle
  args /probe.wasm exit 7
  run_container
  expect_rc 7
  expect_nothing_left "$CID"
  wasm_bundle
  args /probe.wasm trap
  run_container
  expect_rc 134
  expect_match "$ERR" "trap: unreachable" "trap line"
  expect_nothing_left "$CID"
}

# The rules: header sniffing of an executable file, run.oci.handler, module.wasm.image/variant.
test_wasm_detection() {
  wasm_bundle
  args /probe.wasm # no annotation: the \0asm version 1 header decides
  run_container
  expect_eq "$OUT" "hello from wasm" "sniffed module"
  wasm_bundle app.bin
  chmod 644 "$BUNDLE/rootfs/app.bin"
  args /app.bin # not executable, no annotation: exec'd as usual, which fails
  wasm_create_fails 'app.bin'
  wasm_bundle app.bin
  chmod 644 "$BUNDLE/rootfs/app.bin"
  args /app.bin
  cfg '.annotations["run.oci.handler"] = "wasm"'
  run_container
  expect_eq "$OUT" "hello from wasm" "run.oci.handler=wasm"
  wasm_bundle
  args /bin/echo native
  cfg '.annotations["run.oci.handler"] = "wasm-smart"'
  run_container
  expect_eq "$OUT" native "wasm-smart with a native args[0]"
  wasm_bundle
  args /probe.wasm hello
  cfg '.annotations["module.wasm.image/variant"] = "compat-smart"'
  run_container
  expect_eq "$OUT" "hello from wasm" "compat-smart"
  wasm_bundle
  args /bin/busybox true
  cfg '.annotations["module.wasm.image/variant"] = "compat"'
  wasm_create_fails 'not a WebAssembly module'
  wasm_bundle
  printf '\0asm\x0d\0\x01\0' >"$BUNDLE/rootfs/comp.wasm"
  chmod 755 "$BUNDLE/rootfs/comp.wasm"
  args /comp.wasm
  wasm_create_fails 'components are not supported yet'
  wasm_bundle
  args /probe.wasm
  cfg '.annotations["run.oci.handler"] = "krun"'
  wasm_create_fails "unknown handler 'krun'"
}

# The engine runs inside the container: its rootfs, user, no_new_privs, and both seccomp filters.
test_wasm_container_around_engine() {
  wasm_bundle
  args /probe.wasm cat /proc/self/status
  cfg '.process.user = {"uid": 1000, "gid": 1000}'
  run_container
  expect_ok
  expect_match "$OUT" $'Uid:\t1000\t1000\t1000\t1000' "uid of the engine"
  expect_match "$OUT" $'NoNewPrivs:\t1' "no_new_privs"
  expect_match "$OUT" $'Seccomp_filters:\t1\n' "the engine's own filter"
  wasm_bundle
  args /probe.wasm cat /etc/passwd
  run_container
  expect_eq "$OUT" "root:x:0:0:root:/root:/bin/sh" "the container's rootfs as /"
  # The container's profile stays in force under the engine's: mkdirat is refused by it.
  wasm_bundle
  args /probe.wasm mkdir /tmp/x
  cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
  run_container
  expect_eq "$OUT" "mkdir=EPERM" "mkdir under the container's profile"
  wasm_bundle
  args /probe.wasm cat /proc/self/status
  cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}'
  run_container
  expect_match "$OUT" $'Seccomp_filters:\t2\n' "container profile + engine filter"
  wasm_bundle
  args /probe.wasm mkdir /tmp/x
  run_container
  expect_eq "$OUT" "mkdir=ok" "mkdir without a profile"
}

# CPU ticks (utime + stime) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# create / start / state / ps / pause / resume / kill / delete of a Wasm container.
test_wasm_lifecycle() {
  wasm_bundle
  args /probe.wasm spin
  create_container
  expect_eq "$(state_field status)" created "status after create"
  rt start "$CID" || fail "start failed"
  wait_status running
  local pid a b
  pid=$(state_field pid)
  expect_eq "$(rt ps --format json "$CID" | jq -r '.[]')" "$pid" "ps lists the engine"
  rt pause "$CID" || fail "pause failed"
  wait_status paused
  a=$(cpu_ticks "$pid")
  sleep 0.5
  b=$(cpu_ticks "$pid")
  expect_eq "$b" "$a" "CPU ticks of the paused guest"
  rt resume "$CID" || fail "resume failed"
  wait_status running
  sleep 0.5
  (($(cpu_ticks "$pid") > b)) || fail "the resumed guest does not run"
  rt kill "$CID" KILL || fail "kill failed"
  wait_status stopped 5
  rt delete "$CID" || fail "delete failed"
  expect_nothing_left "$CID"
}

# Limits: the memory limit bounds linear memory (memory.grow fails, no OOM kill); the
# isobox.wasm/* annotations set fuel, timeout and call depth; a bad value fails create.
test_wasm_limits() {
  wasm_bundle
  args /probe.wasm grow
  cfg '.linux.resources.memory = {"limit": 67108864}'
  run_container
  expect_ok
  local mib
  mib=$(val grown_mib)
  ((mib >= 40 && mib <= 48)) || fail "grew $mib MiB under a 64 MiB limit, expected 40..48"
  expect_nothing_left "$CID"
  wasm_bundle
  args /probe.wasm spin
  cfg '.annotations["isobox.wasm/fuel"] = "100000"'
  run_container
  expect_rc 134
  expect_match "$ERR" "fuel" "fuel trap"
  wasm_bundle
  args /probe.wasm spin
  cfg '.annotations["isobox.wasm/timeout"] = "300ms"'
  run_container
  expect_rc 134
  wasm_bundle
  args /probe.wasm recurse 5000
  cfg '.annotations["isobox.wasm/max-stack"] = "100"'
  run_container
  expect_rc 134
  expect_match "$ERR" "call stack exhausted|stack" "stack trap"
  local bad
  for bad in '"isobox.wasm/fuel": "12x"' '"isobox.wasm/timeout": "-1s"' '"isobox.wasm/max-stack": "0"'; do
    wasm_bundle
    args /probe.wasm hello
    cfg ".annotations += {$bad}"
    wasm_create_fails "annotation isobox.wasm/"
  done
}

# The fuel and call-depth annotations hold in compiled code too (isobox.wasm/tier aot, issue 14).
test_wasm_limits_aot() {
  ISOBOX_CACHE_DIR="$(mktemp -d /tmp/isobox-oci-code-cache.XXXXXX)"
  export ISOBOX_CACHE_DIR
  wasm_bundle
  args /probe.wasm spin
  cfg '.annotations["isobox.wasm/tier"] = "aot" | .annotations["isobox.wasm/fuel"] = "100000"'
  run_container_debug
  expect_rc 134
  expect_match "$ERR" "wasm: tier aot" "tier"
  expect_match "$ERR" "all fuel consumed" "fuel trap in compiled code"
  expect_nothing_left "$CID"
  wasm_bundle
  args /probe.wasm recurse 5000
  cfg '.annotations["isobox.wasm/tier"] = "aot" | .annotations["isobox.wasm/max-stack"] = "100"'
  run_container_debug
  expect_rc 134
  expect_match "$ERR" "wasm: tier aot" "tier"
  expect_match "$ERR" "call stack exhausted" "stack trap in compiled code"
  expect_nothing_left "$CID"
  rm -rf "$ISOBOX_CACHE_DIR"
}

# The module is decoded and validated at `create`: a malformed or an invalid module fails create
# with one line naming the module and the error, and leaves nothing (no state, cgroup, process).
test_wasm_invalid_module_fails_create() {
  wasm_bundle
  # The core-module header, then a type section cut short: a decoding error.
  printf '\0asm\x01\0\0\0\x01\x05\x01\x60' >"$BUNDLE/rootfs/probe.wasm"
  args /probe.wasm
  wasm_create_fails '^isobox: .*/probe.wasm: .*(end|length|size)'
  expect_eq "$(wc -l <"$WORK/ctr.err")" 1 "lines of the malformed module's error"
  wasm_bundle
  # Decodes, but does not validate: a function typed () -> i32 whose body is empty.
  printf '\0asm\x01\0\0\0\x01\x05\x01\x60\0\x01\x7f\x03\x02\x01\0\x0a\x04\x01\x02\0\x0b' \
    >"$BUNDLE/rootfs/probe.wasm"
  args /probe.wasm
  wasm_create_fails '^isobox: .*/probe.wasm: .*type mismatch'
  expect_eq "$(wc -l <"$WORK/ctr.err")" 1 "lines of the invalid module's error"
  expect_eq "$(rt list -q)" "" "containers listed"
}

# SIGTERM (the default of `kill`, what the kubelet sends first) and SIGINT end a looping guest
# with 128 + the signal, as a native process with default dispositions would end, although the
# engine is the pid namespace's init (which the kernel spares signals it has no handler for).
test_wasm_stop_signals() {
  local sig code
  for sig in TERM INT; do
    wasm_bundle
    args /probe.wasm spin
    CREATED_IDS+=("$CID")
    rt run --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" &
    local run_pid=$!
    wait_status running
    if [[ $sig == TERM ]]; then
      rt kill "$CID" || fail "kill (default signal) failed"
    else
      rt kill "$CID" INT || fail "kill INT failed"
    fi
    local tries=50
    while ((tries-- > 0)) && kill -0 "$run_pid" 2>/dev/null; do sleep 0.1; done
    kill -0 "$run_pid" 2>/dev/null && fail "run still going 5 s after SIG$sig"
    RC=0
    wait "$run_pid" || RC=$?
    ERR=$(cat "$WORK/err")
    OUT=$(cat "$WORK/out")
    code=$((128 + $(kill -l "$sig")))
    expect_rc "$code"
    expect_nothing_left "$CID"
  done
  # Through create/start/state/delete: stopped after SIGTERM, with no other signal sent.
  wasm_bundle
  args /probe.wasm spin
  create_container
  rt start "$CID" || fail "start failed"
  wait_status running
  rt kill "$CID" TERM || fail "kill TERM failed"
  wait_status stopped 5
  rt delete "$CID" || fail "delete failed"
  expect_nothing_left "$CID"
}

# exec into a running Wasm container: a module runs in the engine as the init's does (same
# detection, same handler), a native program the rootfs has is exec'd, and a program it lacks
# gets one line that says so.
test_wasm_exec() {
  wasm_bundle
  args /probe.wasm spin
  create_container
  rt start "$CID" || fail "start failed"
  wait_status running
  RC=0
  OUT=$(rt exec "$CID" /probe.wasm args one 2>"$WORK/err") || RC=$?
  ERR=$(cat "$WORK/err")
  expect_ok
  expect_eq "$OUT" $'arg0=/probe.wasm\narg1=args\narg2=one' "exec'd module's output"
  RC=0
  rt exec "$CID" /probe.wasm exit 5 >/dev/null 2>&1 || RC=$?
  expect_rc 5
  RC=0
  OUT=$(rt exec "$CID" /bin/echo native 2>&1) || RC=$?
  expect_eq "$OUT" native "a native program of the rootfs"
  RC=0
  rt exec "$CID" bash -c true >/dev/null 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  ((RC != 0)) || fail "exec of a missing program succeeded"
  expect_match "$ERR" '^isobox: exec: "bash": not found in the container.s rootfs \(a Wasm container' \
    "missing program"
  expect_eq "$(wc -l <"$WORK/err")" 1 "lines of the error"
  printf '\0asm\x01\0\0\0\x01\x05\x01\x60' >"$BUNDLE/rootfs/bad.wasm"
  chmod 755 "$BUNDLE/rootfs/bad.wasm"
  RC=0
  rt exec "$CID" /bad.wasm >/dev/null 2>"$WORK/err" || RC=$?
  ((RC != 0)) || fail "exec of a malformed module succeeded"
  expect_match "$(cat "$WORK/err")" '^isobox: exec: /bad.wasm: .*(end|length)' "malformed module"
  # exec -d returns once the module runs (it does not wait for the guest) and names its pid.
  timeout 10 "$RUNTIME_BIN" --root "$STATE_ROOT" exec -d --pid-file "$WORK/exec.pid" "$CID" \
    /probe.wasm spin </dev/null >/dev/null 2>"$WORK/err" || fail "exec -d: $(cat "$WORK/err")"
  [[ -d /proc/$(cat "$WORK/exec.pid") ]] || fail "exec -d: the spinning module is not running"
  rt kill "$CID" KILL || fail "kill failed"
  wait_status stopped 5
  rt delete "$CID" || fail "delete failed"
  expect_nothing_left "$CID"
  # A native container's missing program keeps the usual message (no word of Wasm).
  wasm_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID" || fail "start failed"
  RC=0
  rt exec "$CID" bash -c true >/dev/null 2>"$WORK/err" || RC=$?
  ((RC != 0)) || fail "exec of a missing program succeeded"
  expect_match "$(cat "$WORK/err")" 'executable file not found' "native container, missing program"
  expect_no_match "$(cat "$WORK/err")" 'Wasm' "native container, missing program"
}

# exec into a container whose annotation forces Wasm (run.oci.handler=wasm, or a pod's
# module.wasm.image/variant=compat): the forcing is for the container's own process; an exec'd
# native program of the rootfs is exec'd (kubectl exec of a debugging tool), a module still runs.
test_wasm_exec_forced() {
  local key value
  for key in run.oci.handler module.wasm.image/variant; do
    value=wasm
    [[ $key == run.oci.handler ]] || value=compat
    wasm_bundle
    args /probe.wasm spin
    cfg ".annotations[\"$key\"] = \"$value\""
    create_container
    rt start "$CID" || fail "start failed"
    wait_status running
    RC=0
    OUT=$(rt exec "$CID" /bin/echo native 2>&1) || RC=$?
    expect_eq "$OUT" native "$key=$value: a native program of the rootfs"
    RC=0
    OUT=$(rt exec "$CID" /probe.wasm args one 2>&1) || RC=$?
    expect_eq "$OUT" $'arg0=/probe.wasm\narg1=args\narg2=one' "$key=$value: an exec'd module"
    rt kill "$CID" KILL || fail "kill failed"
    wait_status stopped 5
    rt delete "$CID" || fail "delete failed"
    expect_nothing_left "$CID"
  done
}

# `--debug` prints where a Wasm container's startup goes (docs/wasm-containers.md "Startup"): one
# "startup:" line per phase, in order, the module validated before the init reports ready.
test_wasm_startup_phases() {
  wasm_bundle
  args /probe.wasm hello
  CREATED_IDS+=("$CID")
  RC=0
  rt --debug run --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
  ERR=$(cat "$WORK/err")
  OUT=$(cat "$WORK/out")
  expect_ok
  grep -q '^isobox: debug: startup: run: started at' "$WORK/err" || fail "no 'run: started' line"
  # `run: started` races with the init's lines (the guest may finish first); the rest is ordered.
  grep -v 'startup: run: started' "$WORK/err" >"$WORK/phases"
  local phases want
  phases=$(sed -n 's/^isobox: debug: startup: \(.*\) at +[0-9.]* ms$/\1/p' "$WORK/phases" | tr '\n' '|')
  want='create: bundle read|create: state dir, exec fifo and cgroup made|create: init cloned|'
  want+='init: namespaces entered|init: rootfs, mounts, pivot_root, console, rlimits|'
  want+='wasm: module read|wasm: module decoded and validated|'
  want+='init: user, capabilities, seccomp, process resolved|create: init ready|'
  want+='init: started (exec fifo, startContainer hooks)|wasm: WASI set up, Landlock|'
  want+='wasm: instantiated|wasm: seccomp|wasm: guest returned|'
  want+='run: container exited|run: container deleted|'
  expect_eq "$phases" "$want" "startup phases"
  # The marks share one clock (the init is a clone of `run`): the times never go back.
  sed -n 's/^isobox: debug: startup: .* at +\([0-9.]*\) ms$/\1/p' "$WORK/phases" | sort -c -g ||
    fail "startup times out of order: $(grep startup: "$WORK/err")"
  expect_nothing_left "$CID"
}

# The engine runs where the init would execve, so it closes what execve closes: a descriptor the
# runtime's caller left open (not --preserve-fds) is not held by the engine for the container's
# life (it was: a pipe's reader never saw EOF while the container ran).
test_wasm_closes_exec_fds() {
  wasm_bundle
  args /probe.wasm spin
  CREATED_IDS+=("$CID")
  : >"$WORK/held"
  rt create --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/ctr.out" 2>"$WORK/ctr.err" 7>>"$WORK/held" ||
    fail "create failed: $(cat "$WORK/ctr.err")"
  rt start "$CID" || fail "start failed"
  wait_status running
  local pid fds
  pid=$(state_field pid)
  sleep 0.2 # the engine closes them before the guest's first instruction
  fds=$(ls -l "/proc/$pid/fd")
  expect_no_match "$fds" "$WORK/held" "descriptors of the engine"
  expect_match "$fds" ' -> /$' "the preopened / (the engine's own descriptors stay)"
  rt kill "$CID" KILL || fail "kill failed"
  wait_status stopped 5
  rt delete "$CID" || fail "delete failed"
  expect_nothing_left "$CID"
}

# run_container with the runtime's --debug log (the engine's "wasm: tier ..." line is in $ERR).
run_container_debug() {
  CREATED_IDS+=("$CID")
  RC=0
  rt --debug run --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

# isobox.wasm/tier: auto (the default) runs code from the runtime's code cache, else the
# interpreter; aot compiles (before pivot_root) and stores; interp interprets; a bad value fails
# create with one line.
test_wasm_tier() {
  # Outside $WORK: the harness finds leftover processes by $WORK in their environment.
  ISOBOX_CACHE_DIR="$(mktemp -d /tmp/isobox-oci-code-cache.XXXXXX)"
  export ISOBOX_CACHE_DIR
  local tier want
  for tier in "" aot "" interp; do
    wasm_bundle
    args /probe.wasm hello
    [[ -z $tier ]] || cfg ".annotations[\"isobox.wasm/tier\"] = \"$tier\""
    run_container_debug
    expect_ok
    expect_eq "$OUT" "hello from wasm" "output (tier '${tier:-default}')"
    case "$tier" in
    aot) want="tier aot \(compiled\)" ;;
    interp) want="tier interp" ;;
    *) [[ -d $ISOBOX_CACHE_DIR/aot ]] && want="tier aot \(cache\)" || want="tier interp" ;;
    esac
    expect_match "$ERR" "wasm: $want" "tier '${tier:-default}'"
    expect_nothing_left "$CID"
  done
  ls "$ISOBOX_CACHE_DIR/aot" | grep -q . || fail "nothing stored in the code cache"
  rm -rf "$ISOBOX_CACHE_DIR"
  wasm_bundle
  args /probe.wasm hello
  cfg '.annotations["isobox.wasm/tier"] = "fast"'
  wasm_create_fails "annotation isobox.wasm/tier: 'fast': expected interp, aot or auto"
  expect_eq "$(wc -l <"$WORK/ctr.err")" 1 "lines of the bad tier's error"
}

# new_code_cache: an empty code cache of the runtime's own (outside $WORK: the harness finds
# leftover processes by $WORK in their environment).
new_code_cache() {
  ISOBOX_CACHE_DIR="$(mktemp -d /tmp/isobox-oci-code-cache.XXXXXX)"
  export ISOBOX_CACHE_DIR
  TMP_CACHES+=("$ISOBOX_CACHE_DIR")
  # Removed (and unmounted) even when the test fails; lib.sh's cleanup gets the test's status.
  trap 'rc=$?; drop_code_caches; (exit $rc); cleanup' EXIT
}
TMP_CACHES=()
drop_code_caches() {
  local c
  for c in "${TMP_CACHES[@]}"; do
    umount "$c" 2>/dev/null || true
    rm -rf "$c"
  done
  TMP_CACHES=()
}

# exec_debug ARGS...: `exec` into $CID with the runtime's --debug log; stdout in $OUT, $ERR, $RC.
exec_debug() {
  RC=0
  OUT=$(rt --debug exec "$CID" "$@" 2>"$WORK/err") || RC=$?
  ERR=$(cat "$WORK/err")
}

# A copy of probe.wasm under another name whose bytes differ (a custom section appended), so it
# has no cache entry of its own.
other_module() {
  cp "$BUNDLE/rootfs/probe.wasm" "$BUNDLE/rootfs/$1"
  printf '\x00\x05\x04%s' "${2:-abcd}" >>"$BUNDLE/rootfs/$1"
}

stop_and_delete() {
  rt kill "$CID" KILL || fail "kill failed"
  wait_status stopped 5
  rt delete "$CID" || fail "delete failed"
  expect_nothing_left "$CID"
}

# exec of a module into a Wasm container takes its code as the init does: the container's
# isobox.wasm/tier, the runtime's cache, only code for the module's own bytes.
test_wasm_exec_tier() {
  new_code_cache
  wasm_bundle
  args /probe.wasm spin
  cfg '.annotations["isobox.wasm/tier"] = "aot"'
  other_module other.wasm
  create_container
  rt start "$CID" || fail "start failed"
  wait_status running
  exec_debug /probe.wasm args one # the init compiled and stored probe.wasm
  expect_ok
  expect_eq "$OUT" $'arg0=/probe.wasm\narg1=args\narg2=one' "exec'd module's output (aot)"
  expect_match "$ERR" "wasm: tier aot \(cache\)" "exec, tier aot, cached module"
  exec_debug /other.wasm exit 7 # not cached: compiled (and stored) for the exec
  expect_rc 7
  expect_match "$ERR" "wasm: tier aot \(compiled\)" "exec, tier aot, module not cached"
  # The exec's compilation is bounded as create's: over its time, one line, the container runs on.
  huge_module "$BUNDLE/rootfs/huge.wasm"
  RC=0
  ISOBOX_COMPILE_TIMEOUT=300ms rt exec "$CID" /huge.wasm >/dev/null 2>"$WORK/err" || RC=$?
  ((RC != 0)) || fail "exec of a module over its compile time bound succeeded"
  expect_match "$(cat "$WORK/err")" \
    '^isobox: exec: /huge.wasm: compilation exceeded its time bound of 300 ms \(killed\)$' "exec, bound"
  expect_eq "$(wc -l <"$WORK/err")" 1 "lines of the exec's error"
  expect_eq "$(state_field status)" running "status after the failed exec"
  stop_and_delete
  wasm_bundle # no annotation: auto
  args /probe.wasm spin
  other_module other.wasm
  other_module third.wasm wxyz
  create_container
  rt start "$CID" || fail "start failed"
  wait_status running
  for m in probe other; do
    exec_debug "/$m.wasm" args one
    expect_ok
    expect_match "$ERR" "wasm: tier aot \(cache\)" "exec, tier auto, cached $m.wasm"
  done
  exec_debug /third.wasm args one
  expect_ok
  expect_match "$ERR" "wasm: tier interp" "exec, tier auto, module not cached"
  stop_and_delete
  drop_code_caches
}

# userns_bundle: the bundle runs in a user namespace (root inside is 100000 outside).
userns_bundle() {
  chown -R 100000:100000 "$BUNDLE/rootfs"
  cfg '.linux.namespaces += [{"type":"user"}]
       | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
       | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
       | .mounts |= map(select(.type != "cgroup"))
       | .mounts |= map(if .destination == "/sys" then {"destination":"/sys","type":"none",
                  "source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]} else . end)'
}

# A container with a user namespace uses the runtime's code cache: the runtime checks it as its
# own user (inside, its files belong to the overflow uid) and hands the code over.
test_wasm_userns_tier() {
  new_code_cache
  local tier want
  for tier in aot ""; do
    wasm_bundle
    userns_bundle
    args /probe.wasm hello
    [[ -z $tier ]] || cfg ".annotations[\"isobox.wasm/tier\"] = \"$tier\""
    run_container_debug
    expect_ok
    expect_eq "$OUT" "hello from wasm" "output (tier '${tier:-default}')"
    [[ $tier == aot ]] && want="tier aot \(compiled\)" || want="tier aot \(cache\)"
    expect_match "$ERR" "wasm: $want" "user namespace, tier '${tier:-default}'"
    expect_no_match "$ERR" "warning" "user namespace, tier '${tier:-default}'"
    expect_nothing_left "$CID"
  done
  wasm_bundle
  userns_bundle
  args /probe.wasm spin
  create_container
  rt start "$CID" || fail "start failed"
  wait_status running
  exec_debug /probe.wasm args one
  expect_ok
  expect_match "$ERR" "wasm: tier aot \(cache\)" "exec into the user namespace, tier auto"
  stop_and_delete
  drop_code_caches
}

# With isobox.wasm/tier aot and a cold cache, LLVM runs in the runtime (a bounded child), not in
# the container's cgroup: a 16 MiB container, plenty for the guest but not for LLVM (about 19 MiB
# compiling the probe in the container's cgroup), runs compiled code, the entry is stored, and the
# container's peak memory holds no compiler.
test_wasm_aot_compile_outside_cgroup() {
  new_code_cache
  wasm_bundle
  args /probe.wasm hello
  cfg '.annotations["isobox.wasm/tier"] = "aot" | .linux.resources.memory = {"limit": 16777216}'
  CREATED_IDS+=("$CID")
  rt --debug create --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/ctr.out" 2>"$WORK/ctr.err" ||
    fail "create failed: $(cat "$WORK/ctr.err")"
  rt start "$CID" || fail "start failed"
  wait_status stopped 10
  expect_eq "$(cat "$WORK/ctr.out")" "hello from wasm" "output"
  ERR=$(cat "$WORK/ctr.err")
  expect_match "$ERR" "wasm: tier aot \(compiled\)" "tier"
  expect_match "$ERR" "wasm aot: compiled /probe.wasm" "compiled by the runtime"
  local mem peak failcnt
  mem=$(cgroup_dirs_of "$CID" | grep /memory/)
  [[ -n $mem ]] || skip "no v1 memory cgroup for the container"
  peak=$(cat "$mem/memory.max_usage_in_bytes")
  failcnt=$(cat "$mem/memory.failcnt")
  log "container memory peak $((peak / 1024)) KiB, failcnt $failcnt"
  ((peak < 8 * 1024 * 1024)) || fail "container memory peak $peak bytes: the compile was counted"
  expect_eq "$failcnt" 0 "memory.failcnt"
  local sha
  sha=$(sha256sum "$BUNDLE/rootfs/probe.wasm" | cut -d' ' -f1)
  expect_match "$("$RUNTIME_BIN" wasm cache ls)" "$sha" "the code cache's entries"
  rt delete "$CID" || fail "delete failed"
  expect_nothing_left "$CID"
  drop_code_caches
}

# huge_module FILE: a WASI command whose _start is one function of 200,000 operations over 400
# locals: validated and interpreted in milliseconds, seconds of LLVM's time.
huge_module() {
  python3 - "$1" <<'PY'
import sys
def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)
def sec(i, body):
    return bytes([i]) + uleb(len(body)) + body
code, x = bytearray(), 12345
def local():
    global x
    x = (x * 1103515245 + 12345) & 0xffffffff
    return (x >> 8) % 400
for i in range(200000):
    code += b"\x20" + uleb(local()) + b"\x20" + uleb(local())
    code += b"\x6c" if i % 2 else b"\x73"
    code += b"\x21" + uleb(local())
code += b"\x0b"
body = b"\x01" + uleb(400) + b"\x7f" + code
m = b"\x00asm\x01\x00\x00\x00"
m += sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00")
m += sec(7, b"\x01\x06_start\x00\x00")
m += sec(10, b"\x01" + uleb(len(body)) + body)
open(sys.argv[1], "wb").write(m)
PY
  chmod 755 "$1"
}

# A module that is expensive to compile cannot hold the runtime: the compilation's time and
# address space are bounded ($ISOBOX_COMPILE_TIMEOUT, $ISOBOX_COMPILE_MAX_MEMORY); over either,
# tier aot fails create with one line and leaves nothing (the compiler process included), and
# auto, which never compiles, interprets.
test_wasm_aot_compile_bounds() {
  new_code_cache
  wasm_bundle
  huge_module "$BUNDLE/rootfs/huge.wasm"
  args /huge.wasm
  cfg '.annotations["isobox.wasm/tier"] = "aot"'
  local start=$SECONDS
  ISOBOX_COMPILE_TIMEOUT=500ms wasm_create_fails \
    '^isobox: create: /huge.wasm: compilation exceeded its time bound of 500 ms \(killed\)$'
  ((SECONDS - start < 10)) || fail "create took $((SECONDS - start)) s with a 500 ms bound"
  wasm_bundle
  huge_module "$BUNDLE/rootfs/huge.wasm"
  args /huge.wasm
  cfg '.annotations["isobox.wasm/tier"] = "aot"'
  ISOBOX_COMPILE_MAX_MEMORY=67108864 wasm_create_fails \
    '^isobox: create: /huge.wasm: .*(bounded to 64 MiB|within 64 MiB)'
  expect_eq "$(wc -l <"$WORK/ctr.err")" 1 "lines of the error"
  ISOBOX_COMPILE_TIMEOUT=12zz wasm_create_fails '^isobox: create: ISOBOX_COMPILE_TIMEOUT: '
  wasm_bundle
  huge_module "$BUNDLE/rootfs/huge.wasm"
  args /huge.wasm
  ISOBOX_COMPILE_TIMEOUT=500ms run_container_debug
  expect_ok
  expect_match "$ERR" "wasm: tier interp" "tier auto, nothing cached"
  expect_nothing_left "$CID"
  [[ -z $(ls -A "$ISOBOX_CACHE_DIR/aot") ]] || fail "something stored: $(ls "$ISOBOX_CACHE_DIR/aot")"
  drop_code_caches
}

# A code cache the runtime may not trust or cannot write never fails create nor leaves anything:
# one warning line; auto interprets, aot compiles and runs without storing.
test_wasm_bad_code_cache() {
  local tier want kind
  for kind in group-writable not-a-directory read-only; do
    new_code_cache
    case $kind in
    group-writable) chmod 770 "$ISOBOX_CACHE_DIR" ;;
    not-a-directory)
      : >"$ISOBOX_CACHE_DIR/file"
      ISOBOX_CACHE_DIR=$ISOBOX_CACHE_DIR/file
      ;;
    read-only)
      mkdir -m 700 "$ISOBOX_CACHE_DIR/aot"
      mount --bind -o ro "$ISOBOX_CACHE_DIR" "$ISOBOX_CACHE_DIR" || skip "no read-only bind mount"
      ;;
    esac
    for tier in auto aot; do
      wasm_bundle
      args /probe.wasm hello
      cfg ".annotations[\"isobox.wasm/tier\"] = \"$tier\""
      run_container_debug
      expect_ok
      expect_eq "$OUT" "hello from wasm" "output ($kind cache, tier $tier)"
      [[ $tier == aot ]] && want="tier aot \(compiled\)" || want="tier interp"
      expect_match "$ERR" "wasm: $want" "$kind cache, tier $tier"
      local warnings
      warnings=$(grep -c '^isobox: warning: ' <<<"$ERR" || true)
      if [[ $kind == read-only && $tier == auto ]]; then
        expect_eq "$warnings" 0 "warnings ($kind cache, tier $tier: an empty cache)"
      else
        expect_eq "$warnings" 1 "warnings ($kind cache, tier $tier): $ERR"
      fi
      expect_nothing_left "$CID"
    done
    [[ $kind != not-a-directory ]] || continue
    [[ -z $(ls -A "$ISOBOX_CACHE_DIR/aot" 2>/dev/null) ]] || fail "$kind cache: an entry was stored"
  done
  drop_code_caches
}
