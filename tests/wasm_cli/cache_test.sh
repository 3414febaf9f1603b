#!/usr/bin/env bash
# The compiled-code cache end to end: `wasm compile` fills it, `--tier auto` (the default) runs
# cached code else the interpreter, `--tier aot` compiles and stores, a flipped byte, a truncated
# entry, a foreign owner and a group-writable directory each give one warning line (and a
# recompilation, or no cache), artifacts need --allow-precompiled and are refused when corrupt
# or compiled for another CPU; `wasm cache ls|clear`.
set -euo pipefail
isobox="$1"
wat2wasm="$2"
command -v "$wat2wasm" >/dev/null || { echo "wat2wasm missing: skipped"; exit 77; }
"$isobox" wasm compile --help >/dev/null
tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export ISOBOX_CACHE_DIR="$tmp/cache"

cat >"$tmp/hi.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))
WAT
"$wat2wasm" "$tmp/hi.wat" -o "$tmp/hi.wasm"
if ! "$isobox" wasm run --tier aot "$tmp/hi.wasm" >/dev/null 2>&1; then
  echo "aot tier not built: skipped"; exit 77
fi
"$isobox" wasm cache clear >/dev/null

# tier TIER (ORIGIN) as the debug log says; the run's stdout must be "hi"
run() { # run EXPECTED_TIER ARGS...: stderr kept in $tmp/err
  local want="$1"; shift
  out="$("$isobox" --debug wasm run "$@" "$tmp/hi.wasm" 2>"$tmp/err")" || fail "run $*: $(cat "$tmp/err")"
  [[ "$out" == hi ]] || fail "run $*: output '$out'"
  grep -q "wasm: tier $want\$" "$tmp/err" || fail "run $*: wanted tier $want: $(grep tier "$tmp/err")"
}
flip() { # flip FILE N: inverts the byte N bytes before the end
  python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(-int(sys.argv[2]), 2); b = f.read(1); f.seek(-1, 1); f.write(bytes([b[0] ^ 0xff]))' "$1" "$2"
}
warnings() { grep -c '^isobox: warning' "$tmp/err" || true; }

# auto without an entry: the interpreter, no warning; `compile` fills the cache; auto uses it
run interp
(($(warnings) == 0)) || fail "auto, empty cache: $(cat "$tmp/err")"
entry="$("$isobox" wasm compile "$tmp/hi.wasm")"
[[ -f "$entry" && "$entry" == "$tmp/cache/aot/"* ]] || fail "compile printed '$entry'"
run "aot (cache)"
run interp --tier interp
sha="$(sha256sum "$tmp/hi.wasm" | cut -d' ' -f1)"
ls_out="$("$isobox" wasm cache ls)"
grep -q "^$(basename "$entry") .* $sha  [0-9]*s$" <<<"$ls_out" || fail "cache ls: $ls_out"
[[ "$(stat -c %a "$entry")" == 600 && "$(stat -c %a "$tmp/cache")" == 700 ]] || fail "modes"

# a flipped byte, then a truncated file: one warning each, recompiled, then cached again
for damage in flip truncate; do
  if [[ $damage == flip ]]; then
    flip "$entry" 100
  else
    truncate -s -1000 "$entry"
  fi
  run "aot (compiled)"
  (($(warnings) == 1)) || fail "$damage: $(cat "$tmp/err")"
  grep -q "code cache entry not used, recompiling: $entry" "$tmp/err" || fail "$damage: $(cat "$tmp/err")"
  run "aot (cache)"
  (($(warnings) == 0)) || fail "$damage, rewritten: $(cat "$tmp/err")"
done

# an entry owned by another user is not trusted (and replaced)
if ((EUID == 0)); then
  chown 65534 "$entry"
  run "aot (compiled)"
  grep -q "owned by uid 65534" "$tmp/err" || fail "foreign owner: $(cat "$tmp/err")"
  [[ "$(stat -c %u "$entry")" == 0 ]] || fail "foreign entry not replaced"
fi

# a group-writable cache directory is not used at all: auto interprets, aot compiles, stores nothing
chmod 770 "$tmp/cache"
run interp
(($(warnings) == 1)) && grep -q "code cache not used: .*writable by group or others" "$tmp/err" ||
  fail "group-writable: $(cat "$tmp/err")"
run "aot (compiled)" --tier aot
chmod 700 "$tmp/cache"

# --tier aot with an empty cache compiles and stores; --cache-dir overrides the variable
run "aot (compiled)" --tier aot --cache-dir "$tmp/other"
run "aot (cache)" --cache-dir "$tmp/other"
[[ "$("$isobox" wasm cache clear --cache-dir "$tmp/other")" == "removed 1 entries" ]] || fail clear
run interp --cache-dir "$tmp/other"

# artifacts: refused without --allow-precompiled, run with it, refused when corrupt or foreign
"$isobox" wasm compile -o "$tmp/hi.cwasm" "$tmp/hi.wasm"
rc=0
"$isobox" wasm run "$tmp/hi.cwasm" >/dev/null 2>"$tmp/err" || rc=$?
((rc == 1)) && [[ "$(wc -l <"$tmp/err")" == 1 ]] && grep -q -- "--allow-precompiled" "$tmp/err" ||
  fail "artifact without the flag: $rc $(cat "$tmp/err")"
"$isobox" wasm cache clear >/dev/null
[[ "$("$isobox" --debug wasm run --allow-precompiled "$tmp/hi.cwasm" 2>"$tmp/err")" == hi ]] &&
  grep -q "tier aot (artifact)" "$tmp/err" || fail "artifact run: $(cat "$tmp/err")"
[[ "$("$isobox" wasm run --allow-precompiled "$tmp/hi.cwasm" --invoke sq 7)" == 49 ]] || fail "artifact invoke"
refused() { # refused FILE PATTERN: one error line, exit 1
  rc=0
  "$isobox" wasm run --allow-precompiled "$1" >/dev/null 2>"$tmp/err" || rc=$?
  ((rc == 1)) && [[ "$(wc -l <"$tmp/err")" == 1 ]] && grep -q "$2" "$tmp/err" ||
    fail "$1: exit $rc, $(cat "$tmp/err")"
}
cp "$tmp/hi.cwasm" "$tmp/bad.cwasm"
flip "$tmp/bad.cwasm" 10
refused "$tmp/bad.cwasm" "payload checksum mismatch"
head -c 300 "$tmp/hi.cwasm" >"$tmp/short.cwasm"
refused "$tmp/short.cwasm" "truncated"
python3 - "$tmp/hi.cwasm" "$tmp/foreign.cwasm" <<'PY'
import hashlib, json, sys
data = open(sys.argv[1], 'rb').read()
magic, rest = data.split(b'\n', 1)
header, payload = rest.split(b'\n', 1)
h = json.loads(header)
h['cpu'] = 'x86_64 SomeOtherCPU 1:00000000'  # a well-formed artifact for another machine
key = 'isobox-aot-key 1\nmodule {}\nisobox {}\nllvm {}\ncpu {}\noptions {}\n'.format(
    h['module_sha256'], h['isobox'], h['llvm'], h['cpu'], h['options'])
h['key'] = hashlib.sha256(key.encode()).hexdigest()
open(sys.argv[2], 'wb').write(magic + b'\n' + json.dumps(h).encode() + b'\n' + payload)
PY
refused "$tmp/foreign.cwasm" "compiled for another CPU"
refused "$tmp/hi.wasm.missing" "No such file"
echo "cache: all checks passed"
