#include "kb/live_searcher.h"

#include <atomic>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "db_files.h"
#include "shard_set.h"

namespace kb {
namespace {

using Clock = std::chrono::steady_clock;

// A failure to move to a newer revision is logged again after this long even when it has not changed.
constexpr auto kRelogAfter = std::chrono::minutes(1);

// How often an open that failed while the databases changed under it is tried again.
constexpr int kOpenAttempts = 4;

// kb-index build swaps a compacted directory in with one rename. An open racing the swap can read the old
// directory's version file and the new one's tables ("EOF reading block 2"): an open that failed while the
// databases changed under it is tried again (`seen` becomes what it last saw). A failure over unchanged
// databases is real, and returned at once.
Result<std::unique_ptr<Searcher>> OpenSettled(const std::vector<std::string>& databases, const SearcherOptions& options,
                                              internal::DatabasesFingerprint& seen) {
  for (int attempt = 1;; ++attempt) {
    Result<std::unique_ptr<Searcher>> opened = Searcher::Open(databases, options);
    if (opened.ok() || attempt == kOpenAttempts) return opened;
    internal::DatabasesFingerprint now = internal::FingerprintDatabases(databases);
    if (now.identity == seen.identity && now.version == seen.version) return opened;
    seen = std::move(now);
  }
}

// One thread's Searcher and what it last saw of the databases. Only its thread touches it.
struct Worker {
  std::unique_ptr<Searcher> searcher;
  std::string identity;  // which directories and stubs (changed → open afresh)
  std::string version;   // which revision (changed → Reopen)
  Clock::time_point next_check{};
  std::string last_error;
  Clock::time_point last_error_logged{};
};

}  // namespace

struct LiveSearcher::Rep {
  const std::vector<std::string> databases;
  const SearcherOptions options;
  const LiveSearcherOptions live;
  const bool has_remote;
  std::atomic<std::uint64_t> reloads{0};
  std::atomic<std::uint64_t> reload_errors{0};
  // One Worker per thread that asked; held here (not thread_local) so that they close with the LiveSearcher.
  std::mutex mu;
  std::unordered_map<std::thread::id, std::unique_ptr<Worker>> workers;

  Rep(std::vector<std::string> dbs, SearcherOptions o, LiveSearcherOptions l)
      : databases(std::move(dbs)), options(std::move(o)), live(std::move(l)), has_remote([this] {
          for (const std::string& db : databases) {
            if (internal::IsRemoteLocation(db)) return true;
          }
          return false;
        }()) {}

  Worker& ThisWorker() {
    std::lock_guard<std::mutex> lock(mu);
    std::unique_ptr<Worker>& w = workers[std::this_thread::get_id()];
    if (!w) w = std::make_unique<Worker>();
    return *w;
  }

  Result<Searcher*> Refresh(Worker& w);
  void Failed(Worker& w, const std::string& message);
};

Result<Searcher*> LiveSearcher::Rep::Refresh(Worker& w) {
  // Fingerprint before moving: a commit landing in between is seen by the move and again by the next check.
  internal::DatabasesFingerprint seen = internal::FingerprintDatabases(databases);
  if (w.searcher && seen.version == w.version && !has_remote) return w.searcher.get();

  if (!w.searcher || seen.identity != w.identity) {
    Result<std::unique_ptr<Searcher>> opened = OpenSettled(databases, options, seen);
    if (!opened.ok()) {
      if (!w.searcher) return Status::Unavailable("the index cannot be opened: " + opened.status().message());
      Failed(w, "opening the index afresh failed, serving the previous revision: " + opened.status().ToString());
      return w.searcher.get();
    }
    if (w.searcher) reloads.fetch_add(1, std::memory_order_relaxed);
    w.searcher = std::move(*opened);
    w.identity = std::move(seen.identity);
    w.version = std::move(seen.version);
    return w.searcher.get();
  }

  Result<bool> changed = w.searcher->Reopen();
  if (!changed.ok()) {
    Failed(w, "reopening the index failed, serving the previous revision: " + changed.status().ToString());
    return w.searcher.get();
  }
  if (*changed) reloads.fetch_add(1, std::memory_order_relaxed);
  w.version = std::move(seen.version);
  return w.searcher.get();
}

void LiveSearcher::Rep::Failed(Worker& w, const std::string& message) {
  reload_errors.fetch_add(1, std::memory_order_relaxed);
  const auto now = Clock::now();
  if (live.log && (message != w.last_error || now - w.last_error_logged > kRelogAfter)) {
    live.log("error", message);
    w.last_error = message;
    w.last_error_logged = now;
  }
}

LiveSearcher::LiveSearcher(std::vector<std::string> databases, SearcherOptions options, LiveSearcherOptions live)
    : rep_(std::make_unique<Rep>(std::move(databases), std::move(options), std::move(live))) {}

LiveSearcher::~LiveSearcher() = default;

Result<Searcher*> LiveSearcher::Acquire() {
  Worker& w = rep_->ThisWorker();
  const auto now = Clock::now();
  if (w.searcher && now < w.next_check) return w.searcher.get();
  w.next_check = now + rep_->live.check_interval;
  return rep_->Refresh(w);
}

void LiveSearcher::Invalidate() {
  Worker& w = rep_->ThisWorker();
  w.next_check = {};
  w.version.clear();
}

double LiveSearcher::AgeSeconds() const {
  const double newest = internal::NewestCommitTime(rep_->databases);
  if (newest < 0) return -1;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const double age = static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9 - newest;
  return age < 0 ? 0 : age;
}

LiveSearcherCounters LiveSearcher::Counters() const {
  return {rep_->reloads.load(std::memory_order_relaxed), rep_->reload_errors.load(std::memory_order_relaxed)};
}

}  // namespace kb
