#!/usr/bin/env bash
# kb's performance suite: one command builds what it needs, measures, and prints the table of bench/README.md
# ("Performance").
#
#   bench/run_perf.sh [--scales 1k,14k,100k] [--dir DIR] [--build DIR] [--rebuild] [--no-load]
#                     [--samples N] [--row-seconds S] [--duration S] [--compare OLD.json [--threshold PCT]]
#   bench/run_perf.sh --compare OLD.json --new NEW.json [--threshold PCT]
#
# 1. Builds kb-index, kb-server, kb-perf-bench and kb-load-ceiling (Release) in --build (default build-perf).
# 2. Generates the test corpora in --dir (default ${TMPDIR:-/tmp}/kb-perf; never inside the repository) with
#    bench/perf/make_corpus.py from ../shared/data/corpora: 1k (both corpora, evenly sampled), 14k (all of
#    windows-driver-docs) and 100k (both corpora plus remixed items). Generated once, reused while unchanged.
# 3. Indexes: the 14k tree is always rebuilt and timed (kb-index build; omindex on the same files; kb-index
#    update with nothing changed; with one file changed). The 1k index is rebuilt each run; the 100k index
#    is built once and reused while its corpus and kb's schema are unchanged (--rebuild forces it; its build
#    time is reported from the run that built it).
# 4. kb-perf-bench on each index (search: 7 query shapes x libkb / plain Xapian; parse and index on 14k),
#    --benchmark_format=json into DIR/results/. Each search row times --samples queries (default 300), fewer
#    when that would take longer than --row-seconds (default 8; only pasted-message rows hit it: plain Xapian's
#    at 14k and 100k, 20-104 samples, and kb's at 100k, about 200).
# 5. bench/load/load_test.sh on each index (wrk against kb-server, and the cpp-httplib ceiling once; the HTTP
#    layer's ratio in slices alternating kb-server under wrk with kb-perf-bench's in-process mix).
# 6. bench/perf/report.py prints the tables and checks the targets (also saved to DIR/results/report.md).
# 7. Every number of the run goes to one JSON file, bench/results/last.json (the one before it is moved to
#    bench/results/previous.json; bench/results/ is not committed: the figures belong to one machine and its load).
#    With --compare OLD.json (checked before anything runs), the run's rows that got slower than in OLD.json by
#    more than --threshold percent (default 10: over 10% more time, or 10% less req/s or items/s) are printed
#    after the report, and the script exits 1 if there is one. Rows found in one file only are listed, not
#    compared. With --new NEW.json nothing is built or measured: NEW.json is compared with OLD.json. E.g.
#      bench/run_perf.sh --scales 1k --compare bench/results/last.json
#      bench/run_perf.sh --compare bench/results/previous.json --new bench/results/last.json
#    (bench/perf/compare.py does the export and the comparison; its --help describes the file.)
#
# Bounded: 8 minutes with the 100k index already built, 20 on a run that builds it (11 of them), measured on the
# shared 2-core machine at load averages of 6-12 (bench/README.md, "Performance"). Needs: the build
# dependencies, python3, curl, wrk, bc and xapian-omega (omindex) (scripts/install-deps.sh installs them).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
scales="1k,14k,100k"
dir="${TMPDIR:-/tmp}/kb-perf"
build="$repo/build-perf"
rebuild=0
load=1
samples=300
row_seconds=8
duration=10
compare_old=""
compare_new=""
threshold=10
while [ $# -gt 0 ]; do
  case "$1" in
    --scales) scales="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    --no-load) load=0; shift ;;
    --samples) samples="$2"; shift 2 ;;
    --row-seconds) row_seconds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --compare) compare_old="${2:?--compare needs a file}"; shift 2 ;;
    --new) compare_new="${2:?--new needs a file}"; shift 2 ;;
    --threshold) threshold="${2:?--threshold needs a percentage}"; shift 2 ;;
    -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_perf.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
compare=(python3 "$repo/bench/perf/compare.py")
if [ -n "$compare_new" ]; then
  [ -n "$compare_old" ] || { echo "run_perf.sh: --new needs --compare OLD.json" >&2; exit 2; }
  exec "${compare[@]}" compare "$compare_old" "$compare_new" --threshold "$threshold"
fi
if [ -n "$compare_old" ]; then
  # Checked now, not after a run of several minutes; copied, since bench/results/last.json is replaced below.
  "${compare[@]}" check "$compare_old" --threshold "$threshold" || exit 2
  compare_copy="$(mktemp "${TMPDIR:-/tmp}/kb-perf-old.XXXXXX.json")"
  trap 'rm -f "$compare_copy"' EXIT
  cp "$compare_old" "$compare_copy"
