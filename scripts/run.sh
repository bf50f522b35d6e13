#!/usr/bin/env bash
# The main job: install dependencies, build, index content/ and serve it.
#   KB_PORT (8080), KB_HOST (127.0.0.1), KB_DB (kb.db), KB_CONTENT (content) configure it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DKB_BUILD_TESTS=OFF -DKB_BUILD_BENCHMARKS=OFF
./build/indexer/kb-index build "${KB_CONTENT:-content}" --db "${KB_DB:-kb.db}"
exec ./build/server/kb-server --db "${KB_DB:-kb.db}" --host "${KB_HOST:-127.0.0.1}" --port "${KB_PORT:-8080}"
