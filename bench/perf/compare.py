#!/usr/bin/env python3
"""The results of one bench/run_perf.sh run as one JSON file, and the comparison of two such files.

Usage:
  compare.py export RESULTS_DIR OUT.json    flatten a run's results directory (bench-*.json, index.jsonl,
                                            load.jsonl, machine.json) into OUT.json
  compare.py check FILE.json [--threshold PCT]
                                            exit 0 if FILE.json is a results file this script can compare
  compare.py compare OLD.json NEW.json [--threshold PCT] [--old-name NAME]
                                            print every row of NEW that got slower than in OLD by more than PCT
                                            percent (default 10); exit 1 if there is one, 0 if none, 2 on bad input

The file ("format": "kb-perf-results/1") holds the run's machine line and "rows": {row name: {metric: value}},
e.g. "search/14k/prefix/kb:snippets+facets": {"p50_ms": 1.78, "cpu_p50_ms": 1.69, ...} or
"load/1k/search": {"rps": 1187, "server_cpu_ms_per_request": 1.045, ...}. Only speed metrics are compared: times
(`*_ms`, `*_s`, lower is better) and rates (`rps`, `*_per_second`, higher is better; a rate that fell by more than
PCT percent counts as slower). Sizes, memory, sample and match counts are kept in the file but not compared.
Rows or metrics present on one side only are listed on one line each and not compared.

The machine's speed drifts (on the shared 2-core VM by up to 1.7x within minutes), which slows every row of a
run alike. A libkb search row has a floor measured in the same run on the same queries: plain Xapian
(`xapian:data` for `kb:none`, `xapian:snippets` for the other kb variants). A kb row that got slower, but not by
more than PCT percent over what its floor's same metric got slower, is listed apart as the machine's, and so
are the floor rows themselves; the exit code counts only the other slower rows.
"""
import argparse
import glob
import json
import os
import re
import sys

FORMAT = "kb-perf-results/1"
# Per-query search percentiles and means, and the load test's mix on N threads (CPU per query, queries/s)
# (search_bench.cc), wrk's latencies and the server's CPU per request (load_test.sh), build times (run_perf.sh's
# timed steps) and Google Benchmark's rates for parse and index.
SEARCH_METRICS = ["p50_ms", "p90_ms", "p99_ms", "mean_ms", "cpu_p50_ms", "cpu_p99_ms", "cpu_mean_ms",
                  "cpu_ms_per_query", "qps"]
KEPT_COUNTS = ["samples", "queries", "matches", "items"]
RUN_SETTING = re.compile(r"(iterations|min_time|repeats|threads):[0-9.]+|real_time|manual_time|process_time")


