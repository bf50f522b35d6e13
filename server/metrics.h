// kb::server::Metrics: request counters, latency histograms per route, and the one writer of /metrics: these
// and the index and usage-log gauges sampled at scrape time, in the Prometheus text exposition format
// (version 0.0.4).
//
// Label values come from fixed sets (route templates, HTTP methods, status codes), never from request data,
// so the number of series stays bounded whatever clients send.
//
// Thread-safety: all methods may be called from any thread.
#ifndef KB_SERVER_METRICS_H_
#define KB_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "kb/usage_log.h"

namespace kb::server {

// Index state sampled when /metrics is scraped.
struct IndexGauges {
  double documents = 0;
  double age_seconds = -1;  // since the newest commit; -1 when unknown (remote shards only)
  bool ready = false;
  std::uint64_t reloads = 0;  // kb::LiveSearcherCounters
  std::uint64_t reload_errors = 0;
};

// Usage-log state sampled when /metrics is scraped (kb::UsageLogCounters and its health).
struct UsageGauges {
  UsageLogCounters counters;
  bool up = false;
};

class Metrics {
 public:
  Metrics();

  void ObserveRequest(const std::string& route, const std::string& method, int status, double seconds);
  // A connection answered 503 at once because every worker was busy and the queue full.
  void ConnectionRejected() { rejected_.fetch_add(1, std::memory_order_relaxed); }
  // A connection closed because its request did not arrive within the deadline (slow or idle client).
  void ConnectionCut() { cut_.fetch_add(1, std::memory_order_relaxed); }
  // Returns the new total for `kind`.
  std::uint64_t Feedback(const std::string& kind);

  // The whole /metrics text; the usage-log lines only when `usage` is given (the log is on).
  std::string Render(const IndexGauges& index, const UsageGauges* usage = nullptr) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative here, summed when rendered
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // route, method, status
  std::map<std::string, Histogram> latency_;                                     // route
  std::map<std::string, std::uint64_t> feedback_;                                // kind
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> cut_{0};
  const double start_time_;
};

}  // namespace kb::server

#endif  // KB_SERVER_METRICS_H_
