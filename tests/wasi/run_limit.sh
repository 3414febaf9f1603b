#!/usr/bin/env bash
# Runs a hostile .wat guest (assembled with wat2wasm at test time) under `isobox wasm run` and
# checks its exit status, its stderr and that it ended within a wall-clock bound.
# usage: run_limit.sh ISOBOX WAT2WASM FILE.wat|FILE.wasm RC STDERR_REGEX|EMPTY MAX_SECONDS [run flags...]
# WASM_TIER, when set, is passed as --tier (the limit tests run in both tiers); WANT_STDOUT, when
# set, is what stdout must be exactly.
set -u
isobox=$1 wat2wasm=$2 wat=$3 want_rc=$4 want_err=$5 max_s=$6
shift 6
tmp=$(mktemp -d /tmp/isobox-wasi-limit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if [[ $wat == *.wasm ]]; then # already binary (tests/wasi/limits/gen_hostile.c)
  cp "$wat" "$tmp/m.wasm"
else
  "$wat2wasm" "$wat" -o "$tmp/m.wasm" || exit 1
fi
start=$(date +%s%N)
tier=()
[[ -n ${WASM_TIER:-} ]] && tier=(--tier "$WASM_TIER")
timeout 30 "$isobox" wasm run "${tier[@]}" "$@" "$tmp/m.wasm" >"$tmp/out" 2>"$tmp/err"
rc=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
cat "$tmp/err"
status=0
[[ $rc == "$want_rc" ]] || { echo "FAIL: exit status $rc, want $want_rc"; status=1; }
if [[ $want_err == EMPTY ]]; then
  [[ ! -s $tmp/err ]] || { echo "FAIL: stderr should be empty"; status=1; }
else
  grep -Eq -- "$want_err" "$tmp/err" || { echo "FAIL: stderr does not match '$want_err'"; status=1; }
fi
if [[ -v WANT_STDOUT && "$(cat "$tmp/out")" != "$WANT_STDOUT" ]]; then
  echo "FAIL: stdout '$(cat "$tmp/out")', want '$WANT_STDOUT'"
  status=1
fi
((elapsed_ms <= max_s * 1000)) || { echo "FAIL: took ${elapsed_ms} ms, bound ${max_s} s"; status=1; }
((status == 0)) && echo "PASS: exit $rc in ${elapsed_ms} ms"
exit $status
