#!/usr/bin/env python3
"""A labelled set through the whole product: kb-index build -> kb-server -> GET /api/search, as a user (or a
held-out check) meets kb, not through libkb in process as kb-eval does.

    bench/eval/http_eval.py --set ../shared/data/labeled/cisi [--build build] [--port 9402] [--per-query F]
    bench/eval/http_eval.py --support bench/support --content content [--assist]

--set DIR: a labelled folder (docs.jsonl, queries.jsonl, qrels.tsv): each document is written as a Markdown file
with its title in the front matter. --support DIR: kb's support set over --content (the shipped content/).
Prints nDCG@10 (linear gain, ideal over every judged item, as kb-eval computes it) and the share of queries whose
first result is relevant (for --support: grade 3, kb-eval's success@1), and the requests that failed. Compare
with kb-eval's figure for the same set: a gap is a difference between the server's path and libkb's (a limit,
a default, a parameter), as the 1024-byte query limit was (6 of CISI's 76 queries answered 414).

--assist (with --support): the pasted tickets go to POST /api/assist instead, as "Paste a ticket" sends them.
Prints how often its article is a grade-3 item, how many of its answers the set grades (> 0), grades not at all
or are missing, and how many answers greet the customer by a name the ticket states (customer_name filled).

Exit codes: 0 done, 1 a request failed, 2 bad arguments or a tool that failed. Stdlib only.
"""
import argparse
import collections
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request


