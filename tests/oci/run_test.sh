#!/usr/bin/env bash
# Runs one OCI integration test against one runtime:
#   run_test.sh RUNTIME RUNTIME_BIN PROBE TEST_NAME
# RUNTIME is isobox, runc or crun. Exit 0 pass, 1 fail, 77 skip (not root, runtime missing, or an
# isobox test listed in expected_failures.txt that failed: reported as XFAIL).
set -uo pipefail
export RUNTIME=$1 RUNTIME_BIN=$2 PROBE=$3
name=$4
OCI_TEST_DIR=$(cd "$(dirname "$0")" && pwd)
export OCI_TEST_DIR

[[ $(id -u) == 0 ]] || {
  echo "SKIP: OCI tests need root"
  exit 77
}
command -v "$RUNTIME_BIN" >/dev/null || [[ -x $RUNTIME_BIN ]] || {
  echo "SKIP: runtime $RUNTIME_BIN not installed"
  exit 77
}
for tool in jq unshare timeout; do
  command -v $tool >/dev/null || {
    echo "SKIP: $tool missing"
    exit 77
  }
done
[[ -x $PROBE ]] || {
  echo "SKIP: probe $PROBE not built"
  exit 77
}

expected_failure() {
  [[ $RUNTIME == isobox ]] &&
    grep -Eq "^[[:space:]]*$name([[:space:]]|#|$)" "$OCI_TEST_DIR/expected_failures.txt"
}

# The test body runs in a child bash under a deadline (below CTest's TIMEOUT) so that a hanging
# runtime gets SIGTERM, and lib.sh's EXIT trap still removes containers, mounts and temp files.
if [[ ${OCI_TEST_INNER:-} == 1 ]]; then
  set -e
  # shellcheck source=lib.sh
  source "$OCI_TEST_DIR/lib.sh"
  for f in "$OCI_TEST_DIR"/cases/*.sh; do
    # shellcheck disable=SC1090
    source "$f"
  done
  declare -F "test_$name" >/dev/null || fail "no such test: $name"
  "test_$name"
  exit 0
fi
OCI_TEST_INNER=1 timeout -k 30 "${OCI_TEST_DEADLINE:-150}" bash "$0" "$@"
rc=$?
((rc != 124)) || echo "TIMEOUT: $name did not finish within ${OCI_TEST_DEADLINE:-150}s"
if ((rc == 77)); then
  exit 77
elif ((rc != 0)) && expected_failure; then
  echo "XFAIL: $name is listed in expected_failures.txt for isobox (exit $rc)"
  exit 77
elif ((rc == 0)) && expected_failure; then
  echo "XPASS: $name passes on isobox: remove it from tests/oci/expected_failures.txt"
fi
((rc == 0)) && echo "PASS: $name ($RUNTIME)"
exit $rc
