// kb::internal::ShardSet: the databases a Searcher reads (local paths and remote:HOST:PORT shards), which of
// them answer, and the one combined Xapian::Database over those that do.
//
// Xapian 1.4 cannot skip a sub-database inside a search, so a shard that fails is taken out of the combined
// database and the search is run again; it is tried again after SearcherOptions::remote_retry_ms. Only
// remote shards are ever taken out: a local shard that fails is an error of the whole index.
//
// Thread-safety: none (one per Searcher, like the Xapian objects it holds).
#ifndef KB_SRC_SHARD_SET_H_
#define KB_SRC_SHARD_SET_H_

#include <xapian.h>

#include <chrono>
#include <string>
#include <vector>

#include "kb/options.h"
#include "kb/status.h"

namespace kb::internal {

// True for "remote:..." locations.
bool IsRemoteLocation(const std::string& location);

class ShardSet {
 public:
  // Opens every location. A remote shard that does not answer is an error unless options.allow_partial,
  // in which case it starts out down; with no shard at all answering the result is Unavailable.
  Status Open(const std::vector<std::string>& locations, const SearcherOptions& options);

  const Xapian::Database& db() const { return db_; }
  // Local shards only (all shards when none is local): spelling and synonyms are not served remotely.
  const Xapian::Database& local_db() const { return local_db_; }
  // Locations of the shards that are down, with the reason ("remote:h:p (connection refused)").
  std::vector<std::string> Down() const;
  bool AnyDown() const;
  bool HasRemote() const;

  // Reconnects down shards whose retry time has come. Returns true if the combined database changed.
  bool RetryDown();
  // After a network error in a search: reconnects every remote shard that was up and marks those that do
  // not answer as down. Returns true if any shard was marked down (false: the failure was transient).
  bool Probe();
  // After a timeout when partial answers are not allowed: takes every remote shard out at once (no probe,
  // which could wait as long again); the next search reconnects them and learns which one hangs.
  void DropRemote(const std::string& error);
  // Moves every shard to its newest revision; a remote shard that fails is marked down (a local one throws).
  // Returns true if anything changed.
  bool Reopen();

 private:
  struct Shard {
    std::string location;
    bool remote = false;
    bool up = false;
    Xapian::Database db;
    std::string error;
    std::chrono::steady_clock::time_point retry_at{};
  };
  // Opens `shard` afresh; on a network error marks it down and returns false (never throws for those).
  bool Connect(Shard& shard);
  void MarkDown(Shard& shard, const std::string& error);
  void Combine();

  SearcherOptions options_;
  std::vector<Shard> shards_;
  Xapian::Database db_;
  Xapian::Database local_db_;
};

}  // namespace kb::internal

#endif  // KB_SRC_SHARD_SET_H_
