#!/usr/bin/env bash
# HTTP load test of kb-server on loopback with wrk, and the ceiling: a trivial cpp-httplib endpoint
# (kb-load-ceiling, configured like kb-server) driven the same way in the same run.
#
# For one database it starts kb-server on 127.0.0.1 and measures, with a mixed list of queries (every query of
# bench/perf/queries.tsv, as-you-type ones with partial=true):
#   search   /api/search, N connections: throughput (and latency under saturation)
#   search1  /api/search, 1 connection: latency without queueing
#   suggest1 /api/suggest (the as-you-type prefixes), 1 connection
#   ceiling  /api/ping of kb-load-ceiling, N connections (with --ceiling)
#   interleaved  (with --in-process KB_PERF_BENCH) the HTTP layer's ratio: libkb in process on the same mix
#            with N threads (kb-perf-bench's mix/SCALE/kb:N-threads row) and kb-server under wrk with N
#            connections, in three alternating slices of a third of --duration each, so that the speed of a
#            shared machine, which drifts over minutes, weighs on both sides alike
# then kb-server's resident memory (VmRSS, and the peak VmHWM) after the load. Each result is one JSON line
# appended to --out, with the server's CPU time per request (from /proc/PID/stat: unlike req/s, it does not
# depend on what else the machine runs). wrk's latencies are measured from request write to response read.
#
# Usage: load_test.sh --server PATH --db PATH --out FILE [--ceiling PATH] [--in-process PATH] [--scale LABEL]
#                     [--queries FILE] [--duration S] [--connections N]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
server="" ceiling="" inproc="" db="" out="" scale="db" duration=10 connections=8
queries="$here/../perf/queries.tsv"
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="$2"; shift 2 ;;
    --ceiling) ceiling="$2"; shift 2 ;;
    --in-process) inproc="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "load_test.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -x "$server" ] && [ -d "$db" ] && [ -n "$out" ] || { echo "load_test.sh: need --server, --db and --out (see --help)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load_test.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v curl >/dev/null || { echo "load_test.sh: curl is not installed" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/kb-load.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$queries" "$work" <<'PY'
import sys, urllib.parse
queries, work = sys.argv[1], sys.argv[2]
search, suggest = [], []
for line in open(queries, encoding="utf-8"):
    if line.startswith("#") or "\t" not in line:
        continue
    shape, q = line.rstrip("\n").split("\t", 1)
    enc = urllib.parse.quote(q, safe="")
    search.append(f"/api/search?q={enc}" + ("&partial=true" if shape == "prefix" else ""))
    if shape == "prefix":
        suggest.append(f"/api/suggest?q={enc}")
open(f"{work}/search.txt", "w").write("\n".join(search) + "\n")
open(f"{work}/suggest.txt", "w").write("\n".join(suggest) + "\n")
open(f"{work}/ping.txt", "w").write("/api/ping\n")
PY

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_ready() {  # URL
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "load_test.sh: the server exited; its log:" >&2; cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "load_test.sh: $1 not ready after 60 s" >&2
  exit 1
}

# CPU time (user + system, clock ticks) the server process has used so far.
server_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

# Waits (at most 5 minutes) until the server has used under 2 ticks of CPU in half a second.
wait_idle() {
  local before after
  for _ in $(seq 1 600); do
    before="$(server_ticks)"
    sleep 0.5
    after="$(server_ticks)"
    [ $((after - before)) -lt 2 ] && return 0
  done
  echo "load_test.sh: the server did not settle after its start (still busy after 5 minutes)" >&2
}

# run NAME CONNECTIONS BASE_URL PATHS_FILE: one wrk run, one JSON line.
run() {
  local name="$1" conns="$2" base="$3" paths="$4"
  local ticks_before ticks_after
  ticks_before="$(server_ticks)"
  wrk -t1 -c"$conns" -d"${duration}s" --timeout 10s -s "$here/mixed.lua" "$base" -- "$paths" >"$work/wrk.txt" 2>&1 ||
    { cat "$work/wrk.txt" >&2; exit 1; }
  local line
  ticks_after="$(server_ticks)"
  line="$(grep '^RESULT ' "$work/wrk.txt")" || { cat "$work/wrk.txt" >&2; exit 1; }
  python3 - "$name" "$scale" "$conns" "$line" "$((ticks_after - ticks_before))" "$(getconf CLK_TCK)" >>"$out" <<'PY'
import json, sys
name, scale, conns, line = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
server_cpu_s = int(sys.argv[5]) / int(sys.argv[6])
f = dict(kv.split("=") for kv in line.split()[1:])
n, us = int(f["requests"]), int(f["duration_us"])
errors = sum(int(f[k]) for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
print(json.dumps({"kind": "load", "scale": scale, "name": name, "connections": conns, "requests": n,
                  "seconds": us / 1e6, "rps": n / (us / 1e6), "errors": errors,
                  "p50_ms": int(f["p50_us"]) / 1e3, "p90_ms": int(f["p90_us"]) / 1e3, "p99_ms": int(f["p99_us"]) / 1e3,
                  "p999_ms": int(f["p999_us"]) / 1e3, "max_ms": int(f["max_us"]) / 1e3,
                  "mean_ms": float(f["mean_us"]) / 1e3, "server_cpu_ms_per_request": 1e3 * server_cpu_s / max(n, 1)}))
PY
  tail -n 1 "$out" >&2
}

port="$(free_port)"
base="http://127.0.0.1:$port"
# A fresh usage log each run: the default (next to --db) grows with every run and the server rescans it at
# start (insights), which made the figures depend on how many runs came before.
"$server" --db "$db" --host 127.0.0.1 --port "$port" --access-log off --max-query-bytes 4096 \
  --usage-log "$work/usage.sqlite" >"$work/server.log" 2>&1 &
pid=$!
wait_ready "$base/healthz"
# The server computes the warm insights periods at start (a walk over every item per period: seconds of CPU at
# 100k items). Measuring before that is done charged it to the searches: wait until the server is idle.
wait_idle
# Every query must succeed before anything is timed.
while read -r path; do
  code="$(curl -sS -o /dev/null -w '%{http_code}' "$base$path")"
  [ "$code" = 200 ] || { echo "load_test.sh: $path answered $code" >&2; exit 1; }
done <"$work/search.txt"
wrk -t1 -c"$connections" -d2s -s "$here/mixed.lua" "$base" -- "$work/search.txt" >/dev/null 2>&1  # warm-up
run search "$connections" "$base" "$work/search.txt"
run search1 1 "$base" "$work/search.txt"
run suggest1 1 "$base" "$work/suggest.txt"
if [ -n "$inproc" ]; then
  slice=$(( duration / 3 > 2 ? duration / 3 : 2 ))
  : >"$work/pairs.txt"
  for i in 1 2 3; do
    "$inproc" --db="$db" --scale="$scale" --row-seconds="$slice" --benchmark_filter="^mix/$scale/kb:$connections-threads" \
      --benchmark_format=json >"$work/mix.$i.json" 2>"$work/mix.err" || { cat "$work/mix.err" >&2; exit 1; }
    ticks_before="$(server_ticks)"
    wrk -t1 -c"$connections" -d"${slice}s" --timeout 10s -s "$here/mixed.lua" "$base" -- "$work/search.txt" \
      >"$work/wrk.txt" 2>&1 || { cat "$work/wrk.txt" >&2; exit 1; }
    ticks_after="$(server_ticks)"
    requests="$(sed -n 's/^RESULT requests=\([0-9]*\) .*/\1/p' "$work/wrk.txt")"
    [ -n "$requests" ] || { cat "$work/wrk.txt" >&2; exit 1; }
    echo "$work/mix.$i.json $((ticks_after - ticks_before)) $requests" >>"$work/pairs.txt"
  done
  python3 - "$scale" "$connections" "$(getconf CLK_TCK)" "$work/pairs.txt" >>"$out" <<'PY'
import json, sys
scale, conns, tck, pairs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
slices = []
for line in open(pairs):
    path, ticks, requests = line.split()
    row = next(b for b in json.load(open(path))["benchmarks"] if b["name"].startswith(f"mix/{scale}/"))
    slices.append({"inprocess_cpu_ms_per_query": row["cpu_ms_per_query"], "inprocess_queries": row["queries"],
                   "server_cpu_ms_per_request": 1e3 * int(ticks) / tck / max(int(requests), 1),
                   "requests": int(requests)})
inproc = sum(s["inprocess_cpu_ms_per_query"] * s["inprocess_queries"] for s in slices) / \
    sum(s["inprocess_queries"] for s in slices)
server = sum(s["server_cpu_ms_per_request"] * s["requests"] for s in slices) / sum(s["requests"] for s in slices)
print(json.dumps({"kind": "load", "scale": scale, "name": "interleaved", "connections": conns,
                  "inprocess_cpu_ms_per_query": inproc, "server_cpu_ms_per_request": server,
                  "ratio": inproc / server, "slices": slices}))
PY
  tail -n 1 "$out" >&2
fi
rss_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
hwm_kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")"
index_bytes="$(du -sb "$db" | cut -f1)"
printf '{"kind": "memory", "scale": "%s", "rss_mb": %.1f, "peak_rss_mb": %.1f, "index_mb": %.1f}\n' \
  "$scale" "$(echo "$rss_kb / 1024" | bc -l)" "$(echo "$hwm_kb / 1024" | bc -l)" "$(echo "$index_bytes / 1048576" | bc -l)" >>"$out"
tail -n 1 "$out" >&2
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""

if [ -n "$ceiling" ]; then
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  "$ceiling" --port "$port" >"$work/server.log" 2>&1 &
  pid=$!
  wait_ready "$base/api/ping"
  wrk -t1 -c"$connections" -d2s -s "$here/mixed.lua" "$base" -- "$work/ping.txt" >/dev/null 2>&1
  run ceiling "$connections" "$base" "$work/ping.txt"
fi
