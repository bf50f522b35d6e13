#!/usr/bin/env python3
"""Builds a kb test corpus of N Markdown items from the real documentation trees in ../shared/data/corpora.

Deterministic (same inputs and arguments, same bytes). The real trees have no kb metadata, so every item
gets front matter derived from its own fields and text:
  owner       ms.author / author, else "<first directory>-team"
  tags        the first directory, ms.topic
  product     the first directory
  tier, kind  L1/L2 alternating by a hash of the path; every 20th item is a scripted answer
  verified    ms.date as YYYY-MM-DD, with verify_every 1y (so older items are stale, as in a real KB)
  error_codes up to 3 identifiers found in the text (0x0000007E, STATUS_*, ERROR_*, E_*, *_ERROR)
N <= number of real files: N real files, evenly spaced over both corpora (or the --only one), sorted by path.
N > number of real files: every real file, then N - F "remixed" items gen/NNN/NNNNNN.md, each the front
matter and lead of one real file (title extended by a second file's title) with its sections interleaved
with those of a second real file; so the vocabulary and section structure stay real while no two items
are identical (duplicates would distort term statistics and result lists).

Usage: make_corpus.py --count N --out DIR [--corpora DIR] [--seed S] [--only CORPUS] [--replace]
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys

VERSION = 2
CORPORA = ["officedocs-support", "windows-driver-docs"]
CODE_RE = re.compile(
    r"\b(0x[0-9A-Fa-f]{8}|STATUS_[A-Z0-9_]{3,}|ERROR_[A-Z0-9_]{3,}|E_[A-Z][A-Z0-9_]{2,}|[A-Z][A-Z0-9]+_ERROR)\b")


def list_files(corpora_dir, only):
    files = []
    for corpus in [only] if only else CORPORA:
        root = os.path.join(corpora_dir, corpus)
        if not os.path.isdir(root):
            sys.exit(f"make_corpus.py: missing corpus {root}")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".md") and not name.startswith("."):
                    rel = os.path.relpath(os.path.join(dirpath, name), root)
                    files.append((corpus, rel))
    files.sort()
    return files


def split_front_matter(text):
    """Returns (front matter lines without the --- fences, body)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        return [], text
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return lines[1:i], "\n".join(lines[i + 1:])
    return [], text


def fm_value(fm, key):
    for line in fm:
        if line.startswith(key + ":"):
            return line[len(key) + 1:].strip().strip("'\"")
    return ""


def iso_date(ms_date):
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", ms_date)
    return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}" if m else ""


def sections(body):
    """Splits a body into its lead and its `## ` sections."""
    parts = re.split(r"(?m)^(?=## )", body)
    return parts[0], parts[1:]


def kb_fields(corpus, rel, fm, body, index, extra=None):
    dirs = rel.split("/")[:-1]
    if dirs and dirs[0].endswith("-pr"):  # windows-driver-docs keeps everything under one "-pr" directory
        dirs = dirs[1:]
    first_dir = dirs[0] if dirs else corpus
    key = hashlib.sha1(rel.encode()).digest()
    owner = fm_value(fm, "ms.author") or fm_value(fm, "author") or first_dir.lower() + "-team"
    topic = fm_value(fm, "ms.topic")
    tags = [t for t in dict.fromkeys([first_dir.lower(), topic.lower()]) if t]
    codes = list(dict.fromkeys(CODE_RE.findall(body)))[:3]
    out = dict(extra or {})
    out.update({
        "owner": owner,
        "tags": tags,
        "product": first_dir,
        "tier": "L1" if key[0] % 2 == 0 else "L2",
        "kind": "answer" if index % 20 == 0 else "article",
    })
    verified = iso_date(fm_value(fm, "ms.date"))
    if verified:
        out["verified"] = verified
        out["verify_every"] = "1y"
    if codes:
        out["error_codes"] = codes
    return out


def render(fields, fm, body, drop=()):
    lines = ["---"]
    for k, v in fields.items():
        lines.append(f"{k}: {json.dumps(v)}")
    # Keep the original fields (kb ignores the ones it does not know), minus those replaced above.
    skip = False
    for line in fm:
        m = re.match(r"^([A-Za-z_.\-]+):", line)
        if m:
            skip = m.group(1) in fields or m.group(1) in drop
        if not skip:
            lines.append(line)
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def write(out_dir, rel, text):
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpora", default=os.path.join(here, "..", "..", "..", "shared", "data", "corpora"))
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--only", choices=CORPORA, help="take the files of this corpus only")
    ap.add_argument("--replace", action="store_true", help="replace an older corpus made by this script in --out")
    args = ap.parse_args()

    stamp = f"make_corpus v{VERSION} count={args.count} seed={args.seed} only={args.only or 'all'}\n"
    stamp_path = os.path.join(args.out, ".kb-corpus-stamp")
    if os.path.exists(stamp_path) and open(stamp_path).read() == stamp:
        print(f"{args.out}: up to date ({stamp.strip()})")
        return
    if os.path.exists(args.out) and os.listdir(args.out):
        if not (args.replace and os.path.exists(stamp_path)):
            sys.exit(f"make_corpus.py: {args.out} exists and is not this corpus; remove it first")
        shutil.rmtree(args.out)  # an older corpus made by this script (it has a stamp)

    files = list_files(args.corpora, args.only)
    texts = {}

    def load(i):
        if i not in texts:
            corpus, rel = files[i]
            with open(os.path.join(args.corpora, corpus, rel), encoding="utf-8", errors="replace") as f:
                texts[i] = split_front_matter(f.read())
        return texts[i]

    n_real = len(files)
    picks = range(n_real) if args.count >= n_real else [k * n_real // args.count for k in range(args.count)]
    for n, i in enumerate(picks):
        corpus, rel = files[i]
        fm, body = load(i)
        write(args.out, f"{corpus}/{rel}", render(kb_fields(corpus, rel, fm, body, n), fm, body))
        texts.pop(i, None)

    rng = random.Random(args.seed)
    for j in range(max(0, args.count - n_real)):
        b, d = rng.randrange(n_real), rng.randrange(n_real)
        corpus, rel = files[b]
        fm, body = load(b)
        dfm, dbody = load(d)
        lead, secs = sections(body)
        _, dsecs = sections(dbody)
        mixed = [(secs if k % 2 == 0 else dsecs)[k] for k in range(max(len(secs), len(dsecs)))
                 if k < len(secs if k % 2 == 0 else dsecs)]
        new_body = lead + "".join(mixed)
        title = fm_value(fm, "title") or rel
        donor_title = " ".join((fm_value(dfm, "title") or files[d][1]).split()[:4])
        extra = {"id": f"gen/{j:06d}", "title": f"{title} with {donor_title}"}
        write(args.out, f"gen/{j // 1000:03d}/{j:06d}.md",
              render(kb_fields(corpus, rel, fm, new_body, n_real + j, extra), fm, new_body))
        if len(texts) > 4096:
            texts.clear()

    with open(stamp_path, "w") as f:
        f.write(stamp)
    print(f"{args.out}: {args.count} items ({min(args.count, n_real)} real, {max(0, args.count - n_real)} remixed)")


if __name__ == "__main__":
    main()
