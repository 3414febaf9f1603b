#!/usr/bin/env bash
# The main job (until the evaluation lands): build isobox, compile a C kernel to wasm32 with
# clang-14 and run it in isobox's WebAssembly engine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j"$(nproc)" isobox
mkdir -p out
clang-14 --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o out/fib.wasm examples/fib.c
echo "+ isobox wasm run out/fib.wasm --invoke fib 30"
./build/tools/isobox/isobox wasm run out/fib.wasm --invoke fib 30
