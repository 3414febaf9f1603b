#!/usr/bin/env bash
# Fails if any C++ source under src/, tools/, tests/ or bench/ differs from .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'tools/*.cpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp')
((${#files[@]})) || exit 0
clang-format --dry-run --Werror "${files[@]}"
