// kb::server::LiveIndex: gives each worker thread its own kb::Searcher and keeps it on the newest revision.
//
// Xapian objects are not thread-safe, so every worker opens its own Searcher on first use. Before a request,
// at most once per reload interval, a worker stats each local database (its directory and the `iamglass`
// version file a commit rewrites); when that fingerprint changed it calls Reopen(), or opens afresh when the
// directory itself was replaced. If reopening fails the worker keeps serving the revision it has, counts the
// failure and tries again at the next interval. Remote shards have no file to stat and are reopened every
// interval. A stub directory (a XAPIANDB file: kb-index --shards, or a replica kept by xapian-replicate) is
// fingerprinted through the databases it names, and any change to it opens afresh (close and reopen, as
// Xapian's replication docs ask of replica readers).
//
// Thread-safety: Acquire() may be called from any number of threads; each gets its own Searcher, which it
// must use only on that thread and only while the LiveIndex lives.
#ifndef KB_SERVER_LIVE_INDEX_H_
#define KB_SERVER_LIVE_INDEX_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kb/searcher.h"
#include "kb/status.h"

namespace kb::server {

class Metrics;

class LiveIndex {
 public:
  using LogFn = std::function<void(const std::string& level, const std::string& message)>;

  LiveIndex(std::vector<std::string> dbs, SearcherOptions options, std::chrono::milliseconds interval,
            Metrics* metrics, LogFn log);
  ~LiveIndex();
  LiveIndex(const LiveIndex&) = delete;
  LiveIndex& operator=(const LiveIndex&) = delete;

  // This thread's Searcher on a revision at most one interval old; Unavailable if it cannot be opened.
  Result<Searcher*> Acquire();
  // Makes this thread's next Acquire() reopen (after an error that a newer revision may cure).
  void Invalidate();
  // Seconds since the newest local commit, -1 if unknown.
  double AgeSeconds() const;

 private:
  struct Worker;
  Worker& ThisWorker();
  void ReloadFailed(Worker& w, const std::string& message);
  std::string Fingerprint() const;

  const std::vector<std::string> dbs_;
  const SearcherOptions options_;
  const std::chrono::milliseconds interval_;
  const bool has_remote_;
  Metrics* const metrics_;
  const LogFn log_;
  const unsigned long long serial_;  // tells apart LiveIndex objects that reuse an address
};

}  // namespace kb::server

#endif  // KB_SERVER_LIVE_INDEX_H_
