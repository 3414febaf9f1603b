#!/usr/bin/env sh
# diff.aot_regressions: converts tests/diff/regressions/*.wat with wabt's wat2wasm and compares each
# module in the interpreter and the aot tier (wasm_tier_diff FILE...). Exit 77 (skip) without wat2wasm.
#   run_regressions.sh WASM_TIER_DIFF REGRESSIONS_DIR OUT_DIR
set -eu
tool="$1" src="$2" out="$3"
command -v wat2wasm >/dev/null 2>&1 || { echo "wat2wasm not available, skipped"; exit 77; }
mkdir -p "$out"
for wat in "$src"/*.wat; do
  wat2wasm "$wat" -o "$out/$(basename "$wat" .wat).wasm"
done
exec "$tool" "$out"/*.wasm
