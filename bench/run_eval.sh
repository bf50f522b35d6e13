#!/usr/bin/env bash
# Relevance evaluation (bench/README.md): builds kb-eval and runs it over every labeled set in
# ../shared/data/labeled/, printing kb, the plain-Xapian reference, the cited peers and one ablation row per
# ranking feature. Writes the JSON to $KB_BUILD_DIR/eval.json. Exits 1 if kb misses its targets (kb above the
# best cited baseline and not below the reference on every set). Extra arguments go to kb-eval
# (e.g. --set cisi, --no-ablations, --per-query FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${KB_BUILD_DIR:-build-rel}
DATA=${KB_EVAL_DATA:-../shared/data/labeled}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DKB_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$BUILD_DIR" -j "${KB_JOBS:-2}" --target kb-eval >/dev/null
"$BUILD_DIR/bench/kb-eval" --data "$DATA" --json "$BUILD_DIR/eval.json" --check "$@"
echo "JSON: $BUILD_DIR/eval.json" >&2