def write_docs(set_dir, docs_dir):
    """Writes docs.jsonl as Markdown files; returns {kb id: document id}."""
    ids = {}
    with open(os.path.join(set_dir, "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            name = "d" + "".join(c if c.isalnum() else "_" for c in str(d["id"]))
            ids[name] = str(d["id"])
            title = d.get("title") or name
            with open(os.path.join(docs_dir, name + ".md"), "w", encoding="utf-8") as out:
                out.write("---\ntitle: " + json.dumps(title) + "\n---\n\n" + d.get("text", "") + "\n")
    return ids


def read_qrels(path):
    qrels = collections.defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 3 and int(fields[2]) > 0:
                qrels[fields[0]][fields[1]] = int(fields[2])
    return qrels


def start_server(binary, db, port, log_path):
    args = [binary, "--db", db, "--port", str(port), "--usage-log", "off", "--access-log", "off"]
    server = subprocess.Popen(args, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError("kb-server exited; see " + log_path)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("kb-server did not answer /healthz within 30 s; see " + log_path)


def search(port, text):
    url = f"http://127.0.0.1:{port}/api/search?size=10&q=" + urllib.parse.quote(text)
    try:
        with urllib.request.urlopen(url, timeout=30) as res:
            return [r["id"] for r in json.load(res)["results"]], None
    except urllib.error.HTTPError as e:
        return [], f"{e.code} {e.read()[:200].decode('utf-8', 'replace')}"
    except OSError as e:
        return [], str(e)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = ap.add_mutually_exclusive_group(required=True)
    which.add_argument("--set", help="a labelled folder: docs.jsonl, queries.jsonl, qrels.tsv")
    which.add_argument("--support", help="kb's support set folder (queries.jsonl, qrels.tsv), judged over --content")
    ap.add_argument("--content", default="content", help="the items of --support (default content)")
    ap.add_argument("--build", default="build", help="the build directory with indexer/kb-index, server/kb-server")
    ap.add_argument("--port", type=int, default=9402, help="loopback port for kb-server (default 9402)")
    ap.add_argument("--per-query", help="also write query id, nDCG@10 and the first 3 ids as TSV")
    ap.add_argument("--assist", action="store_true", help="send --support's pasted tickets to /api/assist")
    args = ap.parse_args()
    if args.assist and not args.support:
        print("http_eval.py: --assist needs --support", file=sys.stderr)
        return 2

    set_dir = args.set or args.support
    tools = [os.path.join(args.build, "indexer", "kb-index"), os.path.join(args.build, "server", "kb-server")]
    for path in [os.path.join(set_dir, "queries.jsonl"), os.path.join(set_dir, "qrels.tsv")] + tools:
        if not os.path.exists(path):
            print(f"http_eval.py: {path} is missing", file=sys.stderr)
            return 2
    work = tempfile.mkdtemp(prefix="kb-http-eval-")
    try:
        docs = os.path.join(work, "docs")
        ids = {}
        if args.support:
            shutil.copytree(args.content, docs)
        else:
            os.makedirs(docs)
            ids = write_docs(set_dir, docs)
        build = subprocess.run([tools[0], "build", docs, "--db", os.path.join(work, "db"), "-q"])
        if build.returncode != 0:
            print("http_eval.py: kb-index build failed", file=sys.stderr)
            return 2
        server = start_server(tools[1], os.path.join(work, "db"), args.port, os.path.join(work, "server.log"))
        try:
            return evaluate_assist(args, set_dir) if args.assist else evaluate(args, set_dir, ids)
        finally:
            server.terminate()
            server.wait()
    except RuntimeError as e:
        print("http_eval.py: " + str(e), file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)


def evaluate(args, set_dir, ids):
    qrels = read_qrels(os.path.join(set_dir, "qrels.tsv"))
    top_grade = 3 if args.support else 1
    total = first = n = 0
    failures = []
    per_query = open(args.per_query, "w", encoding="utf-8") if args.per_query else None
    with open(os.path.join(set_dir, "queries.jsonl"), encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            rel = qrels.get(str(q["id"]))
            if not rel:
                continue
            got, error = search(args.port, q["text"])
            if error:
                failures.append(f"{q['id']}: {error}")
            got = [ids.get(g, g) for g in got]
            dcg = sum(rel.get(g, 0) / math.log2(i + 2) for i, g in enumerate(got[:10]))
            ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(rel.values(), reverse=True)[:10]))
            score = dcg / ideal if ideal else 0.0
            total += score
            n += 1
            first += 1 if got and rel.get(got[0], 0) >= top_grade else 0
            if per_query:
                per_query.write(f"{q['id']}\t{score:.4f}\t{' '.join(got[:3])}\n")
    if per_query:
        per_query.close()
    name = os.path.basename(os.path.normpath(set_dir))
    label = "success@1" if args.support else "P@1"
    print(f"{name} through kb-index -> kb-server -> /api/search: nDCG@10 {total / max(n, 1):.3f}, "
          f"{label} {first / max(n, 1):.3f} over {n} queries; {len(failures)} failed requests")
    for failure in failures[:10]:
        print("  failed: " + failure)
    return 1 if failures else 0


def assist(port, text):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/assist", data=json.dumps({"text": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as res:
            return json.load(res), None
    except urllib.error.HTTPError as e:
        return None, f"{e.code} {e.read()[:200].decode('utf-8', 'replace')}"
    except OSError as e:
        return None, str(e)


def evaluate_assist(args, set_dir):
    qrels = read_qrels(os.path.join(set_dir, "qrels.tsv"))
    counts = collections.Counter()
    failures = []
    with open(os.path.join(set_dir, "queries.jsonl"), encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            if q.get("shape") != "pasted":
                continue
            r, error = assist(args.port, q["text"])
            if error:
                failures.append(f"{q['id']}: {error}")
                continue
            rel = qrels.get(str(q["id"]), {})
            article, answer = r.get("article") or {}, r.get("answer")
            counts["tickets"] += 1
            counts["article grade 3"] += 1 if rel.get(article.get("id"), 0) >= 3 else 0
            if answer is None:
                counts["no answer"] += 1
                continue
            counts["answer graded" if rel.get(answer["id"], 0) > 0 else "answer not graded"] += 1
            counts["named"] += 1 if "customer_name" in answer.get("values", {}) else 0
    name = os.path.basename(os.path.normpath(set_dir))
    answers = counts["answer graded"] + counts["answer not graded"]
    print(f"{name} pasted tickets through kb-index -> kb-server -> /api/assist: {counts['tickets']} tickets; article "
          f"grade 3: {counts['article grade 3']}; answers graded {counts['answer graded']}, not graded "
          f"{counts['answer not graded']}, none {counts['no answer']}; customer_name filled in {counts['named']} of "
          f"{answers} answers; {len(failures)} failed requests")
    for failure in failures[:10]:
        print("  failed: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