fi
case "$dir" in "$repo"|"$repo"/*) echo "run_perf.sh: --dir must be outside the repository" >&2; exit 2 ;; esac
corpora="$repo/../shared/data/corpora"
[ -d "$corpora" ] || { echo "run_perf.sh: no corpora at $corpora" >&2; exit 2; }
for tool in python3 curl wrk omindex bc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run_perf.sh: $tool is missing (scripts/install-deps.sh)" >&2; exit 2; }
done

started=$(date +%s)
# Each step also samples the 1-minute load average: the machine is shared, so figures are read beside it.
log() {
  printf '[run_perf %4ds] %s (load %s)\n' "$(( $(date +%s) - started ))" "$*" "$(cut -d' ' -f1 /proc/loadavg)" >&2
  [ -d "$results" ] && cut -d' ' -f1 /proc/loadavg >>"$results/loadavg.txt"
  return 0
}
results="$dir/results"
mkdir -p "$dir"
rm -rf "$results"
mkdir -p "$results"
{
  echo "{\"kind\": \"machine\", \"cores\": $(nproc), \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
  echo " \"mem_gb\": $(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo), \"load_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
  echo " \"commit\": \"$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo +changes)\","
  echo " \"date\": \"$(date -u +%Y-%m-%dT%H:%MZ)\", \"samples\": $samples, \"duration_s\": $duration}"
} | tr -d '\n' >"$results/machine.json"
echo >>"$results/machine.json"

log "building in $build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DKB_BUILD_BENCHMARKS=ON >"$results/cmake.log" 2>&1 ||
    { cat "$results/cmake.log" >&2; exit 1; }
fi
cmake --build "$build" -j"$(( $(nproc) < 2 ? $(nproc) : 2 ))" --target kb-index kb-server kb-perf-bench kb-load-ceiling >"$results/build.log" 2>&1 ||
  { tail -n 40 "$results/build.log" >&2; exit 1; }
kb_index="$build/indexer/kb-index"
kb_server="$build/server/kb-server"
bench="$build/bench/perf/kb-perf-bench"
ceiling="$build/bench/load/kb-load-ceiling"

# timed NAME SCALE ITEMS CMD...: runs CMD under /usr/bin/time, appends one JSON line to index.jsonl.
timed() {
  local name="$1" scale="$2" items="$3"
  shift 3
  /usr/bin/time -f '%e %U %S %M' -o "$results/time.txt" "$@" >"$results/last.log" 2>&1 ||
    { echo "run_perf.sh: failed: $*" >&2; tail -n 20 "$results/last.log" >&2; exit 1; }
  read -r wall user sys rss < <(tail -n 1 "$results/time.txt")
  printf '{"kind": "index", "scale": "%s", "name": "%s", "items": %s, "wall_s": %s, "cpu_s": %.2f, "max_rss_mb": %.1f}\n' \
    "$scale" "$name" "$items" "$wall" "$(echo "$user + $sys" | bc -l)" "$(echo "$rss / 1024" | bc -l)" >>"$results/index.jsonl"
  tail -n 1 "$results/index.jsonl" >&2
}

corpus_args() {
  case "$1" in
    1k) echo "--count 1000" ;;
    14k) echo "--count 14386 --only windows-driver-docs" ;;
    100k) echo "--count 100000" ;;
    *) echo "run_perf.sh: unknown scale '$1' (1k, 14k, 100k)" >&2; exit 2 ;;
  esac
}

IFS=',' read -r -a scale_list <<<"$scales"
for scale in "${scale_list[@]}"; do
  corpus="$dir/corpus-$scale"
  db="$dir/db-$scale"
  log "corpus $scale"
  # shellcheck disable=SC2046
  python3 "$repo/bench/perf/make_corpus.py" $(corpus_args "$scale") --corpora "$corpora" --out "$corpus" --replace >&2
  items="$(find "$corpus" -name '*.md' | wc -l)"
  case "$scale" in
    14k)
      log "index $scale: kb-index build, omindex, updates"
      rm -rf "$db" "$dir/omega-$scale"
      timed "kb-index build" "$scale" "$items" "$kb_index" build "$corpus" --db "$db" --progress never
      timed "omindex (xapian-omega)" "$scale" "$items" omindex -Mmd:text/plain --db "$dir/omega-$scale" --url / "$corpus"
      printf '{"kind": "size", "scale": "%s", "name": "omindex", "index_mb": %.1f}\n' "$scale" \
        "$(echo "$(du -sb "$dir/omega-$scale" | cut -f1) / 1048576" | bc -l)" >>"$results/index.jsonl"
      rm -rf "$dir/omega-$scale"
      timed "kb-index update (no change)" "$scale" "$items" "$kb_index" update "$corpus" --db "$db" --progress never
      edit="$(find "$corpus" -name '*.md' | sort | sed -n "$((items / 2))p")"
      cp "$edit" "$results/edited.orig"
      printf '\nEdited by run_perf.sh at %s.\n' "$(date +%s%N)" >>"$edit"
      timed "kb-index update (1 file changed)" "$scale" "$items" "$kb_index" update "$corpus" --db "$db" --progress never
      grep -q ' 1 parsed' "$results/last.log" || { echo "run_perf.sh: the edit was not picked up" >&2; cat "$results/last.log" >&2; exit 1; }
      cp "$results/edited.orig" "$edit"
      "$kb_index" update "$corpus" --db "$db" --progress never >/dev/null
      ;;
    *)
      # The index is reused while its corpus and kb's schema ("kb-index --version") are the same.
      stamp="$(cat "$corpus/.kb-corpus-stamp"); $("$kb_index" --version | head -n 1)"
      if [ "$scale" = 1k ] || [ "$rebuild" = 1 ] || [ "$(cat "$dir/build-$scale.stamp" 2>/dev/null)" != "$stamp" ] ||
         [ ! -f "$dir/build-$scale.json" ] || [ ! -d "$db" ]; then
        log "index $scale: kb-index build"
        rm -rf "$db" "$dir/build-$scale.stamp"
        timed "kb-index build" "$scale" "$items" "$kb_index" build "$corpus" --db "$db" --progress never
        tail -n 1 "$results/index.jsonl" >"$dir/build-$scale.json"
        echo "$stamp" >"$dir/build-$scale.stamp"
      else
        log "index $scale: reusing $db (built earlier; --rebuild to rebuild)"
        sed 's/"name": "kb-index build"/"name": "kb-index build", "reused": true/' "$dir/build-$scale.json" >>"$results/index.jsonl"
      fi
      ;;
  esac
  printf '{"kind": "size", "scale": "%s", "name": "kb", "index_mb": %.1f}\n' "$scale" \
    "$(echo "$(du -sb "$db" | cut -f1) / 1048576" | bc -l)" >>"$results/index.jsonl"

  log "benchmarks $scale"
  extra=()
  [ "$scale" = 14k ] && extra=(--corpus="$corpus" --index-items=1000 --scratch="$dir")
  "$bench" --db="$db" --scale="$scale" --samples="$samples" --row-seconds="$row_seconds" "${extra[@]}" \
    --benchmark_out="$results/bench-$scale.json" --benchmark_out_format=json >"$results/bench-$scale.txt" 2>&1 ||
    { tail -n 20 "$results/bench-$scale.txt" >&2; exit 1; }

  if [ "$load" = 1 ]; then
    log "load test $scale"
    ceiling_args=()
    [ "$scale" = "${scale_list[0]}" ] && ceiling_args=(--ceiling "$ceiling")
    "$repo/bench/load/load_test.sh" --server "$kb_server" --in-process "$bench" --db "$db" --scale "$scale" --out "$results/load.jsonl" \
      --duration "$duration" "${ceiling_args[@]}" 2>>"$results/load.log"
  fi
done

cut -d' ' -f1 /proc/loadavg >>"$results/loadavg.txt"
printf '{"kind": "end", "load_end": "%s", "load_1min_samples": [%s], "seconds": %d}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(paste -sd, "$results/loadavg.txt")" "$(( $(date +%s) - started ))" >>"$results/machine.json"
log "report"
python3 "$repo/bench/perf/report.py" "$results" | tee "$results/report.md"

"${compare[@]}" export "$results" "$results/perf.json"
mkdir -p "$repo/bench/results"
[ -f "$repo/bench/results/last.json" ] && mv "$repo/bench/results/last.json" "$repo/bench/results/previous.json"
cp "$results/perf.json" "$repo/bench/results/last.json"
log "results in bench/results/last.json"
if [ -n "$compare_old" ]; then
  echo
  "${compare[@]}" compare "$compare_copy" "$repo/bench/results/last.json" --threshold "$threshold" \
    --old-name "$compare_old"
fi
