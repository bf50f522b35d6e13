// kb-server's side of the usage log (kb/usage_log.h): which file, recording searches and events, and the
// popularity map for the ranking boost.
//
// The log is on by default: kb-usage.sqlite in the directory that holds the first local database
// (--usage-log PATH elsewhere, --usage-log off to disable; remote-only setups need a PATH). A log that cannot
// be written never fails a request: events are dropped and counted in kb_usage_events_dropped_total.
//
// Thread-safety: every method may be called from any worker thread.
#ifndef KB_SERVER_USAGE_H_
#define KB_SERVER_USAGE_H_

#include <httplib.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "config.h"
#include "kb/searcher.h"
#include "kb/usage_log.h"

namespace kb::server {

using PopularityMap = std::unordered_map<std::string, double>;

class UsageTracker {
 public:
  // Opens the log `config` asks for (none when off). `message` receives startup notes (level, text).
  static std::unique_ptr<UsageTracker> Start(
      const Config& config, const std::function<void(const std::string&, const std::string&)>& message);
  ~UsageTracker();  // stops the popularity refresher, then writes what is queued
  UsageTracker(const UsageTracker&) = delete;
  UsageTracker& operator=(const UsageTracker&) = delete;

  UsageLog* log() const { return log_.get(); }

  // Logs a search answered by /api/search. Only first pages of complete queries count: as-you-type
  // (partial) requests, later pages and requests with log=false are not recorded.
  // `user` is the recorded user (RecordedUser in handlers.h).
  void RecordSearch(const httplib::Request& req, const SearchRequest& request, const SearchResponse& response,
                    std::string user);
  // Hands the worker's Searcher the current popularity map (a no-op unless --popularity-boost > 0).
  void ApplyPopularity(Searcher& searcher) const;

  // The caller-supplied user id: the X-KB-User header, at most 64 printable ASCII bytes ("" otherwise).
  static std::string UserOf(const httplib::Request& req);
  // The file the log lives in for `config`; "" when off.
  static std::string LogPath(const Config& config);

 private:
  UsageTracker(std::unique_ptr<UsageLog> log, bool popularity);
  void RefreshLoop();

  std::unique_ptr<UsageLog> log_;
  const bool popularity_enabled_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::shared_ptr<const PopularityMap> popularity_;
  std::thread refresher_;
};

}  // namespace kb::server

#endif  // KB_SERVER_USAGE_H_
