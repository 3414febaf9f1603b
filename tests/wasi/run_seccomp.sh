#!/usr/bin/env bash
# Proves the running engine is confined: while a guest sleeps in poll_oneoff, the isobox
# process shows Seccomp: 2 (filter) and NoNewPrivs: 1. With --no-confine it must show neither,
# so the check itself can fail.
# usage: run_seccomp.sh ISOBOX WAT2WASM sleep_poll.wat (confined|unconfined)
set -u
isobox=$1 wat2wasm=$2 wat=$3 mode=$4
tmp=$(mktemp -d /tmp/isobox-wasi-seccomp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$wat2wasm" "$wat" -o "$tmp/m.wasm" || exit 1
flags=()
[[ $mode == unconfined ]] && flags=(--no-confine)
"$isobox" wasm run "${flags[@]}" "$tmp/m.wasm" 2>"$tmp/err" &
pid=$!
# Sample once the guest sleeps in poll_oneoff: the main thread blocked in ppoll (syscall 271 on
# x86_64, 73 on aarch64), however long loading took (the sanitizer build starts slowly).
for _ in $(seq 100); do
  read -r nr _ </proc/$pid/syscall 2>/dev/null || break
  [[ $nr == 271 || $nr == 73 ]] && break
  sleep 0.05
done
status_text=$(cat /proc/$pid/status 2>/dev/null)
wait $pid
rc=$?
seccomp=$(awk '/^Seccomp:/ {print $2}' <<<"$status_text")
nnp=$(awk '/^NoNewPrivs:/ {print $2}' <<<"$status_text")
echo "exit=$rc Seccomp=$seccomp NoNewPrivs=$nnp"
[[ $rc == 0 ]] || exit 1
if [[ $mode == confined ]]; then
  [[ $seccomp == 2 && $nnp == 1 ]]
else
  [[ $seccomp == 0 ]]
fi
