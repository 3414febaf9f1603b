#!/usr/bin/env bash
# The compiler runs confined: while `isobox wasm compile` compiles a slow module (seconds of
# LLVM), its compiler child is found in /proc and must show the unprivileged identity (when
# isobox runs as root), no capability (bounding set included), no_new_privs, seccomp filter mode
# and the answer pipe as its only descriptor. Then the parent is killed and the child must die
# with it. Before the sandbox the child was root with every capability and every descriptor.
# usage: run_compiler_sandbox.sh ISOBOX
set -u
isobox=$1
tmp=$(mktemp -d /tmp/isobox-compiler-sandbox.XXXXXX)
parent=
trap '[[ -n $parent ]] && kill -9 "$parent" 2>/dev/null; rm -rf "$tmp"' EXIT
python3 "$(dirname "$0")/slow_compile_module.py" "$tmp/m.wasm" 2000
"$isobox" wasm compile --cache-dir "$tmp/cache" "$tmp/m.wasm" >/dev/null 2>"$tmp/err" 3<"$tmp/m.wasm" &
parent=$!
child=
for _ in $(seq 100); do # up to 5 s (of its 9) for the child to load LLVM and confine itself
  seen=$(cat /proc/"$parent"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . | head -1)
  [[ -n $seen ]] && child=$seen
  [[ -n $child ]] && grep -q '^Seccomp:[[:space:]]*2$' /proc/"$child"/status 2>/dev/null && break
  sleep 0.05
done
[[ -n $child ]] || { echo "FAIL: no compiler child seen"; cat "$tmp/err"; exit 1; }
status=$(cat /proc/"$child"/status)
fds=$(ls /proc/"$child"/fd 2>/dev/null | tr '\n' ' ')
echo "$status" | grep -E '^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):'
echo "fds: $fds"
fail=0
expect() { # FIELD REGEX
  echo "$status" | grep -qE "^$1:[[:space:]]*$2\$" || { echo "FAIL: $1 is not $2"; fail=1; }
}
for f in CapInh CapPrm CapEff CapAmb; do expect "$f" 0000000000000000; done
expect NoNewPrivs 1
expect Seccomp 2
if ((EUID == 0)); then
  expect Uid '65534\s+65534\s+65534\s+65534'
  expect Gid '65534\s+65534\s+65534\s+65534'
  expect Groups ''
  expect CapBnd 0000000000000000
  # fd 3 (the module, given to isobox on purpose) and everything else is gone; one is left.
  [[ $(wc -w <<<"$fds") == 1 ]] || { echo "FAIL: descriptors left: $fds"; fail=1; }
fi
kill -9 "$parent"
wait "$parent" 2>/dev/null
parent=
for _ in $(seq 100); do # the parent-death signal ends the compiler
  [[ -d /proc/$child ]] && grep -q '^State:.*Z' /proc/"$child"/status 2>/dev/null && break
  [[ -d /proc/$child ]] || break
  sleep 0.05
done
if [[ -d /proc/$child ]] && ! grep -q '^State:.*Z' /proc/"$child"/status 2>/dev/null; then
  echo "FAIL: the compiler outlived its parent"
  kill -9 "$child"
  fail=1
fi
exit $fail
