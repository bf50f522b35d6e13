#!/usr/bin/env bash
# Builds kb with sanitizers and runs the test suite under them; non-zero exit on any failure or report.
#
#   scripts/test-sanitized.sh address|thread [CMAKE_ARG...]
#
#   address  ASan + UBSan (gcc), into build-asan: memory errors, leaks, undefined behaviour
#   thread   TSan (gcc), into build-tsan: data races (with tests/tsan.supp, if present)
# Extra arguments go to cmake, e.g. -DKB_BUILD_SERVER=OFF. KB_JOBS sets build and test parallelism
# (default 2); KB_SANITIZE_BUILD_DIR overrides the build directory.
#
# The install test (install.find_package_consumer) is skipped: it links an uninstrumented program against
# the installed, instrumented static libkb, which cannot work, and it tests packaging, not memory safety.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-}
case "$MODE" in
  address) DIR=build-asan ;;
  thread) DIR=build-tsan ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
shift
DIR=${KB_SANITIZE_BUILD_DIR:-$DIR}
JOBS=${KB_JOBS:-2}

cmake -S . -B "$DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKB_SANITIZE="$MODE" \
  -DKB_BUILD_TESTS=ON -DKB_BUILD_BENCHMARKS=OFF "$@" >/dev/null
cmake --build "$DIR" -j "$JOBS"

# Reports fail the test that triggered them (exit code), and print a symbolized stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Known leaks inside Xapian (not kb) are listed, with reproducers, in tests/lsan.supp.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
TSAN_DEFAULT=halt_on_error=1:second_deadlock_stack=1
[ -f tests/tsan.supp ] && TSAN_DEFAULT=$TSAN_DEFAULT:suppressions=$PWD/tests/tsan.supp
export TSAN_OPTIONS=${TSAN_OPTIONS:-$TSAN_DEFAULT}

ctest --test-dir "$DIR" --output-on-failure -j "$JOBS" -E '^install\.'
