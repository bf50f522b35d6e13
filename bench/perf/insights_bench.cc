// /api/insights over a large usage log (kb-perf-bench --usage-searches=N): the full computation the route
// did on every request before, and the cached answer it gives now (InsightsCache::Get, the reviewed marks,
// trimming and the JSON render). Goal (issue 16): the cached answer within 50 ms at 300k logged searches.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "insights_cache.h"
#include "kb/insights.h"
#include "kb/usage_log.h"
#include "perf.h"

namespace kb::perf {
namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

// 30 days of searches: a few thousand distinct queries with a long tail (Zipf-like), a tenth finding
// nothing, about a third followed by an open.
Status FillLog(UsageLog& log, int searches) {
  std::mt19937 rng(16);
  const char* words[] = {"refund", "failed",  "webhook",  "retry",   "card",    "declined",   "invoice",
                         "payout", "login",   "password", "reset",   "dispute", "chargeback", "api",
                         "key",    "timeout", "currency", "fee",     "export",  "report",     "sso",
                         "2fa",    "limit",   "blocked",  "pending", "status",  "tax",        "iban"};
  std::uniform_int_distribution<int> word(0, sizeof(words) / sizeof(words[0]) - 1);
  std::uniform_real_distribution<double> unit(0, 1);
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  for (int i = 0; i < searches; ++i) {
    const int rank = static_cast<int>(std::pow(5000.0, unit(rng)));  // 1..5000, low ranks common
    std::mt19937 q(rank);
    std::uniform_int_distribution<int> w(0, sizeof(words) / sizeof(words[0]) - 1);
    SearchEvent e;
    e.query = std::string(words[w(q)]) + " " + words[w(q)];
    if (rank > 200) e.query.append(" ").append(std::to_string(rank));  // not " " + string: GCC 12's -Wrestrict
    e.result_count = rank % 10 == 0 ? 0 : 1 + rank % 40;
    if (e.result_count) e.top_ids = {"item/" + std::to_string(rank % 700), "item/" + std::to_string(rank % 311)};
    e.latency_ms = 3;
    e.time_ms = now - static_cast<std::int64_t>(unit(rng) * 30 * kDayMs);
    const std::string query = e.query;
    const std::int64_t time = e.time_ms;
    const bool opened = e.result_count && unit(rng) < 0.35;
    log.RecordSearch(std::move(e));
    if (opened) {
      log.RecordFeedback({.type = FeedbackType::kOpen,
                          .query = query,
                          .item_id = "item/" + std::to_string(rank % 700),
                          .position = 1,
                          .comment = {},
                          .user = {},
                          .time_ms = time + 5000});
    }
    if (i % 5000 == 4999) {
      Status s = log.Flush(60000);
      if (!s.ok()) return s;
    }
  }
  return log.Flush(60000);
}

struct Fixture {
  std::unique_ptr<UsageLog> log;
  std::unique_ptr<server::InsightsCache> cache;
};

}  // namespace

bool RegisterInsightsBenchmarks(const Config& config) {
  const std::string path = config.scratch + "/kb-insights-bench-" + std::to_string(config.usage_searches) + ".sqlite";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  auto f = std::make_shared<Fixture>();
  UsageLogOptions options;
  options.retention_days = 3650;
  options.max_events = 10'000'000;
  options.max_queue = 100'000;
  options.redact = false;  // generated text: nothing to mask, and the writer keeps up
  Result<std::unique_ptr<UsageLog>> log = UsageLog::Open(path, options);
  if (!log.ok()) {
    std::fprintf(stderr, "kb-perf-bench: %s\n", log.status().ToString().c_str());
    return false;
  }
  f->log = std::move(*log);
  std::fprintf(stderr, "kb-perf-bench: writing %d searches to %s\n", config.usage_searches, path.c_str());
  if (Status s = FillLog(*f->log, config.usage_searches); !s.ok()) {
    std::fprintf(stderr, "kb-perf-bench: %s\n", s.ToString().c_str());
    return false;
  }
  UsageLog* raw = f->log.get();
  f->cache = std::make_unique<server::InsightsCache>(
      [raw](int days) {
        return ComputeInsights(*raw, nullptr, {.days = days, .limit = server::InsightsCache::kCachedLimit});
      },
      [raw] { return raw->Counters().recorded; });
  const std::string scale = std::to_string(config.usage_searches / 1000) + "k";

  benchmark::RegisterBenchmark(("insights/compute/" + scale).c_str(),
                               [f](benchmark::State& state) {
                                 for (auto _ : state) {
                                   Result<Insights> in = ComputeInsights(*f->log, nullptr, {.days = 7, .limit = 20});
                                   if (!in.ok()) state.SkipWithError(in.status().ToString().c_str());
                                   benchmark::DoNotOptimize(in);
                                 }
                               })
      ->Unit(benchmark::kMillisecond)
      ->Iterations(3);

  // What GET /api/insights?days=7&limit=20 does with the cache warm.
  benchmark::RegisterBenchmark(
      ("insights/cached/" + scale).c_str(),
      [f](benchmark::State& state) {
        for (auto _ : state) {
          Result<server::InsightsCache::Snapshot> snap = f->cache->Get(7);
          if (!snap.ok()) {
            state.SkipWithError(snap.status().ToString().c_str());
            break;
          }
          Insights in = *snap->insights;
          Result<std::unordered_map<std::string, std::string>> reviewed = f->log->Reviewed();
          if (reviewed.ok()) ApplyReviewed(*reviewed, &in);
          for (auto* list : {&in.top_queries, &in.no_result_queries, &in.no_click_queries, &in.gap_reports}) {
            if (list->size() > 20) list->resize(20);
          }
          std::string body = InsightsToJson(in);
          benchmark::DoNotOptimize(body);
        }
      })
      ->Unit(benchmark::kMillisecond)
      ->MinTime(2.0);
  return true;
}

}  // namespace kb::perf
