#!/usr/bin/env bash
# Runs every test: warnings-as-errors build + full CTest (unit, spec suite, WASI, OCI, containerd),
# then an ASan+UBSan build of the unit tests, the format check and a short fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISOBOX_WERROR=ON >/dev/null
ninja -C build -j"$jobs"
# A fresh compiled-code cache: `--tier auto` runs the interpreter unless a test compiled the module.
export ISOBOX_CACHE_DIR="$PWD/build/test-code-cache"
rm -rf "$ISOBOX_CACHE_DIR"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 900

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DISOBOX_WERROR=ON -DISOBOX_SANITIZE=ON \
  -DISOBOX_BENCH=OFF >/dev/null
ninja -C build-asan -j"$jobs"
# `confined`: `isobox wasm run` tests that exercise the real confined path (seccomp + Landlock).
ctest --test-dir build-asan --output-on-failure -j"$jobs" -L 'unit|confined' --timeout 900

bash scripts/check-format.sh
for extra in scripts/test.d/*.sh; do
  [[ -e "$extra" ]] || continue
  echo "== $extra"
  bash "$extra"
done
echo "test.sh: all tests passed"
