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
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>

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

// CPU time so far of this thread (CLOCK_THREAD_CPUTIME_ID) or of the whole process (CLOCK_PROCESS_CPUTIME_ID).
double CpuMs(clockid_t clock = CLOCK_THREAD_CPUTIME_ID) {
  timespec t{};
  clock_gettime(clock, &t);
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
        const double cpu_start = CpuMs();
        const auto start = std::chrono::steady_clock::now();
        total += run(q);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        cpu_ms.push_back(CpuMs() - cpu_start);
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

std::size_t KbSearch(Searcher& searcher, const Query& q, bool snippets, bool facets, bool explain) {
  SearchRequest req;
  req.query = q.text;
  req.partial = q.partial;
  req.snippets = snippets;
  req.explain = explain;
  if (facets) req.facets.assign(std::begin(kFacetFields), std::end(kFacetFields));  // kb-server's default
  Result<SearchResponse> res = searcher.Search(req);
  if (!res.ok()) throw std::runtime_error(res.status().message());
  benchmark::DoNotOptimize(res->hits.data());
  return static_cast<std::size_t>(res->total);
}

Runner KbRunner(bool snippets, bool facets, bool explain = false) {
  return [snippets, facets, explain](const Query& q) -> std::size_t {
    return KbSearch(*Resources().searcher, q, snippets, facets, explain);
  };
}

// The load test's mix (every query of every shape, snippets and facets on, as kb-server answers /api/search)
// on `threads` threads at once, each with its own Searcher as each kb-server worker has: the in-process side
// of the HTTP-layer ratio on the same number of concurrent searches as the load test's connections. Threads
// take the next query from one counter, each starting at a different place in the mix (as wrk's connections
// do), for `seconds` of wall time after one untimed pass each. Reports the process's CPU per query (every
// thread's, so contention for the cores' caches is charged as it is in the server) and queries per second.
void RunMixThreads(benchmark::State& state, const std::string& db, const std::vector<Query>& mix, int threads,
                   double seconds) {
  std::vector<std::unique_ptr<Searcher>> searchers;
  for (int i = 0; i < threads; ++i) {
    Result<std::unique_ptr<Searcher>> opened = Searcher::Open({db});
    if (!opened.ok()) {
      state.SkipWithError(opened.status().message().c_str());
      return;
    }
    searchers.push_back(std::move(opened).value());
  }
  std::atomic<bool> stop{false}, failed{false};
  std::atomic<std::size_t> done{0};
  std::atomic<int> warm{0};
  auto work = [&](int t) {
    try {
      for (const Query& q : mix) KbSearch(*searchers[t], q, true, true, false);
      warm.fetch_add(1);
      while (warm.load() < threads) std::this_thread::yield();
      for (std::size_t i = static_cast<std::size_t>(t) * 7; !stop.load(std::memory_order_relaxed); ++i) {
        KbSearch(*searchers[t], mix[i % mix.size()], true, true, false);
        done.fetch_add(1, std::memory_order_relaxed);
      }
    } catch (const std::exception&) {
      failed = true;
      warm.fetch_add(threads);  // release the others
    }
  };
  for (auto _ : state) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
    while (warm.load() < threads) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const double cpu_start = CpuMs(CLOCK_PROCESS_CPUTIME_ID);
    const auto start = std::chrono::steady_clock::now();
    const std::size_t done_start = done.load();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const std::size_t n = done.load() - done_start;
    const double cpu_ms = CpuMs(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stop = true;
    for (std::thread& th : pool) th.join();
    if (failed) {
      state.SkipWithError("a search of the mix failed");
      return;
    }
    state.SetIterationTime(wall_s);
    state.counters["threads"] = threads;
    state.counters["queries"] = static_cast<double>(n);
    state.counters["qps"] = static_cast<double>(n) / wall_s;
    state.counters["cpu_ms_per_query"] = n ? cpu_ms / static_cast<double>(n) : 0;
  }
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
  auto mix = std::make_shared<std::vector<Query>>();
  for (const std::string& shape : ShapeOrder()) {
    auto found = s.shapes.find(shape);
    if (found != s.shapes.end()) mix->insert(mix->end(), found->second.begin(), found->second.end());
  }
  // As many concurrent searches as bench/load/load_test.sh's connections (8), and one for comparison.
  for (int threads : {1, 8}) {
    std::string name =
        "mix/" + config.scale + "/kb:" + std::to_string(threads) + (threads == 1 ? "-thread" : "-threads");
    const std::string db = config.db;
    const double seconds = std::min(10.0, config.row_seconds);
    benchmark::RegisterBenchmark(
        name.c_str(),
        [db, mix, threads, seconds](benchmark::State& st) { RunMixThreads(st, db, *mix, threads, seconds); })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}

}  // namespace kb::perf
