// Search benchmarks: every query shape through libkb (snippets and facets off / snippets on / both on, and
// the suggest call) and through plain Xapian on the same database (the floor, plain_xapian.h).
//
// One benchmark iteration runs every query of the shape once; each query is timed on its own, so the rows
// carry per-query latency percentiles (p50_ms, p90_ms, p99_ms, max_ms) besides Google Benchmark's time per
// pass. One untimed pass warms the caches first.
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

#include "kb/searcher.h"
#include "perf.h"
#include "plain_xapian.h"
#include "query_set.h"

namespace kb::perf {
namespace {

using Runner = std::function<std::size_t(const Query&)>;  // returns the number of matches (estimated)

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  std::size_t i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size()))) - 1;
  return sorted[std::min(i, sorted.size() - 1)];
}

double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

void RunShape(benchmark::State& state, const std::vector<Query>& queries, const Runner& run) {
  std::size_t total = 0;
  try {
    for (const Query& q : queries) total += run(q);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  std::vector<double> ms, cpu_ms;
  ms.reserve(static_cast<std::size_t>(state.max_iterations) * queries.size());
  cpu_ms.reserve(ms.capacity());
  total = 0;
  for (auto _ : state) {
    for (const Query& q : queries) {
      const double cpu_start = ThreadCpuMs();
      const auto start = std::chrono::steady_clock::now();
      total += run(q);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      cpu_ms.push_back(ThreadCpuMs() - cpu_start);
    }
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  double sum = 0;
  for (double x : ms) sum += x;
  state.counters["p50_ms"] = Percentile(ms, 0.50);
  state.counters["p90_ms"] = Percentile(ms, 0.90);
  state.counters["p99_ms"] = Percentile(ms, 0.99);
  state.counters["max_ms"] = ms.empty() ? 0 : ms.back();
  state.counters["mean_ms"] = ms.empty() ? 0 : sum / static_cast<double>(ms.size());
  // The same on the thread's CPU clock: what the query cost, whatever else the machine was running.
  state.counters["cpu_p50_ms"] = Percentile(cpu_ms, 0.50);
  state.counters["cpu_p99_ms"] = Percentile(cpu_ms, 0.99);
  state.counters["matches"] = ms.empty() ? 0 : static_cast<double>(total) / static_cast<double>(ms.size());
  state.SetItemsProcessed(static_cast<int64_t>(ms.size()));
}

struct Shared {
  std::unique_ptr<Searcher> searcher;
  std::unique_ptr<PlainXapian> plain;
  std::map<std::string, std::vector<Query>> shapes;
};

Shared& Resources() {
  static Shared shared;
  return shared;
}

Runner KbRunner(bool snippets, bool facets) {
  return [snippets, facets](const Query& q) -> std::size_t {
    SearchRequest req;
    req.query = q.text;
    req.partial = q.partial;
    req.snippets = snippets;
    if (facets) req.facets = {"tag", "owner", "kind", "tier", "product", "lang"};  // kb-server's default
    Result<SearchResponse> res = Resources().searcher->Search(req);
    if (!res.ok()) throw std::runtime_error(res.status().message());
    benchmark::DoNotOptimize(res->hits.data());
    return static_cast<std::size_t>(res->total);
  };
}

Runner SuggestRunner() {
  return [](const Query& q) -> std::size_t {
    Result<SuggestResponse> res = Resources().searcher->Suggest(q.text);  // kb-server's defaults: 8 and 5
    if (!res.ok()) throw std::runtime_error(res.status().message());
    benchmark::DoNotOptimize(res->hits.data());
    return res->completions.size();
  };
}

Runner PlainRunner(bool snippets) {
  return [snippets](const Query& q) { return Resources().plain->Search(q.text, q.partial, snippets); };
}

}  // namespace

bool RegisterSearchBenchmarks(const Config& config) {
  Shared& s = Resources();
  Result<std::unique_ptr<Searcher>> searcher = Searcher::Open({config.db});
  if (!searcher.ok()) {
    std::fprintf(stderr, "kb-perf-bench: %s\n", searcher.status().message().c_str());
    return false;
  }
  s.searcher = std::move(searcher).value();
  try {
    s.plain = std::make_unique<PlainXapian>(config.db);
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "kb-perf-bench: %s\n", e.get_description().c_str());
    return false;
  }
  s.shapes = LoadQueries(config.queries);
  if (s.shapes.empty()) return false;
  benchmark::AddCustomContext("kb_db", config.db);
  benchmark::AddCustomContext("kb_items", std::to_string(s.searcher->DocCount()));

  const std::vector<std::pair<std::string, Runner>> variants = {
      {"kb:none", KbRunner(false, false)},
      {"kb:snippets", KbRunner(true, false)},
      {"kb:snippets+facets", KbRunner(true, true)},
      {"xapian:data", PlainRunner(false)},
      {"xapian:snippets", PlainRunner(true)},
  };
  for (const std::string& shape : ShapeOrder()) {
    auto found = s.shapes.find(shape);
    if (found == s.shapes.end()) continue;
    const std::vector<Query>* queries = &found->second;
    const auto passes = static_cast<benchmark::IterationCount>(
        (static_cast<std::size_t>(config.samples) + queries->size() - 1) / queries->size());
    auto add = [&](const std::string& variant, const Runner& run) {
      std::string name = "search/" + config.scale + "/" + shape + "/" + variant;
      benchmark::RegisterBenchmark(name.c_str(), [queries, run](benchmark::State& st) { RunShape(st, *queries, run); })
          ->Iterations(passes)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    };
    for (const auto& [variant, run] : variants) add(variant, run);
    if (shape == "prefix") add("kb:suggest", SuggestRunner());
  }
  return true;
}

}  // namespace kb::perf
