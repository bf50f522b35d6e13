#!/usr/bin/env bash
# Runs every libkb fuzz target for SECONDS seconds each, with seeds and a dictionary, and reports
# executions and findings per target. Exits non-zero if any target crashed, leaked, timed out (> 1 s per
# input) or ran out of memory. libFuzzer's timeout is wall-clock time, so a timeout input is re-run three
# times on its own and only counts if it is slow again (on a busy machine fast inputs can miss 1 s).
#
#   tests/fuzz/run_fuzzers.sh SECONDS [TARGET...]     e.g. tests/fuzz/run_fuzzers.sh 60 fuzz_search
#
# Targets: fuzz_parse_item fuzz_render_html fuzz_search fuzz_answer fuzz_source_config fuzz_server_request
# (default: all).
# Environment:
#   KB_FUZZ_BUILD_DIR  build directory (default: build-fuzz); configured with clang-14, ASan+UBSan and
#                      -DKB_BUILD_FUZZERS=ON if it has no CMakeCache.txt, and rebuilt incrementally always
#   KB_FUZZ_CC, KB_FUZZ_CXX  the compilers (default: clang-14, clang++-14)
#   KB_FUZZ_JOBS       targets run at the same time (default: 1); each uses one core
#   KB_FUZZ_TIMEOUT    seconds one input may take before it counts as a hang (default: 1); raise it only
#                      when the targets share a busy machine (e.g. niced long runs beside builds)
#   KB_FUZZ_CORPORA    extra Markdown trees to take seed files from (default: /work/shared/data/corpora;
#                      skipped if absent)
#   KB_JOBS            build parallelism (default: 2)
# Everything the run writes stays in the build directory: fuzz/seeds/TARGET (copied seeds, rebuilt each
# run), fuzz/corpus/TARGET (inputs libFuzzer found interesting; kept between runs), fuzz/artifacts/TARGET
# (crash-*, leak-*, timeout-*, oom-*, slow-unit-* inputs) and fuzz/logs/TARGET.log.
# To reproduce a finding: BUILD_DIR/tests/fuzz/TARGET BUILD_DIR/fuzz/artifacts/TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
SECONDS_PER_TARGET=$1
shift
ALL_TARGETS=(fuzz_parse_item fuzz_render_html fuzz_search fuzz_answer fuzz_source_config fuzz_server_request)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
  if ! [[ " ${ALL_TARGETS[*]} " == *" $t "* ]]; then
    echo "run_fuzzers.sh: unknown target '$t' (known: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

