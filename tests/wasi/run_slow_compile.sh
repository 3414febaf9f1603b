#!/usr/bin/env bash
# --timeout covers compilation too: with `--tier aot` and a cold cache, a module that LLVM needs
# seconds to compile (2,000 nested loops in one function: about 9 s here, while it runs in 10 ms)
# must end within a few seconds of the timeout, as the interpreter's slow validation does
# (run_slow_validate.sh): the watchdog's trap line and 134. Before, the compile ran to its end
# unbounded and the guest then finished with 0.
# usage: run_slow_compile.sh ISOBOX
set -u
isobox=$1
tmp=$(mktemp -d /tmp/isobox-slow-compile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
python3 "$(dirname "$0")/slow_compile_module.py" "$tmp/m.wasm" 2000
export ISOBOX_CACHE_DIR="$tmp/cache" # cold: nothing compiled before
start=$(date +%s%N)
timeout 60 "$isobox" wasm run --tier aot --timeout 1s "$tmp/m.wasm" >/dev/null 2>"$tmp/err"
rc=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
cat "$tmp/err"
echo "exit $rc in ${elapsed_ms} ms"
[[ $rc == 134 ]] && grep -q '^isobox: trap: interrupted$' "$tmp/err" && ((elapsed_ms <= 5000)) || exit 1
# Nothing half-written is left in the cache.
leftovers=$(find "$tmp/cache" -type f 2>/dev/null | wc -l)
echo "files in the cache: $leftovers"
((leftovers == 0))
