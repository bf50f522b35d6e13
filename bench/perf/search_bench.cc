// Search benchmarks: every query shape through libkb (snippets and facets off / snippets on / both on, snippets
// with explain, and the suggest call) and through plain Xapian on the same database (the floor, plain_xapian.h).
//
// Each row runs the shape's queries in passes (--samples queries in all, fewer if the row would take longer than
// --row-seconds) after one untimed warm-up pass; each query is timed on its own, on the wall clock and on the
// thread's CPU clock, so the rows carry per-query percentiles (p50_ms, p99_ms, cpu_p50_ms, ...); Google
// Benchmark's time is the mean time of one pass.
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

// Runs `passes` passes over the shape's queries (fewer if they would take more than `budget_s`), timing each
// query. Google Benchmark sees one iteration whose manual time is the mean time of a pass.
void RunShape(benchmark::State& state, const std::vector<Query>& queries, const Runner& run, std::size_t passes,
              double budget_s) {
  std::size_t total = 0;
  const auto warm_start = std::chrono::steady_clock::now();
  try {
    for (const Query& q : queries) total += run(q);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const double warm_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - warm_start).count();
  if (warm_s * static_cast<double>(passes) > budget_s) {
    passes = std::max<std::size_t>(2, static_cast<std::size_t>(budget_s / std::max(warm_s, 1e-9)));
  }
  std::vector<double> ms, cpu_ms;
  ms.reserve(passes * queries.size());
  cpu_ms.reserve(ms.capacity());
  total = 0;
  for (auto _ : state) {
    const auto loop_start = std::chrono::steady_clock::now();
    for (std::size_t pass = 0; pass < passes; ++pass) {
      for (const Query& q : queries) {
        const double cpu_start = ThreadCpuMs();
        const auto start = std::chrono::steady_clock::now();
        total += run(q);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        cpu_ms.push_back(ThreadCpuMs() - cpu_start);
      }
    }
    const double loop_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
    state.SetIterationTime(loop_s / static_cast<double>(passes));
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  double sum = 0, cpu_sum = 0;
  for (double x : ms) sum += x;
  for (double x : cpu_ms) cpu_sum += x;
  const double n = static_cast<double>(std::max<std::size_t>(1, ms.size()));
  state.counters["p50_ms"] = Percentile(ms, 0.50);
  state.counters["p90_ms"] = Percentile(ms, 0.90);
  state.counters["p99_ms"] = Percentile(ms, 0.99);
  state.counters["max_ms"] = ms.empty() ? 0 : ms.back();
  state.counters["mean_ms"] = sum / n;
  // The same on the thread's CPU clock: what the query cost, whatever else the machine was running.
  state.counters["cpu_p50_ms"] = Percentile(cpu_ms, 0.50);
  state.counters["cpu_p99_ms"] = Percentile(cpu_ms, 0.99);
  state.counters["cpu_mean_ms"] = cpu_sum / n;
  state.counters["samples"] = static_cast<double>(ms.size());
  state.counters["queries"] = static_cast<double>(queries.size());
  state.counters["matches"] = static_cast<double>(total) / n;
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

Runner KbRunner(bool snippets, bool facets, bool explain = false) {
  return [snippets, facets, explain](const Query& q) -> std::size_t {
    SearchRequest req;
    req.query = q.text;
    req.partial = q.partial;
    req.snippets = snippets;
    req.explain = explain;
    if (facets) req.facets.assign(std::begin(kFacetFields), std::end(kFacetFields));  // kb-server's default
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
      // What SearchRequest::explain costs when on; kb:snippets is the same search with it off.
      {"kb:snippets+explain", KbRunner(true, false, true)},
      {"kb:snippets+facets", KbRunner(true, true)},
      {"xapian:data", PlainRunner(false)},
      {"xapian:snippets", PlainRunner(true)},
  };
  for (const std::string& shape : ShapeOrder()) {
    auto found = s.shapes.find(shape);
    if (found == s.shapes.end()) continue;
    const std::vector<Query>* queries = &found->second;
    const std::size_t passes = (static_cast<std::size_t>(config.samples) + queries->size() - 1) / queries->size();
    const double budget_s = config.row_seconds;
    auto add = [&](const std::string& variant, const Runner& run) {
      std::string name = "search/" + config.scale + "/" + shape + "/" + variant;
      benchmark::RegisterBenchmark(
          name.c_str(),
          [queries, run, passes, budget_s](benchmark::State& st) { RunShape(st, *queries, run, passes, budget_s); })
          ->Iterations(1)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    };
    for (const auto& [variant, run] : variants) add(variant, run);
    if (shape == "prefix") add("kb:suggest", SuggestRunner());
  }
  return true;
}

}  // namespace kb::perf
