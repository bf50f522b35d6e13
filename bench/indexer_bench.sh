#!/usr/bin/env bash
# Measures kb-index on the real documentation corpora in ../shared/data/corpora: a full build, an update with
# nothing changed, an update after editing one file, an update after deleting one file, and a check.
#
# Not a test: the numbers depend on the machine and its load (run it on an idle machine, twice, and keep the
# second run: the first warms the page cache). Each corpus is copied to a temporary directory (the corpora
# are read-only and are never copied into the repository); everything is removed at exit.
#
# Usage: bench/indexer_bench.sh [--kb-index PATH] [--corpora DIR] [--only NAME]
#   --kb-index PATH   the kb-index binary (default: the first of build*/indexer/kb-index, newest first)
#   --corpora DIR     directory of corpora (default: ../shared/data/corpora next to the repository)
#   --only NAME       one corpus (officedocs-support or windows-driver-docs)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
kb_index=""
corpora="$repo/../shared/data/corpora"
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kb-index) kb_index="$2"; shift 2 ;;
    --corpora) corpora="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "indexer_bench.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$kb_index" ]; then
  kb_index="$(ls -t "$repo"/build*/indexer/kb-index 2>/dev/null | head -n 1 || true)"
fi
if [ ! -x "$kb_index" ]; then
  echo "indexer_bench.sh: no kb-index binary (build it, or pass --kb-index PATH)" >&2
  exit 2
fi
if [ ! -d "$corpora" ]; then
  echo "indexer_bench.sh: no corpora directory at $corpora" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/kb-indexer-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# run LABEL FILES BYTES CMD...: runs CMD, prints one result row, keeps its stdout in $work/out.txt.
run() {
  local label="$1" files="$2" bytes="$3"
  shift 3
  local start end wall cpu rss
  start="$(date +%s.%N)"
  /usr/bin/time -f '%U %S %M' -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" || {
    local rc=$?
    # check exits 1 when it finds content errors; that is a result, not a failure of the benchmark.
    if [ "$label" != "check" ] || [ "$rc" -ne 1 ]; then
      echo "FAILED ($rc): $*" >&2
      cat "$work/err.txt" >&2
      exit 1
    fi
  }
  end="$(date +%s.%N)"
  # The last line: GNU time puts "Command exited with non-zero status N" before it.
  read -r user sys rss < <(tail -n 1 "$work/time.txt")
  wall="$(echo "$end - $start" | bc -l)"
  cpu="$(echo "$user + $sys" | bc -l)"
  printf '%-22s %-26s %8.2f %8.2f %10.0f %8.2f %8.0f\n' "$name" "$label" "$wall" "$cpu" \
    "$(echo "$files / $wall" | bc -l)" "$(echo "$bytes / 1000000 / $wall" | bc -l)" "$((rss / 1024))"
}

echo "kb-index: $kb_index"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-22s %-26s %8s %8s %10s %8s %8s\n' corpus operation wall_s cpu_s files/s MB/s rss_MB

for corpus in officedocs-support windows-driver-docs; do
  [ -n "$only" ] && [ "$only" != "$corpus" ] && continue
  [ -d "$corpora/$corpus" ] || { echo "missing corpus $corpora/$corpus" >&2; continue; }
  name="$corpus"
  tree="$work/$corpus"
  db="$work/$corpus.db"
  cp -r "$corpora/$corpus" "$tree"
  chmod -R u+w "$tree"
  files="$(find "$tree" -name '.*' -prune -o -type f \( -name '*.md' -o -name '*.markdown' \) -print | wc -l)"
  bytes="$(find "$tree" -name '.*' -prune -o -type f \( -name '*.md' -o -name '*.markdown' \) -printf '%s\n' | awk '{s+=$1} END {print s+0}')"
  src="$corpus=$tree"

  run build "$files" "$bytes" "$kb_index" build "$src" --db "$db"
  build_summary="$(head -n 2 "$work/out.txt")"
  skipped="$(sed -n '/^skipped/,$p' "$work/out.txt")"

  run "update (no change)" "$files" "$bytes" "$kb_index" update "$src" --db "$db"
  nochange_summary="$(head -n 1 "$work/out.txt")"

  # Edit the file in the middle of the sorted list.
  edit="$(find "$tree" -name '.*' -prune -o -type f -name '*.md' -print | sort | sed -n "$((files / 2))p")"
  printf '\nEdited by indexer_bench.sh: benchmarkedit%s.\n' "$(date +%s)" >>"$edit"
  run "update (1 file edited)" "$files" "$bytes" "$kb_index" update "$src" --db "$db"
  edit_summary="$(head -n 1 "$work/out.txt")"
  grep -q ' 1 parsed; added 0, updated 1,' "$work/out.txt" || { echo "edit: expected exactly 1 parsed/updated file" >&2; exit 1; }

  items_before="$("$kb_index" stats --db "$db" --format json | sed -n 's/^  "items": \([0-9]*\),$/\1/p')"
  delete="$(find "$tree" -name '.*' -prune -o -type f -name '*.md' -print | sort | sed -n "$((files / 3))p")"
  rm "$delete"
  run "update (1 file deleted)" "$((files - 1))" "$bytes" "$kb_index" update "$src" --db "$db"
  delete_summary="$(head -n 1 "$work/out.txt")"
  items_after="$("$kb_index" stats --db "$db" --format json | sed -n 's/^  "items": \([0-9]*\),$/\1/p')"
  [ "$items_after" -eq "$((items_before - 1))" ] || { echo "delete: items $items_before -> $items_after" >&2; exit 1; }

  run check "$((files - 1))" "$bytes" "$kb_index" check "$src"
  check_summary="$(cat "$work/err.txt")"

  db_size="$(du -sm "$db" | cut -f1)"
  {
    echo "  $corpus: $files files, $(echo "$bytes / 1000000" | bc -l | xargs printf '%.1f') MB; index $db_size MB"
    echo "$build_summary" | sed '1s/^/    build:    /; 2,$s/^/              /'
    echo "    no-op:    $nochange_summary"
    echo "    edited:   ${edit#$tree/} -> $edit_summary"
    echo "    deleted:  ${delete#$tree/} -> $delete_summary (items $items_before -> $items_after)"
    echo "    check:    $check_summary"
    [ -n "$skipped" ] && echo "$skipped" | sed 's/^/    /'
  } >>"$work/notes.txt"
  rm -rf "$tree" "$db"
done

echo
cat "$work/notes.txt"
