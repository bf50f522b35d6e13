#!/usr/bin/env python3
"""Prints the tables of bench/README.md ("Performance") from the results directory of bench/run_perf.sh, and
checks every target of the performance issue against them.

Usage: report.py RESULTS_DIR

Latency targets are judged on wall-clock time (what a user waits); the thread-CPU figure next to it says what
the query itself cost, which is what an idle machine would show when the wall-clock figure includes time
spent waiting for a core that other processes held.
"""
import glob
import json
import os
import sys

SHAPES = ["one_word", "two_three_words", "phrase", "error_code", "filter_text", "prefix", "pasted"]
SCALES = ["1k", "14k", "100k"]


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_bench(results):
    """{(scale, shape, variant): benchmark row} for search, and the parse/index rows."""
    search, build = {}, []
    for path in sorted(glob.glob(os.path.join(results, "bench-*.json"))):
        with open(path) as f:
            data = json.load(f)
        for b in data.get("benchmarks", []):
            parts = b["name"].split("/")
            if parts[0] == "search" and len(parts) >= 4:
                search[(parts[1], parts[2], parts[3])] = b
            elif parts[0] == "mix" and len(parts) >= 3:  # search_bench.cc: the load test's mix on N threads
                search[(parts[1], "mix", parts[2])] = b
            elif parts[0] in ("parse", "index"):
                build.append(b)
    return search, build


def fmt(x, digits=2):
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def verdict(ok):
    return "**met**" if ok else "**not met**"


# The p99 target: every shape at these scales, kb's p99 over plain Xapian's, wall clock and thread CPU alike.
P99_SCALES = ["14k", "100k"]
P99_LIMIT = 1.5


def ratio(a, b):
    return a / b if a is not None and b else None


