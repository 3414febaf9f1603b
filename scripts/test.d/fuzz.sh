#!/usr/bin/env bash
# CI step: a 60 s libFuzzer run over decode+validate (see scripts/fuzz.sh).
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz.sh"
