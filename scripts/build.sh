#!/usr/bin/env bash
# Configures and builds kb in ${KB_BUILD_DIR:-build} (Release, 2 jobs by default).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${KB_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "${KB_JOBS:-2}"
