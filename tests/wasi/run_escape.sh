#!/usr/bin/env bash
# Runs the escape guest with /work granted; the tree outside the grant must stay untouched.
set -u
isobox=$1 wasm=$2
tmp=$(mktemp -d /tmp/isobox-wasi-escape.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/work" "$tmp/outside"
printf 'secret\n' >"$tmp/outside/secret"
ln -s ../outside "$tmp/work/hostlink"
"$isobox" wasm run --dir "$tmp/work::/work" "$wasm" /work 2>"$tmp/err"
rc=$?
cat "$tmp/err" >&2
if [[ "$(cat "$tmp/outside/secret")" != secret || $(ls "$tmp/outside" | wc -l) != 1 ]]; then
  echo "FAIL: the directory outside the grant was modified"
  exit 1
fi
exit $rc
