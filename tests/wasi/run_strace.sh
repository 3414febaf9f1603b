#!/usr/bin/env bash
# Checks that the seccomp allowlist is complete for real guests: runs each guest under
# `strace -f`, and after the filter is loaded no syscall may have failed with EPERM (what the
# filter answers for anything not allowed). Prints the distinct syscalls the guests used.
# usage: run_strace.sh ISOBOX GUEST.wasm...
set -u
isobox=$1
shift
command -v strace >/dev/null || { echo "SKIP: strace not installed"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "SKIP: ptrace not permitted here"; exit 77; }
tmp=$(mktemp -d /tmp/isobox-wasi-strace.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
status=0
for wasm in "$@"; do
  rm -rf "$tmp/work" && mkdir -p "$tmp/work" && printf 'seed file\n' >"$tmp/work/seed.txt"
  strace -f -o "$tmp/trace" "$isobox" wasm run --dir "$tmp/work::/work" "$wasm" /work \
    <<<"input" >/dev/null 2>&1
  # Everything after the successful filter load ran confined.
  awk '/seccomp\(SECCOMP_SET_MODE_FILTER.*filter=.*= 0$/ {on = 1; next} on' "$tmp/trace" \
    >"$tmp/after"
  if [[ ! -s $tmp/after ]]; then
    echo "FAIL: $(basename "$wasm"): no seccomp filter load seen"
    status=1
  fi
  if grep -n "EPERM" "$tmp/after"; then
    echo "FAIL: $(basename "$wasm"): a syscall was refused by the filter"
    status=1
  fi
  sed -E 's/^[0-9]+ +//; s/\(.*//' "$tmp/after" | grep -E '^[a-z0-9_]+$' >>"$tmp/used"
done
echo "syscalls used while confined: $(sort -u "$tmp/used" | tr '\n' ' ')"
exit $status
