#!/usr/bin/env bash
# The --timeout watchdog covers loading and validation, not only guest code: a 393-byte module of
# 40 functions x 50M locals took tens of seconds to validate while `--timeout 1s` was not yet
# running. It must now end within a few seconds of the timeout, with a non-zero status (the
# watchdog's trap 134, or a quick validation error once the validator bounds locals).
# usage: run_slow_validate.sh ISOBOX
set -u
isobox=$1
tmp=$(mktemp -d /tmp/isobox-slow-validate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/m.wasm" <<'PY'
import sys
def uleb(n):
    out = bytearray()
    while True:
        b, n = n & 0x7f, n >> 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)
def sec(i, body):
    return bytes([i]) + uleb(len(body)) + body
nf = 40
body = uleb(1) + uleb(50_000_000) + b"\x7f" + b"\x0b"  # 50M i32 locals, empty body
module = (b"\0asm\1\0\0\0" + sec(1, b"\x01\x60\x00\x00") + sec(3, uleb(nf) + b"\x00" * nf)
          + sec(7, b"\x01\x06_start\x00\x00") + sec(10, uleb(nf) + (uleb(len(body)) + body) * nf))
open(sys.argv[1], "wb").write(module)
PY
start=$(date +%s%N)
timeout 60 "$isobox" wasm run --timeout 1s "$tmp/m.wasm" >/dev/null 2>"$tmp/err"
rc=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
cat "$tmp/err"
echo "exit $rc in ${elapsed_ms} ms"
[[ $rc != 0 && $rc != 124 ]] && ((elapsed_ms <= 5000))
