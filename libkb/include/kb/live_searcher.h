// kb::LiveSearcher: gives each thread its own kb::Searcher and keeps it on the newest committed revision of
// its databases, as kb-index (or xapian-replicate) updates them under a running server.
//
// Usage:
//   kb::LiveSearcher live({"/var/lib/kb/db"}, {}, {.check_interval = std::chrono::seconds(1)});
//   // on any worker thread, per request:
//   kb::Result<kb::Searcher*> searcher = live.Acquire();
//   if (searcher.ok()) auto res = (*searcher)->Search({.query = "refund"});
//
// Before a request, at most once per check interval, a thread checks cheaply whether its databases changed:
// a local database by the files a commit rewrites, a stub (kb-index --shards, or a replica kept by
// xapian-replicate) through the databases it names. A commit moves the Searcher to the new revision in place
// (Searcher::Reopen); a database directory replaced as a whole (kb-index build, compaction) or a changed stub
// opens afresh, as Xapian's replication docs ask of replica readers. Remote shards have nothing to check and
// are reopened every interval. When moving fails, the thread keeps serving the revision it has, the failure
// is counted and logged, and it tries again at the next interval.
//
// Thread-safety: Acquire(), Invalidate(), AgeSeconds() and Counters() may be called from any number of threads
// at once. The Searcher that Acquire() returns belongs to the calling thread: use it only on that thread, and
// only until that thread's next Acquire() or the LiveSearcher's destruction.
#ifndef KB_LIVE_SEARCHER_H_
#define KB_LIVE_SEARCHER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kb/options.h"
#include "kb/searcher.h"
#include "kb/status.h"

namespace kb {

struct LiveSearcherOptions {
  // How often a thread looks for a newer revision. 0 = before every Acquire(). Default: 1 s.
  std::chrono::milliseconds check_interval{1000};
  // Receives failures to move to a newer revision (level "error"), each message once and again only when it
  // changes or a minute has passed. Null = not reported (still counted).
  std::function<void(const std::string& level, const std::string& message)> log;
};

struct LiveSearcherCounters {
  std::uint64_t reloads = 0;        // times a thread moved to a newer revision
  std::uint64_t reload_errors = 0;  // failed moves (the old revision kept serving)
};

class LiveSearcher {
 public:
  // `databases` and `options`: as Searcher::Open. Nothing is opened until the first Acquire().
  LiveSearcher(std::vector<std::string> databases, SearcherOptions options, LiveSearcherOptions live = {});
  ~LiveSearcher();
  LiveSearcher(const LiveSearcher&) = delete;
  LiveSearcher& operator=(const LiveSearcher&) = delete;

  // This thread's Searcher, on a revision at most one check interval old. Unavailable when this thread has
  // none yet and the databases cannot be opened; the message says why (as Searcher::Open's: a wrong path, an
  // index of another schema and the command that rebuilds it).
  [[nodiscard]] Result<Searcher*> Acquire();
  // Makes this thread's next Acquire() check and move at once (after an error a newer revision may cure).
  void Invalidate();
  // Seconds since the newest commit to a local database (or a stub's databases); -1 when unknown (only
  // remote shards, or nothing committed).
  double AgeSeconds() const;
  LiveSearcherCounters Counters() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace kb

#endif  // KB_LIVE_SEARCHER_H_
