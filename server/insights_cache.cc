#include "insights_cache.h"

#include <algorithm>
#include <vector>

namespace kb::server {
namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
// Even without new events: the index (stale and never-shown items) may have changed.
constexpr std::int64_t kMaxAgeMs = 5LL * 60 * 1000;
// A period nobody asked for in this long is dropped (the warm ones stay).
constexpr std::int64_t kForgetMs = 3600LL * 1000;
// The refresher keeps a period current only while someone has asked for it this recently. Under a steady
// search load the log changes on every tick, and recomputing the four warm periods nobody reads took a fifth
// of the server's CPU (bench/README.md, "HTTP layer").
constexpr std::int64_t kWatchMs = 10LL * 60 * 1000;
constexpr auto kTick = std::chrono::milliseconds(250);

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool Warm(int days) {
  return std::find(std::begin(InsightsCache::kWarmDays), std::end(InsightsCache::kWarmDays), days) !=
         std::end(InsightsCache::kWarmDays);
}

}  // namespace

InsightsCache::InsightsCache(ComputeFn compute, VersionFn version)
    : compute_(std::move(compute)), version_(std::move(version)) {
  for (int days : kWarmDays) entries_[days];
  refresher_ = std::thread([this] { RefreshLoop(); });
}

InsightsCache::~InsightsCache() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  refresher_.join();
}

bool InsightsCache::Outdated(const Entry& e, std::int64_t now_ms) const {
  if (!e.insights) return true;
  return e.version != version_() || now_ms / kDayMs != e.computed_ms / kDayMs || now_ms - e.computed_ms > kMaxAgeMs;
}

bool InsightsCache::NeedsRefresh(const Entry& e, std::int64_t now_ms) const {
  // A large log is not rescanned back to back: wait twice as long as the last scan took.
  if (e.insights && now_ms - e.computed_ms < 2 * e.took_ms) return false;
  return Outdated(e, now_ms);
}

// Computes one period outside the lock; a second caller for the same period waits for the first.
Status InsightsCache::Refresh(int days) {
  std::unique_lock<std::mutex> lock(mu_);
  Entry& e = entries_[days];
  if (e.busy) {
    cv_.wait(lock, [&] { return stop_ || !e.busy; });
    if (!Outdated(e, NowMs())) return Status::Ok();  // the other computation saw everything
  }
  e.busy = true;
  lock.unlock();
  const std::uint64_t version = version_();
  const std::int64_t started = NowMs();
  Result<Insights> computed = compute_(days);
  const std::int64_t finished = NowMs();
  lock.lock();
  e.busy = false;
  if (computed.ok()) {
    e.insights = std::make_shared<const Insights>(std::move(*computed));
    e.version = version;
    e.computed_ms = finished;
    e.took_ms = finished - started;
  }
  cv_.notify_all();
  return computed.status();
}

Result<InsightsCache::Snapshot> InsightsCache::Get(int days) {
  const std::int64_t now = NowMs();
  bool sync = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = entries_[days];
    e.used_ms = now;
    sync = !e.insights || (e.took_ms < kSyncRecomputeMs && Outdated(e, now));
  }
  if (sync) {
    Status s = Refresh(days);
    if (!s.ok()) return s;
  } else {
    cv_.notify_all();  // wakes the refresher, which checks whether this period is stale
  }
  std::lock_guard<std::mutex> lock(mu_);
  const Entry& e = entries_[days];
  if (!e.insights) return Status::Unavailable("insights are being computed; try again");
  return Snapshot{e.insights, e.computed_ms, Outdated(e, NowMs()) || e.busy};
}

void InsightsCache::RefreshLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    const std::int64_t now = NowMs();
    std::vector<int> due;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (!Warm(it->first) && !it->second.busy && now - it->second.used_ms > kForgetMs) {
        it = entries_.erase(it);
        continue;
      }
      const bool watched = !it->second.insights || now - it->second.used_ms < kWatchMs;
      if (!it->second.busy && watched && NeedsRefresh(it->second, now)) due.push_back(it->first);
      ++it;
    }
    if (due.empty()) {
      cv_.wait_for(lock, kTick);
      continue;
    }
    lock.unlock();
    for (int days : due) (void)Refresh(days);  // a failure is retried on the next tick
    lock.lock();
    if (!stop_) cv_.wait_for(lock, kTick);
  }
}

}  // namespace kb::server
