#!/usr/bin/env bash
# `isobox wasm validate`, `dump` and `run --invoke`: results and listings for good modules, one error line and exit 1 for bad
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
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "div") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)
  (func (export "pair") (param f32 f64) (result f64 f32) local.get 1 local.get 0))
WAT
"$wat2wasm" "$tmp/add.wat" -o "$tmp/add.wasm"

# dump: sections and code
out="$("$isobox" wasm dump "$tmp/add.wasm")"
grep -q '^export "add" func 0$' <<<"$out" || fail "dump lacks the export: $out"
grep -q 'i32.add' <<<"$out" || fail "dump lacks the code: $out"

# dump --code: the interpreter's compiled code, one internal instruction per line
code="$("$isobox" wasm dump --code "$tmp/add.wasm")"
grep -q '^     0: i32.add s0 s0 s1$' <<<"$code" || fail "dump --code: $code"

# validate and run --invoke: results one per line, signed decimal / shortest float
[[ "$("$isobox" wasm validate "$tmp/add.wasm")" == "$tmp/add.wasm: valid" ]] || fail "validate"
[[ "$("$isobox" wasm run "$tmp/add.wasm" --invoke add 2 -3)" == "-1" ]] || fail "run add"
[[ "$("$isobox" wasm run "$tmp/add.wasm" --invoke div -9 2)" == "-4" ]] || fail "run div"
[[ "$("$isobox" wasm run "$tmp/add.wasm" --invoke pair 0.5 -2.25)" == $'-2.25\n0.5' ]] ||
  fail "run pair: $("$isobox" wasm run "$tmp/add.wasm" --invoke pair 0.5 -2.25)"
rc=0
"$isobox" wasm run "$tmp/add.wasm" --invoke div 1 0 2>"$tmp/err" || rc=$?
((rc == 134)) && grep -q "integer divide by zero" "$tmp/err" || fail "trap: exit $rc $(cat "$tmp/err")"
# The trap line names the function that trapped: from the name section, else an export, else #index.
cat >"$tmp/names.wat" <<'WAT'
(module
  (func $inner (param i32) (result i32) i32.const 1 local.get 0 i32.div_u)
  (func (param i32) (result i32) local.get 0 i32.const 0 i32.div_s)
  (func (export "outer") (param i32) (result i32) local.get 0 call $inner)
  (func (export "anon") (param i32) (result i32) local.get 0 call 1)
  (func (export "direct") (param i32) unreachable))
WAT
"$wat2wasm" --debug-names "$tmp/names.wat" -o "$tmp/named.wasm"
"$wat2wasm" "$tmp/names.wat" -o "$tmp/unnamed.wasm"
# In every tier built: compiled code names the same function (from its symbols, also when cached).
tiers=(interp)
"$isobox" wasm run --tier aot --cache-dir "$tmp/cache" "$tmp/add.wasm" --invoke add 1 2 \
  >/dev/null 2>&1 && tiers+=(aot)
expect_trap() { # MODULE EXPORT LINE
  local rc tier
  for tier in "${tiers[@]}"; do
    rc=0
    "$isobox" wasm run --tier "$tier" --cache-dir "$tmp/cache" "$1" --invoke "$2" 0 2>"$tmp/err" ||
      rc=$?
    ((rc == 134)) && [[ "$(cat "$tmp/err")" == "$3" ]] ||
      fail "trap in $1 $2 ($tier): exit $rc, '$(cat "$tmp/err")'"
  done
}
expect_trap "$tmp/named.wasm" outer "isobox: trap: integer divide by zero (in function inner)"
expect_trap "$tmp/unnamed.wasm" outer "isobox: trap: integer divide by zero (in function #0)"
expect_trap "$tmp/unnamed.wasm" anon "isobox: trap: integer divide by zero (in function #1)"
expect_trap "$tmp/unnamed.wasm" direct "isobox: trap: unreachable (in function direct)"
rc=0
"$isobox" wasm run "$tmp/add.wasm" --invoke add 1 2>"$tmp/err" || rc=$?
((rc == 1)) && grep -q "add takes 2 argument" "$tmp/err" || fail "arg count: $(cat "$tmp/err")"

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
for verb in validate dump run; do
  expect_error "$verb" "$tmp/magic.wasm" "magic header not detected"
  expect_error "$verb" "$tmp/trunc.wasm" ""
  expect_error "$verb" "$tmp/missing.wasm" "ENOENT"
done
echo "wasm_cli.inspect: ok"
