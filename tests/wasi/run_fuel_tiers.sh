#!/usr/bin/env bash
# Fuel is charged the same in both tiers: finds (by bisection, in the interpreter) the smallest
# --fuel with which a guest runs to its end, then checks that the aot tier also runs to the end
# with exactly that budget, with the same stdout, and traps "all fuel consumed" with one unit less.
# usage: run_fuel_tiers.sh ISOBOX WASM STDIN_TEXT [GUEST_ARGS...]
set -u
isobox=$1 wasm=$2 stdin_text=$3
shift 3
tmp=$(mktemp -d /tmp/isobox-fuel-tiers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
run_args() { # TIER FUEL GUEST_ARGS...: exit status; stdout, stderr in $tmp/{out,err}.TIER
  local tier=$1 fuel=$2
  shift 2
  printf '%b' "$stdin_text" | "$isobox" wasm run --tier "$tier" --fuel "$fuel" "$wasm" "$@" \
    >"$tmp/out.$tier" 2>"$tmp/err.$tier"
}
lo=0 hi=1
until run_args interp "$hi" "$@"; do
  lo=$hi hi=$((hi * 2))
  ((hi < 1 << 40)) || { echo "FAIL: the guest does not end in the interpreter"; exit 1; }
done
while ((hi - lo > 1)); do
  mid=$(((lo + hi) / 2))
  if run_args interp "$mid" "$@"; then hi=$mid; else lo=$mid; fi
done
run_args interp "$hi" "$@"
echo "interpreter: the guest needs --fuel $hi"
status=0
if ! run_args aot "$hi" "$@"; then
  echo "FAIL: aot with --fuel $hi: exit $?, $(cat "$tmp/err.aot")"
  status=1
fi
cmp -s "$tmp/out.interp" "$tmp/out.aot" || { echo "FAIL: stdout differs between tiers"; status=1; }
run_args aot "$((hi - 1))" "$@"
rc=$?
if [[ $rc != 134 ]] || ! grep -q '^isobox: trap: all fuel consumed' "$tmp/err.aot"; then
  echo "FAIL: aot with --fuel $((hi - 1)): exit $rc, $(cat "$tmp/err.aot")"
  status=1
fi
((status == 0)) && echo "PASS: aot ends with --fuel $hi and runs out with $((hi - 1))"
exit $status
