#include "runner.h"

#include <algorithm>
#include <chrono>

namespace kb::eval {
namespace {

// Median over passes of one latency statistic.
double MedianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

RunResult RunSet(RankingSystem& system, const LabeledSet& set, const RunOptions& options) {
  RunResult out;
  out.queries = static_cast<int>(set.queries.size());
  std::vector<std::vector<Hit>> rankings(set.queries.size());
  // Pass 0 warms the caches and gives the rankings (quality does not vary between passes).
  std::vector<Latency> all_passes, long_passes;
  for (int pass = 0; pass <= std::max(1, options.timed_runs); ++pass) {
    std::vector<double> all_ms, long_ms;
    for (std::size_t i = 0; i < set.queries.size(); ++i) {
      const Query& q = set.queries[i];
      const auto start = std::chrono::steady_clock::now();
      Result<std::vector<Hit>> ranked = system.Rank(q, options.depth);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      all_ms.push_back(ms);
      if (q.words >= options.long_words) long_ms.push_back(ms);
      if (pass == 0) {
        if (ranked.ok()) rankings[i] = std::move(*ranked);
        else if (++out.errors == 1) out.first_error = q.id + ": " + ranked.status().ToString();
      }
    }
    if (pass > 0) {
      all_passes.push_back(Summarize(all_ms));
      long_passes.push_back(Summarize(long_ms));
    }
  }
  auto median = [](const std::vector<Latency>& passes) {
    std::vector<double> p50, p99, mean;
    for (const Latency& l : passes) {
      p50.push_back(l.p50_ms);
      p99.push_back(l.p99_ms);
      mean.push_back(l.mean_ms);
    }
    return Latency{MedianOf(p50), MedianOf(p99), MedianOf(mean)};
  };
  out.latency = median(all_passes);
  out.long_latency = median(long_passes);

  std::vector<Scores> long_scores;
  for (std::size_t i = 0; i < set.queries.size(); ++i) {
    const Query& q = set.queries[i];
    std::vector<std::string> ids;
    ids.reserve(rankings[i].size());
    for (const Hit& h : rankings[i]) ids.push_back(h.id);
    Scores s = ScoreRanking(ids, set.qrels.at(q.id));
    out.per_query.push_back(s);
    rankings[i].resize(std::min(rankings[i].size(), static_cast<std::size_t>(std::max(0, options.keep_top))));
    out.top.push_back(std::move(rankings[i]));
    if (q.words >= options.long_words) long_scores.push_back(s);
  }
  out.all = Mean(out.per_query);
  out.long_queries = Mean(long_scores);
  out.long_count = static_cast<int>(long_scores.size());
  return out;
}

}  // namespace kb::eval
