#!/usr/bin/env python3
"""Validates the support relevance set: bench/support/queries.jsonl and bench/support/qrels.tsv.

Checks that every query line is a JSON object with a unique id, a known shape and language and a length that
fits its shape; that the set has the agreed size and mix; that every qrel line is well formed and names a known
query; that every query has a grade-3 item, and an English grade-3 item when the query is English; and that
every judged item id exists among the items `kb-index build CONTENT` indexes (ids derived from the Markdown
paths and front-matter `id:` fields, as kb does; with --server, also asked of a running kb-server).

Usage: bench/support/validate.py [--content DIR] [--server http://127.0.0.1:PORT]
Prints the counts per shape and language; exits 1 on any problem, 2 on bad arguments. Stdlib only.
"""

import argparse
import collections
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = ["typed", "typo", "pasted", "code", "shift"]
LANGS = ["en", "tr"]
# The agreed minimums of the set (see README.md).
MIN_PER_SHAPE = {"typed": 40, "typo": 30, "pasted": 40, "code": 30, "shift": 25}
MIN_TOTAL = 170
MIN_TURKISH = 40
# Word counts per shape, where the shape defines one.
WORDS = {"typed": (1, 6), "typo": (1, 6), "pasted": (40, 200)}


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, message):
        self.items.append(f"{where}: {message}")


