#!/usr/bin/env bash
# Runs one guest program natively and as Wasm under `isobox wasm run`, each in a fresh copy of
# the same directory tree, and compares stdout and exit status (the native run is the reference).
# usage: run_guest.sh ISOBOX NATIVE WASM [--stdin TEXT] [--env K=V] [--] GUEST_ARGS...
# The word @DIR@ in guest args is replaced by the granted directory (host path natively,
# /work for the guest). WASM_TIER (default interp) picks the engine tier.
set -u
isobox=$(realpath "$1") native=$(realpath "$2") wasm=$(realpath "$3")
shift 3
stdin_text="" envs=()
while (($#)); do
  case $1 in
  --stdin) stdin_text=$2; shift 2 ;;
  --env) envs+=("$2"); shift 2 ;;
  --) shift; break ;;
  *) break ;;
  esac
done
tmp=$(mktemp -d /tmp/isobox-wasi-guest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

prepare() { # a fresh tree: work/ (granted) and outside/ (never granted)
  rm -rf "$tmp/work" "$tmp/outside"
  mkdir -p "$tmp/work" "$tmp/outside"
  printf 'seed file\n' >"$tmp/work/seed.txt"
  printf 'secret\n' >"$tmp/outside/secret"
  ln -s ../outside "$tmp/work/hostlink"
}
subst() { local d=$1; shift; for a in "$@"; do printf '%s\n' "${a//@DIR@/$d}"; done; }

prepare
mapfile -t nargs < <(subst "$tmp/work" "$@")
(cd "$tmp" && env "${envs[@]}" "$native" "${nargs[@]}" <<<"$stdin_text" >"$tmp/native.out" 2>/dev/null)
native_rc=$?

prepare
mapfile -t wargs < <(subst /work "$@")
envflags=()
for e in "${envs[@]}"; do envflags+=(--env "$e"); done
"$isobox" wasm run --tier "${WASM_TIER:-interp}" --dir "$tmp/work::/work" "${envflags[@]}" "$wasm" "${wargs[@]}" \
  <<<"$stdin_text" >"$tmp/wasm.out" 2>"$tmp/wasm.err"
wasm_rc=$?

status=0
if ! diff -u "$tmp/native.out" "$tmp/wasm.out"; then
  echo "FAIL: stdout differs (--- native, +++ isobox wasm run)"
  status=1
fi
if [[ $native_rc != "$wasm_rc" ]]; then
  echo "FAIL: exit status native=$native_rc wasm=$wasm_rc"
  status=1
fi
if [[ "$(cat "$tmp/outside/secret")" != secret || $(ls "$tmp/outside" | wc -l) != 1 ]]; then
  echo "FAIL: the directory outside the grant was modified"
  status=1
fi
cat "$tmp/wasm.err" >&2
((status == 0)) && echo "PASS: $(wc -l <"$tmp/wasm.out") lines identical, exit status $wasm_rc"
exit $status
