#!/usr/bin/env bash
# `isobox wasm validate` and `dump`: listings for good modules, one error line and exit 1 for bad
# input (malformed bytes, truncated file, missing file).
set -euo pipefail
isobox="$1"
wat2wasm="$2"
command -v "$wat2wasm" >/dev/null || { echo "wat2wasm missing: skipped"; exit 77; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/add.wat" <<'WAT'
(module
  (memory (export "mem") 1)
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
WAT
"$wat2wasm" "$tmp/add.wat" -o "$tmp/add.wasm"

# dump: sections and code
out="$("$isobox" wasm dump "$tmp/add.wasm")"
grep -q '^export "add" func 0$' <<<"$out" || fail "dump lacks the export: $out"
grep -q 'i32.add' <<<"$out" || fail "dump lacks the code: $out"

# expect_error VERB FILE TEXT: exit 1 and exactly one stderr line "isobox: wasm VERB: FILE: TEXT..."
expect_error() {
  local verb="$1" file="$2" text="$3" rc=0
  "$isobox" wasm "$verb" "$file" >"$tmp/out" 2>"$tmp/err" || rc=$?
  ((rc == 1)) || fail "wasm $verb $file: exit $rc, want 1"
  (($(wc -l <"$tmp/err") == 1)) || fail "wasm $verb $file: stderr not one line: $(cat "$tmp/err")"
  grep -q "^isobox: wasm $verb: $file: $text" "$tmp/err" ||
    fail "wasm $verb $file: got '$(cat "$tmp/err")', want '$text'"
}
printf '\0asx\1\0\0\0' >"$tmp/magic.wasm"
head -c 20 "$tmp/add.wasm" >"$tmp/trunc.wasm"
for verb in validate dump; do
  expect_error "$verb" "$tmp/magic.wasm" "magic header not detected"
  expect_error "$verb" "$tmp/trunc.wasm" ""
  expect_error "$verb" "$tmp/missing.wasm" "ENOENT"
done
echo "wasm_cli.inspect: ok"
