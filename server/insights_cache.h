// Answers /api/insights from memory. Computing insights scans the usage log (2.3 s over 308k searches), so
// each period (days) is kept as one computed Insights, recomputed by a background thread when the log has
// new events, the day has turned or the index may have changed (every few minutes). A request then costs a
// copy and a render (bench/perf: kb-perf-bench --usage-searches=300000). The warm periods are computed at
// start; after that the background thread refreshes only the periods asked for in the last 10 minutes, so a
// server that answers searches and no /api/insights does not rescan its log after every batch of searches.
//
// Freshness: a small log recomputes on the request itself (when the last computation took under
// kSyncRecomputeMs), so a page sees the search it just made; a large one answers at once from the previous
// computation with `stale` set, and the page asks again shortly.
//
// Thread-safety: every method may be called from any thread. `compute` runs on the calling thread or on the
// cache's own thread, never on two threads for the same period at once.
#ifndef KB_SERVER_INSIGHTS_CACHE_H_
#define KB_SERVER_INSIGHTS_CACHE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "kb/insights.h"

namespace kb::server {

class InsightsCache {
 public:
  // Insights for the last `days` days with kCachedLimit rows per list.
  using ComputeFn = std::function<Result<Insights>(int days)>;
  // A number that changes whenever the usage log does (events recorded).
  using VersionFn = std::function<std::uint64_t()>;

  // Rows per list kept in the cache; requests for more are computed directly.
  static constexpr int kCachedLimit = 100;
  // A period whose last computation took less than this is recomputed on the request when stale.
  static constexpr int kSyncRecomputeMs = 500;
  // The periods the page offers, computed at start.
  static constexpr int kWarmDays[] = {1, 7, 30, 90};

  InsightsCache(ComputeFn compute, VersionFn version);
  ~InsightsCache();  // stops the refresher
  InsightsCache(const InsightsCache&) = delete;
  InsightsCache& operator=(const InsightsCache&) = delete;

  struct Snapshot {
    std::shared_ptr<const Insights> insights;
    std::int64_t computed_ms = 0;  // Unix ms of the computation
    bool stale = false;            // the log has changed since; a refresh is under way
  };
  // REQUIRES: 1 <= days <= 3650.
  Result<Snapshot> Get(int days);

 private:
  struct Entry {
    std::shared_ptr<const Insights> insights;
    std::uint64_t version = 0;
    std::int64_t computed_ms = 0;
    std::int64_t took_ms = 0;
    std::int64_t used_ms = 0;
    bool busy = false;  // being recomputed
  };
  // REQUIRES: mu_ held.
  bool Outdated(const Entry& e, std::int64_t now_ms) const;      // the log or the day has moved on
  bool NeedsRefresh(const Entry& e, std::int64_t now_ms) const;  // outdated, and not just computed
  Status Refresh(int days);
  void RefreshLoop();

  const ComputeFn compute_;
  const VersionFn version_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::map<int, Entry> entries_;
  std::thread refresher_;
};

}  // namespace kb::server

#endif  // KB_SERVER_INSIGHTS_CACHE_H_
