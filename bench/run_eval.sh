#!/usr/bin/env bash
# Relevance evaluation (bench/README.md): builds kb-eval and runs it over every labeled set in
# ../shared/data/labeled/ and over the support query set bench/support/ against content/, printing kb, plain
# Xapian, SQLite FTS5, the cited peers and one ablation row per ranking feature. Writes the JSON to
# $KB_BUILD_DIR/eval.json. Exits 1 if kb misses a target (labeled sets: above the best cited baseline and not
# below the reference; support: success@1, nDCG@10 over the better peer, no Turkish item in an English query's
# top 3). Extra arguments go to kb-eval (e.g. --set cisi, --set support, --no-ablations, --per-query FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${KB_BUILD_DIR:-build-rel}
DATA=${KB_EVAL_DATA:-../shared/data/labeled}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DKB_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$BUILD_DIR" -j "${KB_JOBS:-2}" --target kb-eval >/dev/null
"$BUILD_DIR/bench/kb-eval" --data "$DATA" --json "$BUILD_DIR/eval.json" --check "$@"
echo "JSON: $BUILD_DIR/eval.json" >&2
