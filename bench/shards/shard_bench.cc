// kb-shard-bench: times kb::Searcher::Search over a set of databases (local paths and remote:HOST:PORT) with
// the query shapes of bench/perf/queries.tsv, and prints one line: label, items, mean, p50, p95, p99 (ms) of the
// timed rounds, and the p50 of the first round.
//
//   kb-shard-bench --label "2 remote" --db remote:127.0.0.1:7001 --db remote:127.0.0.1:7002 [--rounds 3]
//
// Each query runs once to warm the caches, then `rounds` times; the request is kb-server's default search
// (10 results, snippets, tag/owner/kind/tier/product/lang facets). The first round is reported apart: it is
// the one that reads each shown document of a remote shard, and fetches the rerank values of each window, for
// the first time (the Searcher keeps both after).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../perf/query_set.h"
#include "kb/kb.h"

int main(int argc, char** argv) {
  std::vector<std::string> dbs;
  std::string label = "run";
  int rounds = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "kb-shard-bench: %s needs a value\n", arg.c_str());
      return 2;
    }
    if (arg == "--db") dbs.push_back(argv[++i]);
    else if (arg == "--label") label = argv[++i];
    else if (arg == "--rounds") rounds = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "kb-shard-bench: unknown option %s\n", arg.c_str());
      return 2;
    }
  }
  if (dbs.empty()) {
    std::fprintf(stderr, "usage: kb-shard-bench --db LOCATION [--db LOCATION...] [--label L] [--rounds N]\n");
    return 2;
  }
  auto searcher = kb::Searcher::Open(dbs);
  if (!searcher.ok()) {
    std::fprintf(stderr, "kb-shard-bench: %s\n", searcher.status().ToString().c_str());
    return 1;
  }
  std::vector<kb::perf::Query> queries;
  for (const auto& [shape, list] : kb::perf::LoadQueries(KB_PERF_QUERIES))
    queries.insert(queries.end(), list.begin(), list.end());
  if (queries.empty()) return 1;
  std::vector<double> ms, first;
  for (int round = 0; round <= rounds; ++round) {
    for (const kb::perf::Query& q : queries) {
      kb::SearchRequest req;
      req.query = q.text;
      req.partial = q.partial;
      req.facets.assign(std::begin(kb::kFacetFields), std::end(kb::kFacetFields));
      const auto t0 = std::chrono::steady_clock::now();
      auto res = (*searcher)->Search(req);
      const double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!res.ok()) {
        std::fprintf(stderr, "kb-shard-bench: '%s': %s\n", q.text.c_str(), res.status().ToString().c_str());
        return 1;
      }
      (round > 0 ? ms : first).push_back(took);  // round 0 warms the caches
    }
  }
  std::sort(ms.begin(), ms.end());
  std::sort(first.begin(), first.end());
  double sum = 0;
  for (double v : ms) sum += v;
  auto pct = [](const std::vector<double>& v, double p) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
  };
  std::printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f | %.2f |\n", label.c_str(), (*searcher)->DocCount(),
              sum / ms.size(), pct(ms, 0.5), pct(ms, 0.95), pct(ms, 0.99), pct(first, 0.5));
  return 0;
}
