#!/usr/bin/env bash
# Install dependencies, build everything and run the whole test suite; non-zero exit on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DKB_BUILD_TESTS=ON
ctest --test-dir "${KB_BUILD_DIR:-build}" --output-on-failure -j 2