def p99_table(p, row, scales):
    """Prints the p99 table (kb against plain Xapian per shape); returns one dict per row with both ratios."""
    rows = []
    for scale in scales:
        for shape in SHAPES:
            full, xs = row(scale, shape, "kb:snippets+facets"), row(scale, shape, "xapian:snippets")
            bare, xd = row(scale, shape, "kb:none"), row(scale, shape, "xapian:data")
            if not full or not xs:
                continue
            r = {"scale": scale, "shape": shape, "full": full, "xs": xs, "bare": bare, "xd": xd,
                 "wall": ratio(full["p99_ms"], xs["p99_ms"]), "cpu": ratio(full["cpu_p99_ms"], xs["cpu_p99_ms"]),
                 "bare_wall": ratio(bare["p99_ms"], xd["p99_ms"]) if bare and xd else None,
                 "bare_cpu": ratio(bare["cpu_p99_ms"], xd["cpu_p99_ms"]) if bare and xd else None}
            r["ok_wall"] = r["wall"] is not None and r["wall"] <= P99_LIMIT
            r["ok_cpu"] = r["cpu"] is not None and r["cpu"] <= P99_LIMIT
            rows.append(r)
    if not rows:
        return rows
    p("### p99 against plain Xapian, per query shape (ms)")
    p("")
    p(f"The same rows as above at p99: wall clock, thread CPU in brackets. Target: kb +s+f ≤ {P99_LIMIT:g}× Xapian +snip "
      f"on both clocks, every shape at {' and '.join(P99_SCALES)} (other scales shown, not judged). The two rows of a "
      "pair run one after the other in one process, so a burst of load on the shared machine can land on one of "
      "them: read the CPU ratio first. Context, no target: kb bare against Xapian reading document data.")
    p("")
    p("| items | shape | kb +s+f p99 | Xapian +snip p99 | ratio wall | ratio CPU | verdict | kb bare p99 | "
      "Xapian data p99 | bare ratio wall (CPU) |")
    p("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        full, xs, bare, xd = r["full"], r["xs"], r["bare"], r["xd"]
        if r["scale"] in P99_SCALES:
            v = "met" if r["ok_wall"] and r["ok_cpu"] else (
                "**not met**" + ("" if not r["ok_wall"] and not r["ok_cpu"] else
                                 " (wall)" if not r["ok_wall"] else " (CPU)"))
        else:
            v = "—"
        p(f"| {r['scale']} | {r['shape']} | {fmt(full['p99_ms'])} ({fmt(full['cpu_p99_ms'])}) | "
          f"{fmt(xs['p99_ms'])} ({fmt(xs['cpu_p99_ms'])}) | {fmt(r['wall'])} | {fmt(r['cpu'])} | {v} | "
          f"{fmt(bare['p99_ms']) + ' (' + fmt(bare['cpu_p99_ms']) + ')' if bare else '—'} | "
          f"{fmt(xd['p99_ms']) + ' (' + fmt(xd['cpu_p99_ms']) + ')' if xd else '—'} | "
          f"{fmt(r['bare_wall'])} ({fmt(r['bare_cpu'])}) |")
    p("")
    return rows


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RESULTS_DIR")
    results = sys.argv[1]
    machine = read_lines(os.path.join(results, "machine.json"))
    index = read_lines(os.path.join(results, "index.jsonl"))
    load = read_lines(os.path.join(results, "load.jsonl"))
    search, build = load_bench(results)
    m = next((x for x in machine if x.get("kind") == "machine"), {})
    end = next((x for x in machine if x.get("kind") == "end"), {})
    scales = [s for s in SCALES if any(k[0] == s for k in search) or any(x.get("scale") == s for x in index)]

    out = []
    p = out.append
    p(f"Run {m.get('date', '?')}, commit {m.get('commit', '?')}: `bench/run_perf.sh` "
      f"(search rows: {m.get('samples', '?')} timed queries each; load runs: {m.get('duration_s', '?')} s each).")
    p(f"Machine: {m.get('cores', '?')} cores ({m.get('cpu', '?')}), {m.get('mem_gb', '?')} GB; load average "
      f"{m.get('load_start', '?')} at the start, {end.get('load_end', '?')} at the end; the suite took "
      f"{end.get('seconds', '?')} s.")
    samples = end.get("load_1min_samples") or []
    if samples:
        p(f"1-minute load average at each step of the run: min {min(samples):.2f}, median "
          f"{sorted(samples)[len(samples) // 2]:.2f}, max {max(samples):.2f} ({len(samples)} samples; 2 cores shared "
          f"with other work, so wall-clock figures include waiting for a core; the CPU-time figures do not).")
    p("")

    # Items per scale, from the index steps.
    items = {x["scale"]: x["items"] for x in index if x.get("kind") == "index" and "items" in x}

    p("### Search latency per query, in process (ms)")
    p("")
    p("kb = libkb `Searcher::Search`, top 10; +s+f = snippets and the six facets kb-server asks for; bare = no "
      "snippets, no facets. Xapian = the floor: plain `QueryParser`, `get_mset(0, 10)`, each hit's document data, "
      "+snip = `MSet::snippet` on it. Wall-clock p50 / p99, thread-CPU p50 in brackets; ratio = kb / Xapian p50.")
    p("")
    p("| items | shape | kb +s+f p50 | kb +s+f p99 | Xapian +snip p50 | ratio | kb bare p50 | Xapian data p50 | "
      "ratio | kb +snip p50 | matches kb / Xapian |")
    p("|---|---|---|---|---|---|---|---|---|---|---|")

    def row(scale, shape, variant):
        return search.get((scale, shape, variant))

    def in_process_mix(scale):
        """Mean CPU ms per query of libkb (snippets+facets) over the load test's mix (every query once)."""
        rows = [row(scale, shape, "kb:snippets+facets") for shape in SHAPES]
        rows = [r for r in rows if r and "cpu_mean_ms" in r]
        n = sum(r["queries"] for r in rows)
        return sum(r["cpu_mean_ms"] * r["queries"] for r in rows) / n if n else None

    ratios_full, ratios_bare = [], []
    for scale in scales:
        for shape in SHAPES:
            full, snip, bare = row(scale, shape, "kb:snippets+facets"), row(scale, shape, "kb:snippets"), \
                row(scale, shape, "kb:none")
            xs, xd = row(scale, shape, "xapian:snippets"), row(scale, shape, "xapian:data")
            if not full or not xs:
                continue
            r_full = full["p50_ms"] / xs["p50_ms"] if xs["p50_ms"] else None
            r_full_cpu = full["cpu_p50_ms"] / xs["cpu_p50_ms"] if xs["cpu_p50_ms"] else None
            r_bare = bare["p50_ms"] / xd["p50_ms"] if bare and xd and xd["p50_ms"] else None
            r_bare_cpu = bare["cpu_p50_ms"] / xd["cpu_p50_ms"] if bare and xd and xd["cpu_p50_ms"] else None
            ratios_full.append((r_full, r_full_cpu, scale, shape))
            ratios_bare.append((r_bare, r_bare_cpu, scale, shape))
            p(f"| {scale} | {shape} | {fmt(full['p50_ms'])} ({fmt(full['cpu_p50_ms'])}) | {fmt(full['p99_ms'])} "
              f"({fmt(full['cpu_p99_ms'])}) | {fmt(xs['p50_ms'])} ({fmt(xs['cpu_p50_ms'])}) | "
              f"{fmt(r_full)} ({fmt(r_full_cpu)}) | "
              f"{fmt(bare['p50_ms']) if bare else '—'} | {fmt(xd['p50_ms']) if xd else '—'} | "
              f"{fmt(r_bare)} ({fmt(r_bare_cpu)}) | {fmt(snip['p50_ms']) if snip else '—'} | "
              f"{full['matches']:.0f} / {xs['matches']:.0f} |")
    p("")

    # p99 against plain Xapian, shape by shape (the "p99 as ratio" target, judged at 14k and 100k).
    p99_rows = p99_table(p, row, scales)

    # Targets.
    t = []
    judged = [r for r in p99_rows if r["scale"] in P99_SCALES]
    if judged:
        over = [f"{r['scale']} {r['shape']} {fmt(r['wall'])}× ({fmt(r['cpu'])}× CPU)" for r in judged
                if not r["ok_wall"] or not r["ok_cpu"]]
        worst = max(judged, key=lambda r: r["wall"] or 0)
        worst_cpu = max(judged, key=lambda r: r["cpu"] or 0)
        ok_wall = all(r["ok_wall"] for r in judged)
        ok_cpu = all(r["ok_cpu"] for r in judged)
        t.append((f"p99 of every query shape ≤ {P99_LIMIT:g}× plain Xapian's p99 on the same queries in the same run "
                  f"({' and '.join(s for s in P99_SCALES if any(r['scale'] == s for r in judged))}; kb +s+f against "
                  f"Xapian +snip; wall and CPU)",
                  f"{len(judged)} rows; worst on wall clock {fmt(worst['wall'])}× ({worst['scale']} {worst['shape']}), "
                  f"on CPU time {fmt(worst_cpu['cpu'])}× ({worst_cpu['scale']} {worst_cpu['shape']}); over "
                  f"{P99_LIMIT:g}×: {', '.join(over) if over else 'none'}",
                  f"wall {verdict(ok_wall)}, CPU {verdict(ok_cpu)}"))
    if ratios_full:
        worst = max(ratios_full, key=lambda r: r[0] or 0)
        worst_cpu = max(ratios_full, key=lambda r: r[1] or 0)
        ok = all((r[0] or 0) <= 1.3 for r in ratios_full)
        median = sorted(r[0] or 0 for r in ratios_full)[len(ratios_full) // 2]
        over = [f"{r[2]} {r[3]} {fmt(r[0])}×" for r in ratios_full if (r[0] or 0) > 1.3]
        t.append(("libkb search with snippets and facets ≤ 1.3× plain Xapian (median, same query, same database)",
                  f"median of the {len(ratios_full)} scale × shape rows {fmt(median)}×; worst {fmt(worst[0])}× "
                  f"({worst[2]} {worst[3]}); on CPU time worst {fmt(worst_cpu[1])}× ({worst_cpu[2]} {worst_cpu[3]}); "
                  f"rows over 1.3×: {', '.join(over) if over else 'none'} (see the matches column: where plain Xapian "
                  f"finds nothing it does no snippet work, while kb falls back to a spelling correction)",
                  verdict(ok) + ("" if ok or median > 1.3 else " for every row (**met** for the median of rows)")))
        worst_bare = max(ratios_bare, key=lambda r: r[0] or 0)
        t.append(("(context, no target) libkb without snippets and facets vs Xapian reading document data",
                  f"median of shapes {fmt(sorted(r[0] or 0 for r in ratios_bare)[len(ratios_bare) // 2])}×, "
                  f"worst {fmt(worst_bare[0])}× ({worst_bare[2]} {worst_bare[3]})", "—"))
    for scale, limit in (("14k", 5.0), ("100k", 10.0)):
        rows = [(shape, row(scale, shape, "kb:snippets+facets")) for shape in SHAPES]
        rows = [(shape, r) for shape, r in rows if r]
        if not rows:
            continue
        normal = [(s, r) for s, r in rows if s != "pasted"]
        worst = max(normal, key=lambda sr: sr[1]["p99_ms"])
        worst_cpu = max(normal, key=lambda sr: sr[1]["cpu_p99_ms"])
        ok = all(r["p99_ms"] <= limit for _, r in normal)
        ok_cpu = all(r["cpu_p99_ms"] <= limit for _, r in normal)
        over = [f"{s} {fmt(r['p99_ms'])}" for s, r in normal if r["p99_ms"] > limit]
        t.append((f"p99 ≤ {limit:g} ms at {scale} items, every shape but the pasted message (kb, snippets+facets)",
                  f"worst {fmt(worst[1]['p99_ms'])} ms ({worst[0]}) = {worst[1]['p99_ms'] / limit:.2f}× the target; "
                  f"over: {', '.join(over) if over else 'none'}; CPU time worst {fmt(worst_cpu[1]['cpu_p99_ms'])} "
                  f"ms ({worst_cpu[0]})", verdict(ok) + ("" if ok == ok_cpu else f" (on CPU time: {verdict(ok_cpu)})")))
        pasted = dict(rows).get("pasted")
        if pasted:
            t.append((f"pasted 200-word message p99 ≤ 50 ms at {scale}",
                      f"{fmt(pasted['p99_ms'])} ms = {pasted['p99_ms'] / 50:.2f}× the target (CPU "
                      f"{fmt(pasted['cpu_p99_ms'])} ms)", verdict(pasted["p99_ms"] <= 50) +
                      ("" if (pasted["p99_ms"] <= 50) == (pasted["cpu_p99_ms"] <= 50)
                       else f" (on CPU time: {verdict(pasted['cpu_p99_ms'] <= 50)})")))
    ceiling = next((x for x in load if x.get("name") == "ceiling"), None)
    for x in load:
        if x.get("name") == "search" and ceiling:
            r = x["rps"] / ceiling["rps"]
            cpu = ""
            if x.get("server_cpu_ms_per_request") and ceiling.get("server_cpu_ms_per_request"):
                cpu = (f"; server CPU per request {fmt(x['server_cpu_ms_per_request'], 3)} ms vs "
                       f"{fmt(ceiling['server_cpu_ms_per_request'], 3)} ms = "
                       f"{100 * ceiling['server_cpu_ms_per_request'] / x['server_cpu_ms_per_request']:.1f} %")
                mix = in_process_mix(x["scale"])
                if mix:
                    cpu += f" (libkb alone, same mix in process: {fmt(mix, 3)} ms)"
            t.append((f"/api/search throughput ≥ 50 % of the trivial cpp-httplib endpoint ({x['scale']} items)",
                      f"{x['rps']:.0f} req/s vs {ceiling['rps']:.0f} req/s = {100 * r:.1f} %{cpu}", verdict(r >= 0.5)))
    # The HTTP layer's share: a CPU-bound server's throughput on the same cores is cores / CPU per request, so
    # the ratio of CPU per query in process to server CPU per request is the throughput ratio, independent of
    # what else the shared machine runs (wall-clock req/s is not). The in-process side runs the load test's
    # mix on as many threads at once as the load test has connections (the issue: "the same number of
    # threads"), each with its own Searcher; the single-threaded figure is shown beside it.
    interleaved = {x["scale"]: x for x in load if x.get("name") == "interleaved"}
    for x in load:
        if x.get("name") != "search" or not x.get("server_cpu_ms_per_request"):
            continue
        conc = row(x["scale"], "mix", f"kb:{x['connections']}-threads")
        title = f"HTTP layer: /api/search throughput ≥ 0.85× in-process libkb on the same mix ({x['scale']} items)"
        if x["scale"] in interleaved:
            # The verdict: both sides measured in alternating slices (load_test.sh --in-process), so the
            # machine's drift over minutes weighs on both; the separate rows (minutes apart) beside it.
            i = interleaved[x["scale"]]
            server, inproc, r = i["server_cpu_ms_per_request"], i["inprocess_cpu_ms_per_query"], i["ratio"]
            slices = ", ".join(f"{s['inprocess_cpu_ms_per_query'] / s['server_cpu_ms_per_request']:.2f}"
                               for s in i["slices"])
            how = (f"{fmt(inproc, 3)} ms per query in process on {i['connections']} threads at once; three "
                   f"alternating slices ({slices})" +
                   (f"; measured minutes apart instead (the rows below): "
                    f"{conc['cpu_ms_per_query'] / x['server_cpu_ms_per_request']:.2f}×" if conc else ""))
            conns = f"{i['connections']} connections"
        else:
            server = x["server_cpu_ms_per_request"]
            inproc = conc["cpu_ms_per_query"] if conc else in_process_mix(x["scale"])
            if not inproc:
                continue
            r = inproc / server
            single = row(x["scale"], "mix", "kb:1-thread")
            how = (f"{fmt(inproc, 3)} ms per query in process on {x['connections']} threads at once "
                   f"({conc['qps']:.0f} queries/s" +
                   (f"; on one thread {fmt(single['cpu_ms_per_query'], 3)} ms" if single else "") + ")"
                   if conc else f"{fmt(inproc, 3)} ms per query in process (one thread)")
            conns = f"{x['connections']} connections, {x['rps']:.0f} req/s"
        t.append((title, f"{r:.2f}× on CPU time: kb-server {fmt(server, 3)} ms per request ({conns}), libkb "
                         f"`Searcher::Search` {how}; the server adds {fmt(max(server - inproc, 0), 3)} ms",
                  verdict(r >= 0.85)))
    for x in load:
        if x.get("name") == "suggest1":
            ip = row(x["scale"], "prefix", "kb:suggest")
            extra = f"; in process p99 {fmt(ip['p99_ms'])} ms (CPU {fmt(ip['cpu_p99_ms'])})" if ip else ""
            # The second round judges suggest on CPU time (in process): over HTTP on the shared machine
            # the wall clock mostly measures waiting for a core.
            cpu = f" (on CPU time in process: {verdict(ip['cpu_p99_ms'] <= 5)})" if ip else ""
            t.append((f"/api/suggest p99 ≤ 5 ms ({x['scale']} items)",
                      f"{fmt(x['p99_ms'])} ms over HTTP = {x['p99_ms'] / 5:.2f}× the target{extra}",
                      verdict(x["p99_ms"] <= 5) + cpu))
    steps = {(x["scale"], x["name"]): x for x in index if x.get("kind") == "index"}
    kb_build, om = steps.get(("14k", "kb-index build")), steps.get(("14k", "omindex (xapian-omega)"))
    if kb_build and om:
        # Issue 18: omindex runs right after kb-index on the same files, so both see the same machine load.
        r, r_cpu = kb_build["wall_s"] / om["wall_s"], kb_build["cpu_s"] / om["cpu_s"]
        t.append(("build of the 14k tree ≤ 0.5× omindex's wall time in the same run",
                  f"{r:.2f}× wall ({fmt(kb_build['wall_s'])} s vs {fmt(om['wall_s'])} s), {r_cpu:.2f}× CPU "
                  f"({fmt(kb_build['cpu_s'])} s vs {fmt(om['cpu_s'])} s); peak RSS {fmt(kb_build['max_rss_mb'])} MB "
                  f"(omindex {fmt(om['max_rss_mb'])} MB)",
                  verdict(r <= 0.5) + ("" if (r <= 0.5) == (r_cpu <= 0.5) else f" (on CPU time: {verdict(r_cpu <= 0.5)})")))
    if kb_build:
        t.append(("full build of the 14k tree ≤ 10 s (idle machine)",
                  f"{fmt(kb_build['wall_s'])} s wall = {kb_build['wall_s'] / 10:.1f}× the target, "
                  f"{fmt(kb_build['cpu_s'])} s CPU, peak RSS {fmt(kb_build['max_rss_mb'])} MB",
                  verdict(kb_build["wall_s"] <= 10) + ("" if (kb_build["wall_s"] <= 10) == (kb_build["cpu_s"] <= 10)
                                                       else f" (on CPU time: {verdict(kb_build['cpu_s'] <= 10)})")))
    for name, label, limit in (("kb-index update (no change)", "no-change update of the 14k tree ≤ 0.5 s", 0.5),
                               ("kb-index update (1 file changed)", "update of the 14k tree with one changed file < 1 s",
                                1.0)):
        x = steps.get(("14k", name))
        if x:
            t.append((label, f"{fmt(x['wall_s'])} s wall = {x['wall_s'] / limit:.2f}× the target, {fmt(x['cpu_s'])} s CPU",
                      verdict(x["wall_s"] <= limit) + ("" if (x["wall_s"] <= limit) == (x["cpu_s"] <= limit)
                                                       else f" (on CPU time: {verdict(x['cpu_s'] <= limit)})")))
    mem = {x["scale"]: x for x in load if x.get("kind") == "memory"}
    if "100k" in mem:
        x = mem["100k"]
        t.append(("kb-server RSS < 200 MB at 100k items", f"{fmt(x['rss_mb'])} MB after the load (peak "
                  f"{fmt(x['peak_rss_mb'])} MB = {x['peak_rss_mb'] / 200:.2f}× the limit)",
                  verdict(x["peak_rss_mb"] < 200)))

    p("### Targets")
    p("")
    p("| target | measured | |")
    p("|---|---|---|")
    for name, measured, ok in t:
        p(f"| {name} | {measured} | {ok} |")
    p("")

    p("### Indexing, index size and server memory")
    p("")
    p("| items | step | wall s | CPU s | items/s (wall) | peak RSS MB |")
    p("|---|---|---|---|---|---|")
    for x in index:
        if x.get("kind") != "index":
            continue
        note = " (built by an earlier run, reused)" if x.get("reused") else ""
        rate = x["items"] / x["wall_s"] if x["wall_s"] else 0
        p(f"| {x['scale']} | {x['name']}{note} | {fmt(x['wall_s'])} | {fmt(x['cpu_s'])} | {rate:.0f} | {fmt(x['max_rss_mb'])} |")
    p("")
    p("| items | kb index MB | omindex MB | kb-server RSS MB after load (peak) |")
    p("|---|---|---|---|")
    sizes = {(x["scale"], x["name"]): x["index_mb"] for x in index if x.get("kind") == "size"}
    for scale in scales:
        mm = mem.get(scale)
        p(f"| {items.get(scale, scale)} | {fmt(sizes.get((scale, 'kb')))} | {fmt(sizes.get((scale, 'omindex')))} | "
          f"{fmt(mm['rss_mb']) + ' (' + fmt(mm['peak_rss_mb']) + ')' if mm else '—'} |")
    p("")

    if load:
        p("### HTTP load test (wrk on loopback, mixed query list)")
        p("")
        p("search = /api/search with every query of bench/perf/queries.tsv in turn (kb-server defaults: 10 results, "
          "snippets, six facets); search1/suggest1 = one connection (no queueing); ceiling = kb-load-ceiling, "
          "a cpp-httplib endpoint that does nothing, configured like kb-server.")
        p("")
        p("| items | run | connections | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU ms/request |")
        p("|---|---|---|---|---|---|---|---|---|---|")
        for x in load:
            if x.get("kind") == "load" and "rps" in x:
                p(f"| {x['scale']} | {x['name']} | {x['connections']} | {x['rps']:.0f} | {fmt(x['p50_ms'])} | "
                  f"{fmt(x['p90_ms'])} | {fmt(x['p99_ms'])} | {fmt(x['max_ms'])} | {x['errors']} | "
                  f"{fmt(x.get('server_cpu_ms_per_request'), 3)} |")
        p("")

    if build:
        p("### Parse and index throughput (14k tree)")
        p("")
        p("| benchmark | result |")
        p("|---|---|")
        for b in build:
            name = b["name"].replace("/iterations:1/real_time", "").replace("/min_time:2.000", "")
            if name.startswith("parse"):
                p(f"| {name} (front matter + CommonMark → item) | {b['bytes_per_second'] / 1e6:.1f} MB/s, "
                  f"{b['items_per_second']:.0f} files/s |")
            else:
                # One timed run each: the wall-clock rate swings with the machine's load; the CPU time of the
                # writing thread is the steadier figure.
                cpu_s = b["cpu_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}.get(b.get("time_unit", "ns"), 1e-9)
                cpu_rate = f", {b.get('items', 0) / cpu_s:.0f} items per CPU second" if cpu_s > 0 else ""
                p(f"| {name} (IndexWriter, {b.get('items', 0):.0f} parsed items, commit every `batch`) | "
                  f"{b['items_per_second']:.0f} items/s{cpu_rate} |")
        p("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