def lower_is_better(metric):
    """True for times, False for rates, None for what is not a speed (not compared)."""
    if metric in ("rps", "qps") or metric.endswith("_per_second"):
        return False
    if metric.endswith("_ms") or metric.endswith("_s") or metric in ("server_cpu_ms_per_request", "cpu_ms_per_query"):
        return True
    return None


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def export(results, out):
    rows = {}
    for path in sorted(glob.glob(os.path.join(results, "bench-*.json"))):
        with open(path) as f:
            data = json.load(f)
        for b in data.get("benchmarks", []):
            # Google Benchmark's run settings are not part of a row's name ("/iterations:1/manual_time").
            name = "/".join(p for p in b["name"].split("/") if not RUN_SETTING.fullmatch(p))
            if b.get("run_type") == "aggregate":
                continue
            row = {m: b[m] for m in SEARCH_METRICS + KEPT_COUNTS if isinstance(b.get(m), (int, float))}
            for m in ("items_per_second", "bytes_per_second"):
                if isinstance(b.get(m), (int, float)):
                    row[m] = b[m]
            if row:
                rows[name] = row
    for x in read_lines(os.path.join(results, "index.jsonl")):
        name = f"{x.get('kind')}/{x.get('scale')}/{x.get('name')}"
        rows[name] = {k: v for k, v in x.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    for x in read_lines(os.path.join(results, "load.jsonl")):
        name = f"load/{x.get('scale')}/{x.get('name')}" if x.get("kind") == "load" else f"memory/{x.get('scale')}"
        rows[name] = {k: v for k, v in x.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    machine = read_lines(os.path.join(results, "machine.json"))
    doc = {"format": FORMAT,
           "machine": next((x for x in machine if x.get("kind") == "machine"), {}),
           "end": next((x for x in machine if x.get("kind") == "end"), {}),
           "rows": rows}
    if not rows:
        sys.exit(f"compare.py: no results in {results}")
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, out)


def load(path):
    """The rows of a results file, or exits 2 with a clear message."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        print(f"compare.py: cannot read {path}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    except json.JSONDecodeError as e:
        print(f"compare.py: {path} is not JSON: {e}", file=sys.stderr)
        sys.exit(2)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("rows"), dict):
        print(f"compare.py: {path} is not a run_perf.sh results file (no \"format\": \"{FORMAT}\" with \"rows\")",
              file=sys.stderr)
        sys.exit(2)
    for name, row in doc["rows"].items():
        if not isinstance(row, dict):
            print(f"compare.py: {path}: row {name!r} is not an object", file=sys.stderr)
            sys.exit(2)
    return doc


def describe(path, doc):
    m = doc.get("machine", {})
    return f"{path} (run {m.get('date', '?')}, commit {m.get('commit', '?')})"


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def fmt(x):
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def floor_of(name):
    """The plain-Xapian row measured on the same queries in the same run as a libkb search row, else None."""
    parts = name.split("/")
    if len(parts) != 4 or parts[0] != "search" or not parts[3].startswith("kb:") or parts[3] == "kb:suggest":
        return None
    return "/".join(parts[:3] + ["xapian:data" if parts[3] == "kb:none" else "xapian:snippets"])


def is_floor(name):
    parts = name.split("/")
    return len(parts) == 4 and parts[0] == "search" and parts[3].startswith("xapian:")


def compare(old_path, new_path, threshold, old_name):
    old, new = load(old_path), load(new_path)
    print(f"Comparing {describe(new_path, new)}")
    print(f"     with {describe(old_name, old)}; slower = over {threshold:g}% more time or {threshold:g}% less rate.")
    slower, compared, only_old, only_new = [], 0, [], []
    for name in sorted(set(old["rows"]) | set(new["rows"])):
        a, b = old["rows"].get(name), new["rows"].get(name)
        if a is None or b is None:
            (only_new if a is None else only_old).append(name)
            continue
        for metric in sorted(set(a) | set(b)):
            lower = lower_is_better(metric)
            if lower is None:
                continue
            va, vb = a.get(metric), b.get(metric)
            if not num(va) or not num(vb):
                (only_new if not num(va) else only_old).append(f"{name} {metric}")
                continue
            compared += 1
            if va <= 0 or vb <= 0:
                continue  # a zero time or rate (nothing measured) has no ratio
            change = (vb / va - 1) * 100
            # The time a unit of work takes, new over old: the ratio itself for times, its inverse for rates.
            time_ratio = vb / va if lower else va / vb
            if time_ratio > 1 + threshold / 100:
                floor = floor_of(name)
                fa, fb = (old["rows"].get(floor, {}).get(metric), new["rows"].get(floor, {}).get(metric)) \
                    if floor else (None, None)
                drift = None  # how much slower the floor got, when this row has one
                if num(fa) and num(fb) and fa > 0 and fb > 0:
                    drift = fb / fa if lower else fa / fb
                slower.append((name, metric, va, vb, change, time_ratio, drift))
    if only_old:
        print(f"Not compared, only in {old_name} ({len(only_old)}): {', '.join(only_old)}")
    if only_new:
        print(f"Not compared, only in {new_path} ({len(only_new)}): {', '.join(only_new)}")
    machine = [r for r in slower if is_floor(r[0]) or (r[6] is not None and r[5] / r[6] <= 1 + threshold / 100)]
    real = [r for r in slower if r not in machine]
    if not slower:
        print(f"No row got slower by more than {threshold:g}% ({compared} metrics compared).")
        return 0
    def table(rows, floor_header, no_floor):
        print("")
        print(f"| row | metric | old | new | change | time ratio | {floor_header} |")
        print("|---|---|---|---|---|---|---|")
        for name, metric, va, vb, change, time_ratio, drift in rows:
            print(f"| {name} | {metric} | {fmt(va)} | {fmt(vb)} | {change:+.1f}% | {time_ratio:.2f}x | "
                  f"{f'{drift:.2f}x' if drift is not None else no_floor} |")

    if real:
        print(f"Slower by more than {threshold:g}%: {len(real)} of {compared} metrics compared.")
        table(real, "plain Xapian's (same queries, same run)", "—")
    else:
        print(f"No row got slower by more than {threshold:g}% beyond the machine ({compared} metrics compared).")
    if machine:
        print("")
        print(f"Slower by more than {threshold:g}%, as plain Xapian on the same queries in the same run was (the "
              f"machine, not kb): {len(machine)} metrics.")
        table(machine, "plain Xapian's", "itself")
    return 1 if real else 0


def threshold_arg(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"needs a percentage >= 0, not '{text}'")
    return value


def main(argv):
    parser = argparse.ArgumentParser(prog="compare.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export", help="flatten RESULTS_DIR into OUT.json")
    p.add_argument("results_dir")
    p.add_argument("out")
    p = sub.add_parser("check", help="exit 0 if FILE.json can be compared")
    p.add_argument("file")
    p.add_argument("--threshold", type=threshold_arg, default=10.0)
    p = sub.add_parser("compare", help="print the rows of NEW.json slower than in OLD.json")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--threshold", type=threshold_arg, default=10.0, help="percent (default 10)")
    p.add_argument("--old-name", help="the name to print for OLD.json")
    args = parser.parse_args(argv[1:])
    if args.command == "export":
        export(args.results_dir, args.out)
        return 0
    if args.command == "check":
        load(args.file)
        return 0
    return compare(args.old, args.new, args.threshold, args.old_name or args.old)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
