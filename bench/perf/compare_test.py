#!/usr/bin/env python3
"""Tests of `bench/run_perf.sh --compare OLD.json --new NEW.json` (bench/perf/compare.py): two small results
files in a temporary directory, the printed rows and the exit code. Run by ctest as bench_perf_compare_test."""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUN_PERF = os.path.join(REPO, "bench", "run_perf.sh")
COMPARE = os.path.join(REPO, "bench", "perf", "compare.py")


def results(rows, commit="abc1234"):
    return {"format": "kb-perf-results/1", "machine": {"date": "2026-12-05T23:00Z", "commit": commit},
            "end": {}, "rows": rows}


OLD = results({
    "search/1k/prefix/kb:snippets+facets": {"p50_ms": 1.00, "p99_ms": 4.00, "cpu_p50_ms": 0.90, "samples": 300},
    "search/1k/phrase/kb:none": {"p50_ms": 0.20, "p99_ms": 1.00, "cpu_p50_ms": 0.20},
    "load/1k/search": {"rps": 1000.0, "server_cpu_ms_per_request": 1.00, "p99_ms": 40.0},
    "index/14k/kb-index build": {"wall_s": 50.0, "cpu_s": 30.0, "max_rss_mb": 300.0},
    "search/1k/pasted/kb:none": {"p50_ms": 3.0},
}, commit="old0001")
NEW = results({
    # p50 +25% (slower), p99 -50% (faster), CPU +8.9% (under the threshold); samples are not compared.
    "search/1k/prefix/kb:snippets+facets": {"p50_ms": 1.25, "p99_ms": 2.00, "cpu_p50_ms": 0.98, "samples": 100},
    "search/1k/phrase/kb:none": {"p50_ms": 0.21, "p99_ms": 1.05, "cpu_p50_ms": 0.19},
    # 20% fewer requests per second is slower; the server's CPU per request grew 5%.
    "load/1k/search": {"rps": 800.0, "server_cpu_ms_per_request": 1.05, "p99_ms": 40.0},
    # Peak memory doubled: not a speed, not compared.
    "index/14k/kb-index build": {"wall_s": 51.0, "cpu_s": 30.0, "max_rss_mb": 600.0},
    "search/1k/two_three_words/kb:none": {"p50_ms": 0.5},
}, commit="new0002")


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, doc):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        return path

    def run_perf(self, *args):
        return subprocess.run(["bash", RUN_PERF, *args], capture_output=True, text=True, timeout=60)

    def test_prints_the_rows_that_got_slower_and_exits_1(self):
        old, new = self.write("old.json", OLD), self.write("new.json", NEW)
        r = self.run_perf("--compare", old, "--new", new)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        rows = [line for line in r.stdout.splitlines() if line.startswith("| ") and not line.startswith("| row ")]
        self.assertEqual(rows, [
            "| load/1k/search | rps | 1000 | 800 | -20.0% | 1.25x | — |",
            "| search/1k/prefix/kb:snippets+facets | p50_ms | 1 | 1.25 | +25.0% | 1.25x | — |",
        ])
        self.assertIn("Slower by more than 10%: 2 of 11 metrics compared.", r.stdout)
        self.assertIn("commit new0002", r.stdout)
        self.assertIn("commit old0001", r.stdout)
        # A row on one side only is named on one line per side and not compared.
        self.assertIn(f"Not compared, only in {old} (1): search/1k/pasted/kb:none", r.stdout)
        self.assertIn(f"Not compared, only in {new} (1): search/1k/two_three_words/kb:none", r.stdout)

    def test_a_slowdown_plain_xapian_shared_is_the_machines(self):
        # The machine got 30% slower: plain Xapian's rows on the same queries too. kb's p50 followed it (the
        # machine's, exit 0); kb's p99 got 60% slower while the floor's got 30% slower (kb's own, exit 1).
        old = results({"search/1k/phrase/kb:snippets+facets": {"p50_ms": 1.0, "p99_ms": 2.0},
                       "search/1k/phrase/xapian:snippets": {"p50_ms": 2.0, "p99_ms": 4.0},
                       "search/1k/phrase/kb:none": {"p50_ms": 0.5},
                       "search/1k/phrase/xapian:data": {"p50_ms": 0.2}})
        new = results({"search/1k/phrase/kb:snippets+facets": {"p50_ms": 1.3, "p99_ms": 3.2},
                       "search/1k/phrase/xapian:snippets": {"p50_ms": 2.6, "p99_ms": 5.2},
                       "search/1k/phrase/kb:none": {"p50_ms": 0.65},
                       "search/1k/phrase/xapian:data": {"p50_ms": 0.26}})
        r = self.run_perf("--compare", self.write("old.json", old), "--new", self.write("new.json", new))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        real, machine = r.stdout.split("(the machine, not kb)")
        self.assertIn("| search/1k/phrase/kb:snippets+facets | p99_ms | 2 | 3.2 | +60.0% | 1.60x | 1.30x |", real)
        self.assertNotIn("p50_ms", real)
        self.assertIn("| search/1k/phrase/kb:snippets+facets | p50_ms | 1 | 1.3 | +30.0% | 1.30x | 1.30x |", machine)
        self.assertIn("| search/1k/phrase/kb:none | p50_ms | 0.5 | 0.65 | +30.0% | 1.30x | 1.30x |", machine)
        self.assertIn("| search/1k/phrase/xapian:snippets | p50_ms | 2 | 2.6 | +30.0% | 1.30x | itself |", machine)
        # Without kb's own p99 slowdown, only the machine's remain: exit 0.
        new["rows"]["search/1k/phrase/kb:snippets+facets"]["p99_ms"] = 2.6
        r = self.run_perf("--compare", self.write("old.json", old), "--new", self.write("new2.json", new))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("No row got slower by more than 10% beyond the machine", r.stdout)

    def test_no_regression_exits_0(self):
        old, same = self.write("old.json", OLD), self.write("same.json", OLD)
        r = self.run_perf("--compare", old, "--new", same)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("No row got slower by more than 10% (12 metrics compared).", r.stdout)
        self.assertNotIn("Not compared", r.stdout)
        # Faster is not a regression: the new run compared the other way round finds the p99 that halved.
        r = self.run_perf("--compare", self.write("new.json", NEW), "--new", old)
        self.assertEqual(r.returncode, 1)
        self.assertIn("| search/1k/prefix/kb:snippets+facets | p99_ms | 2 | 4 | +100.0% | 2.00x | — |", r.stdout)

    def test_threshold(self):
        old, new = self.write("old.json", OLD), self.write("new.json", NEW)
        r = self.run_perf("--compare", old, "--new", new, "--threshold", "30")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("No row got slower by more than 30%", r.stdout)
        r = self.run_perf("--compare", old, "--new", new, "--threshold", "4")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Slower by more than 4%: 6 of 11 metrics compared.", r.stdout)
        self.assertIn("| load/1k/search | server_cpu_ms_per_request | 1 | 1.05 | +5.0% | 1.05x |", r.stdout)
        r = self.run_perf("--compare", old, "--new", new, "--threshold", "ten")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--threshold", r.stderr)

    def test_bad_input_is_a_clear_error(self):
        old = self.write("old.json", OLD)
        cases = {
            "missing.json": "cannot read",
            self.write("broken.json", "{\"format\": "): "is not JSON",
            self.write("other.json", {"benchmarks": []}): "is not a run_perf.sh results file",
            self.write("rows.json", results({"x": 3})): "row 'x' is not an object",
        }
        for path, message in cases.items():
            path = os.path.join(self.tmp.name, path)
            r = self.run_perf("--compare", old, "--new", path)
            self.assertEqual(r.returncode, 2, path)
            self.assertIn(message, r.stderr)
            self.assertEqual(r.stdout, "")
            # Before a run: checked first, so nothing is built or measured.
            r = self.run_perf("--compare", path, "--dir", os.path.join(self.tmp.name, "perf"))
            self.assertEqual(r.returncode, 2, path)
            self.assertIn(message, r.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "perf")))
        r = self.run_perf("--new", old)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--new needs --compare", r.stderr)

    def test_export_flattens_a_results_directory(self):
        res = os.path.join(self.tmp.name, "results")
        os.mkdir(res)
        with open(os.path.join(res, "bench-1k.json"), "w") as f:
            json.dump({"benchmarks": [
                {"name": "search/1k/one_word/kb:none/iterations:1/manual_time", "run_type": "iteration", "p50_ms": 0.3, "cpu_p50_ms": 0.25,
                 "samples": 300, "real_time": 5.0},
                {"name": "parse/14k/iterations:1/real_time", "run_type": "iteration", "bytes_per_second": 4.5e7,
                 "items_per_second": 11000.0}]}, f)
        with open(os.path.join(res, "index.jsonl"), "w") as f:
            f.write('{"kind": "index", "scale": "14k", "name": "kb-index build", "items": 14386, "wall_s": 49.4, '
                    '"reused": true}\n')
        with open(os.path.join(res, "load.jsonl"), "w") as f:
            f.write('{"kind": "load", "scale": "1k", "name": "search", "rps": 1187.0, "p99_ms": 43.3}\n'
                    '{"kind": "memory", "scale": "1k", "rss_mb": 26.8}\n')
        with open(os.path.join(res, "machine.json"), "w") as f:
            f.write('{"kind": "machine", "commit": "53caf1e", "date": "2026-11-23T23:25Z"}\n')
        out = os.path.join(self.tmp.name, "perf.json")
        subprocess.run([sys.executable, COMPARE, "export", res, out], check=True, timeout=60)
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(doc["format"], "kb-perf-results/1")
        self.assertEqual(doc["machine"]["commit"], "53caf1e")
        self.assertEqual(doc["rows"], {
            "search/1k/one_word/kb:none": {"p50_ms": 0.3, "cpu_p50_ms": 0.25, "samples": 300},
            "parse/14k": {"bytes_per_second": 4.5e7, "items_per_second": 11000.0},
            "index/14k/kb-index build": {"items": 14386, "wall_s": 49.4},
            "load/1k/search": {"rps": 1187.0, "p99_ms": 43.3},
            "memory/1k": {"rss_mb": 26.8},
        })
        self.assertEqual(glob.glob(out + ".tmp"), [])
        # A file compared with itself: nothing slower.
        r = self.run_perf("--compare", out, "--new", out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
