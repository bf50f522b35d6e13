#!/usr/bin/env bash
# Query latency over 1, 2 and 4 shards of windows-driver-docs (14k files), local and over xapian-tcpsrv on
# loopback; prints the table of bench/README.md ("Shards").
#
#   bench/shards/run.sh [--build DIR] [--dir DIR] [--rounds N]
#
# Builds kb-index and kb-shard-bench (Release) in --build (default build-scale), indexes the corpus into
# --dir (default ${TMPDIR:-/tmp}/kb-shards) as 1, 2 and 4 shards (once; reused while present), then times
# every query of bench/perf/queries.tsv `rounds` times (default 3) over: each layout opened locally, and each
# layout served by one xapian-tcpsrv per shard; then the ratio of 2 remote shards' p50 to one local database's
# (target: <= 3x). Bounded: about 3 minutes to index, 1 to measure.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="$repo/build-scale"
dir="${TMPDIR:-/tmp}/kb-shards"
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--dir DIR] [--rounds N]" >&2; exit 2 ;;
  esac
done
corpus="$repo/../shared/data/corpora/windows-driver-docs"
[[ -d "$corpus" ]] || { echo "no corpus at $corpus (see ../shared/data/README.md)" >&2; exit 2; }
command -v xapian-tcpsrv >/dev/null || { echo "xapian-tcpsrv missing: apt-get install xapian-tools" >&2; exit 2; }

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DKB_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" -j2 --target kb-index kb-shard-bench >/dev/null

mkdir -p "$dir"
for n in 1 2 4; do
  if [[ ! -e "$dir/s$n/XAPIANDB" && ! -e "$dir/s$n/iamglass" ]]; then
    /usr/bin/time -f "indexed $n shard(s) in %e s" "$build/indexer/kb-index" build "wdd=$corpus" --db "$dir/s$n" \
      --shards "$n" -q --progress never
  fi
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))

echo "| layout | items | mean ms | p50 ms | p95 ms | p99 ms | first-round p50 ms |"
echo "|---|---|---|---|---|---|---|"
table="$(mktemp)"
for n in 1 2 4; do
  local_dbs=() remote_dbs=()
  for ((k = 0; k < n; k++)); do
    shard="$dir/s$n"; [[ $n -gt 1 ]] && shard="$dir/s$n/shard-$k"
    local_dbs+=(--db "$shard")
    # In a session of its own: xapian-tcpsrv answers SIGTERM by signalling its whole process group, which
    # killed this script (exit 143) when the cleanup stopped it.
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$shard" >/dev/null 2>&1 &
    pids+=($!)
    remote_dbs+=(--db "remote:127.0.0.1:$port")
    for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
    port=$((port + 1))
  done
  "$build/bench/shards/kb-shard-bench" --label "$n local" --rounds "$rounds" "${local_dbs[@]}" | tee -a "$table"
  "$build/bench/shards/kb-shard-bench" --label "$n remote" --rounds "$rounds" "${remote_dbs[@]}" | tee -a "$table"
done
# The target (bench/README.md, "Shards"): p50 over 2 remote shards <= 3x one local database, in this run.
awk -F'|' '{ gsub(/ /, "", $2) } $2 == "1local" { l = $5; lf = $8 } $2 == "2remote" { r = $5; rf = $8 }
  END { if (l > 0) printf "\n2 remote / 1 local p50: %.2fx (first round %.2fx); target <= 3x: %s\n", r / l, rf / lf,
        (r / l <= 3 ? "met" : "not met") }' "$table"
rm -f "$table"
