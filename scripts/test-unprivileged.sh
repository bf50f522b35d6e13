#!/usr/bin/env bash
# Runs, as an unprivileged user, the tests that skip themselves as root (root writes to write-protected
# files anyway). CI runs as root, so without this they would never run. Non-zero exit if any of them fails,
# is skipped or is missing.
#
#   scripts/test-unprivileged.sh
#
# KB_BUILD_DIR: the build tree to test (default build, built with -DKB_BUILD_TESTS=ON).
# KB_TEST_USER: the user to run them as (default kb-test, created if missing; root only).
# As root it gives other users read access to the build tree and to tests/data, and search (x) access to
# the directories above them, which a fresh CI machine allows anyway.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=$(realpath "${KB_BUILD_DIR:-build}")
USER_NAME=${KB_TEST_USER:-kb-test}
# Every test whose name is listed must run and pass.
TESTS=(
  InsightsTest.WriteProtectedLogFileCostsNoSearchAndIsCounted
  UsageLogTest.WriteProtectedFileDropsAndCounts
)
REGEX="\\.($(IFS='|'; echo "${TESTS[*]}"))\$"

[ -f "$BUILD/CTestTestfile.cmake" ] || { echo "test-unprivileged: no build tree at $BUILD" >&2; exit 2; }

TMP=$(mktemp -d)
LOG=$(mktemp)
cleanup() {
  rm -rf "$TMP" "$LOG"
  # ctest's own files go back to root.
  [ "$(id -u)" -ne 0 ] || chown -R root:root "$BUILD/Testing" 2>/dev/null || true
}
trap cleanup EXIT

RUN=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u "$USER_NAME" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$USER_NAME"
  fi
  # Search access on the way down to the build tree and the test data; read access inside them.
  for top in "$BUILD" "$PWD/tests/data"; do
    dir=$(dirname "$top")
    while [ "$dir" != / ]; do
      chmod o+x "$dir"
      dir=$(dirname "$dir")
    done
    chmod -R o+rX "$top"
  done
  # ctest writes its logs under Testing/; the tests write under TMPDIR.
  mkdir -p "$BUILD/Testing/Temporary"
  chown -R "$USER_NAME" "$BUILD/Testing" "$TMP"
  RUN=(runuser -u "$USER_NAME" --)
fi

echo "test-unprivileged: as $("${RUN[@]}" id -un): ${TESTS[*]}"
status=0
"${RUN[@]}" env TMPDIR="$TMP" ctest --test-dir "$BUILD" --output-on-failure --no-tests=error -R "$REGEX" \
  2>&1 | tee "$LOG" || status=$?
if [ "$status" -ne 0 ]; then
  echo "test-unprivileged: FAILED (ctest exit $status)" >&2
  exit 1
fi
if grep -q "Skipped" "$LOG"; then
  echo "test-unprivileged: FAILED: a test was skipped" >&2
  exit 1
fi
if ! grep -q "100% tests passed, 0 tests failed out of ${#TESTS[@]}\$" "$LOG"; then
  echo "test-unprivileged: FAILED: expected ${#TESTS[@]} tests to run and pass" >&2
  exit 1
fi
echo "test-unprivileged: ${#TESTS[@]} tests passed as $USER_NAME"
