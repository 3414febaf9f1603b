#!/usr/bin/env bash
# The main job: installs dependencies, builds isobox and its workloads, runs the quick evaluation
# (`isobox eval bench --quick`: native, isobox's OCI runtime, runc, crun, isobox's Wasm engine and
# Node.js's WASI on this node) and prints where the report is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j"$(nproc)" isobox eval_workloads
echo "+ isobox eval bench --quick --out out/eval"
./build/tools/isobox/isobox eval bench --quick --out out/eval
echo "open $(pwd)/out/eval/report.html (also report.md and results.json there)"
