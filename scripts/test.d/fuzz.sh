#!/usr/bin/env bash
# CI step: a 60 s libFuzzer run over decode+validate, then 20 s of the interpreter-vs-aot oracle (see scripts/fuzz.sh).
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz.sh"