BUILD_DIR=${KB_FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${KB_FUZZ_JOBS:-1}
TIMEOUT=${KB_FUZZ_TIMEOUT:-1}
CORPORA=${KB_FUZZ_CORPORA:-/work/shared/data/corpora}
OUT=$BUILD_DIR/fuzz

# --- build -------------------------------------------------------------------------------------------
if ! grep -q KB_BUILD_FUZZERS CMakeLists.txt; then
  echo "run_fuzzers.sh: the top-level CMakeLists.txt has no KB_BUILD_FUZZERS option (see tests/fuzz/CMakeLists.txt)" >&2
  exit 2
fi
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  CC=${KB_FUZZ_CC:-clang-14} CXX=${KB_FUZZ_CXX:-clang++-14} cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKB_BUILD_FUZZERS=ON -DKB_SANITIZE=address \
    -DKB_BUILD_TESTS=OFF -DKB_BUILD_BENCHMARKS=OFF -DKB_BUILD_SERVER=ON >/dev/null
fi
cmake --build "$BUILD_DIR" --target fuzzers -j "${KB_JOBS:-2}" >/dev/null

# --- seeds -------------------------------------------------------------------------------------------
# Copied from the repository's content and the shared corpora into the build directory, never the
# reverse. A few dozen corpus files spread over each tree keep start-up quick.
rm -rf "$OUT/seeds"
mkdir -p "$OUT/seeds" "$OUT/corpus" "$OUT/artifacts" "$OUT/logs"
for t in "${ALL_TARGETS[@]}"; do mkdir -p "$OUT/seeds/$t" "$OUT/corpus/$t" "$OUT/artifacts/$t"; done

markdown_seeds() {  # prints paths of Markdown seed files, one per line
  find content -name '*.md' | sort
  if [ -d "$CORPORA" ]; then
    find "$CORPORA" -name '*.md' -size -32k 2>/dev/null | sort | awk 'NR % 400 == 1'
  fi
}
n=0
while IFS= read -r f; do
  n=$((n + 1))
  cp "$f" "$OUT/seeds/fuzz_parse_item/md-$n"
  # RenderHtml sees bodies: drop a front matter block.
  awk 'NR == 1 && /^---[ \t\r]*$/ { fm = 1; next } fm && /^(---|\.\.\.)[ \t\r]*$/ { fm = 0; next } !fm' \
    "$f" >"$OUT/seeds/fuzz_render_html/md-$n"
done < <(markdown_seeds)

n=0
while IFS= read -r f; do
  n=$((n + 1))
  cp "$f" "$OUT/seeds/fuzz_answer/answer-$n"
  { cat "$f"; printf '\0customer_name=Ada\001payment_id=pay_123\001agent_name=\001x={{y}}'; } \
    >"$OUT/seeds/fuzz_answer/answer-values-$n"
done < <(find content -path '*answers/*.md' -o -path '*cevaplar/*.md' | sort)

# Queries: each line of seeds/queries.txt with two control bytes (see search_fuzzer.cc).
n=0
while IFS= read -r q; do
  for control in '\000\011' '\013\143' '\140\004' '\055\200'; do
    n=$((n + 1))
    { printf '%s' "$q"; printf "$control"; } >"$OUT/seeds/fuzz_search/query-$n"
  done
done <tests/fuzz/seeds/queries.txt

awk -v dir="$OUT/seeds/fuzz_source_config" \
  'BEGIN { n = 1; f = dir "/config-" n } /^%%$/ { close(f); n++; f = dir "/config-" n; next } { print > f }' \
  tests/fuzz/seeds/source_configs.txt
[ -f content/synonyms.txt ] && cp content/synonyms.txt "$OUT/seeds/fuzz_source_config/synonyms"

# Server requests: a route byte, the query string, a newline, the path id, a newline, the body
# (see server_request_fuzzer.cc). One line of seeds/server_requests.txt each: ROUTE|QUERY|ID|BODY.
n=0
while IFS='|' read -r route query id body; do
  n=$((n + 1))
  { printf "\\$(printf '%03o' "$route")"; printf '%s\n%s\n%s' "$query" "$id" "$body"; } \
    >"$OUT/seeds/fuzz_server_request/request-$n"
done <tests/fuzz/seeds/server_requests.txt

# --- run ---------------------------------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Known leaks inside Xapian (not kb) are listed, with reproducers, in tests/lsan.supp.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}

dict_of() { echo "tests/fuzz/dicts/${1#fuzz_}.dict"; }

run_one() {
  local t=$1
  local log=$OUT/logs/$t.log
  local rc=0
  "$BUILD_DIR/tests/fuzz/$t" "$OUT/corpus/$t" "$OUT/seeds/$t" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout="$TIMEOUT" -rss_limit_mb=2048 -max_len=65536 \
    -dict="$(dict_of "$t")" -artifact_prefix="$OUT/artifacts/$t/" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  echo "$rc" >"$OUT/logs/$t.rc"
}

before=$(mktemp)
trap 'rm -f "$before"' EXIT
find "$OUT/artifacts" -type f | sort >"$before"

running=0
for t in "${TARGETS[@]}"; do
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  echo "running $t for ${SECONDS_PER_TARGET}s ..."
  run_one "$t" &
  running=$((running + 1))
done
wait || true

# True if every timeout input in $2 runs within the limit three times in a row on its own.
timeout_is_flaky() {
  local t=$1 input
  for input in $2; do
    for _ in 1 2 3; do
      "$BUILD_DIR/tests/fuzz/$t" -timeout="$TIMEOUT" -rss_limit_mb=2048 "$input" >/dev/null 2>&1 || return 1
    done
  done
}

# --- report ------------------------------------------------------------------------------------------
status=0
printf '\n%-20s %14s %8s  %s\n' target executions corpus result
for t in "${TARGETS[@]}"; do
  log=$OUT/logs/$t.log
  rc=$(cat "$OUT/logs/$t.rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  # After a crash there are no final stats; the last progress line has the count.
  [ -z "$execs" ] && execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
  corpus=$(find "$OUT/corpus/$t" -type f | wc -l)
  new=$(find "$OUT/artifacts/$t" -type f | sort | comm -13 "$before" -)
  if [ "$rc" -eq 0 ] && [ -z "$new" ]; then
    result=ok
  elif [ "$rc" -eq 0 ] && [ "$new" = "$(echo "$new" | grep '/slow-unit-')" ] && TIMEOUT=1 timeout_is_flaky "$t" "$new"; then
    # A slow-unit report (an input over libFuzzer's 10 s report threshold but under -timeout) does not stop
    # the run; it counts only if the input takes over 1 s again on its own.
    result="ok (a slow-unit report: the input ran under 1 s on 3 re-runs on its own; input: $(echo $new))"
  elif [ "$new" = "$(echo "$new" | grep '/timeout-')" ] && timeout_is_flaky "$t" "$new"; then
    # libFuzzer's -timeout is wall-clock time: on a loaded machine a fast input can miss it. The input is
    # kept; the run ended early, but nothing slow was found.
    result="ok (stopped early: the timeout did not reproduce on 3 re-runs, so the machine was busy; input: $(echo $new))"
  else
    status=1
    kind=$(grep -o -m 1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+|runtime error|timeout|out-of-memory|contract broken: .*' "$log" | head -n 1 || true)
    result="FAILED (exit $rc${kind:+: $kind}) log: $log${new:+ input: $(echo $new)}"
  fi
  printf '%-20s %14s %8s  %s\n' "$t" "${execs:-?}" "$corpus" "$result"
done
exit $status