def front_matter(text):
    """The simple `key: value` lines of a Markdown file's YAML front matter (enough for id and lang)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    fields = {}
    for line in lines[1:]:
        if line.strip() in ("---", "..."):
            break
        m = re.match(r"^([A-Za-z_][\w.-]*):\s*(.*?)\s*$", line)
        if m:
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            fields[m.group(1)] = value
    return fields


def content_items(content_dir):
    """id -> lang of every Markdown item under content_dir, as kb-index derives them."""
    prefix = ""
    config = os.path.join(content_dir, "kb-source.yaml")
    if os.path.exists(config):
        with open(config, encoding="utf-8") as f:
            prefix = front_matter("---\n" + f.read()).get("id_prefix", "")
    items = {}
    for root, dirs, files in os.walk(content_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.endswith((".md", ".markdown")):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                fields = front_matter(f.read())
            rel = os.path.relpath(path, content_dir).replace(os.sep, "/")
            item_id = fields.get("id") or prefix + rel.rsplit(".", 1)[0]
            items[item_id] = fields.get("lang", "en")
    return items


def server_has(server, item_id):
    url = server.rstrip("/") + "/api/items/" + urllib.parse.quote(item_id, safe="/")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return False
        raise


def read_queries(path, problems):
    queries = collections.OrderedDict()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = f"queries.jsonl:{n}"
            if not line.strip():
                problems.add(where, "empty line")
                continue
            try:
                q = json.loads(line)
            except json.JSONDecodeError as e:
                problems.add(where, f"not JSON: {e}")
                continue
            if not isinstance(q, dict) or set(q) != {"id", "text", "shape", "lang"}:
                problems.add(where, "expected an object with exactly id, text, shape, lang")
                continue
            if not all(isinstance(q[k], str) and q[k].strip() for k in q):
                problems.add(where, "every field must be a non-empty string")
                continue
            if q["id"] in queries:
                problems.add(where, f"duplicate id {q['id']}")
                continue
            if q["shape"] not in SHAPES:
                problems.add(where, f"{q['id']}: unknown shape {q['shape']!r} (one of {', '.join(SHAPES)})")
            if q["lang"] not in LANGS:
                problems.add(where, f"{q['id']}: unknown lang {q['lang']!r} (one of {', '.join(LANGS)})")
            if q["shape"] in WORDS:
                low, high = WORDS[q["shape"]]
                words = len(q["text"].split())
                if not low <= words <= high:
                    problems.add(where, f"{q['id']}: {q['shape']} query has {words} words, expected {low}-{high}")
            queries[q["id"]] = q
    return queries


def read_qrels(path, queries, problems):
    qrels = collections.defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = f"qrels.tsv:{n}"
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3:
                problems.add(where, "expected query_id<TAB>item_id<TAB>grade")
                continue
            qid, item_id, grade = fields
            if qid not in queries:
                problems.add(where, f"unknown query id {qid}")
            if grade not in ("1", "2", "3"):
                problems.add(where, f"grade must be 1, 2 or 3, not {grade!r}")
                continue
            if item_id in qrels[qid]:
                problems.add(where, f"{qid} judges {item_id} twice")
            qrels[qid][item_id] = int(grade)
    return qrels


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", default=os.path.join(HERE, "..", "..", "content"),
                        help="the knowledge base the item ids refer to (default: the repository's content/)")
    parser.add_argument("--server", help="also check every judged id with GET /api/items/{id} on this kb-server")
    args = parser.parse_args()
    if not os.path.isdir(args.content):
        print(f"validate.py: content directory {args.content} does not exist", file=sys.stderr)
        return 2

    problems = Problems()
    queries = read_queries(os.path.join(HERE, "queries.jsonl"), problems)
    qrels = read_qrels(os.path.join(HERE, "qrels.tsv"), queries, problems)
    items = content_items(args.content)

    judged = sorted({item for grades in qrels.values() for item in grades})
    for item_id in judged:
        if item_id not in items:
            problems.add("qrels.tsv", f"item {item_id} is not an item of {args.content}")
    if args.server:
        for item_id in judged:
            try:
                if not server_has(args.server, item_id):
                    problems.add("qrels.tsv", f"item {item_id} is not in the index served at {args.server}")
            except (OSError, urllib.error.URLError) as e:
                problems.add("--server", f"{args.server}: {e}")
                break

    several_threes = []
    english_three_for_turkish = []
    for qid, q in queries.items():
        threes = [item for item, g in qrels.get(qid, {}).items() if g == 3]
        if not threes:
            problems.add("qrels.tsv", f"{qid} has no grade-3 item")
            continue
        if len(threes) > 1:
            several_threes.append(qid)
        langs = {items.get(item) for item in threes}
        if q["lang"] == "en" and langs != {"en"}:
            problems.add("qrels.tsv", f"{qid} is English but its grade-3 item is not: {', '.join(threes)}")
        if q["lang"] == "tr" and "tr" not in langs:
            english_three_for_turkish.append(f"{qid} -> {', '.join(threes)}")

    counts = collections.Counter((q["shape"], q["lang"]) for q in queries.values())
    print(f"{'shape':8} {'en':>4} {'tr':>4} {'all':>5}")
    for shape in SHAPES:
        row = [counts[(shape, lang)] for lang in LANGS]
        print(f"{shape:8} {row[0]:4} {row[1]:4} {sum(row):5}")
    per_lang = [sum(counts[(s, lang)] for s in SHAPES) for lang in LANGS]
    print(f"{'all':8} {per_lang[0]:4} {per_lang[1]:4} {len(queries):5}")
    grade_counts = collections.Counter(g for grades in qrels.values() for g in grades.values())
    print(f"qrels: {sum(grade_counts.values())} judgements (grade 3: {grade_counts[3]}, 2: {grade_counts[2]}, "
          f"1: {grade_counts[1]}) over {len(judged)} of {len(items)} items")
    if english_three_for_turkish:
        print("Turkish queries answered by an English item (no Turkish item covers them): "
              + "; ".join(english_three_for_turkish))
    if several_threes:
        print("queries with more than one grade-3 item: " + ", ".join(several_threes))

    for shape, minimum in MIN_PER_SHAPE.items():
        have = sum(counts[(shape, lang)] for lang in LANGS)
        if have < minimum:
            problems.add("queries.jsonl", f"{have} {shape} queries, at least {minimum} expected")
    if len(queries) < MIN_TOTAL:
        problems.add("queries.jsonl", f"{len(queries)} queries, at least {MIN_TOTAL} expected")
    if per_lang[1] < MIN_TURKISH:
        problems.add("queries.jsonl", f"{per_lang[1]} Turkish queries, at least {MIN_TURKISH} expected")

    for p in problems.items:
        print(f"error: {p}", file=sys.stderr)
    if problems.items:
        print(f"validate.py: {len(problems.items)} problem(s)", file=sys.stderr)
        return 1
    print("validate.py: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
