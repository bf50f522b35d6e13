#include "metrics.h"

#include <charconv>
#include <chrono>
#include <sstream>

namespace kb::server {
namespace {

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The shortest text that reads back as the same double ("0.0005", "2.5", "1e-07").
std::string Num(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

void Header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << '\n' << "# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

Metrics::Metrics() : start_time_(NowSeconds()) {}

void Metrics::ObserveRequest(const std::string& route, const std::string& method, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, method, status}];
  Histogram& h = latency_[route];
  std::size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  if (i < kBuckets.size()) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

std::uint64_t Metrics::Feedback(const std::string& kind) {
  std::lock_guard<std::mutex> lock(mu_);
  return ++feedback_[kind];
}

std::string Metrics::Render(const IndexGauges& index, const UsageGauges* usage) const {
  std::ostringstream out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Header(out, "kb_http_requests_total", "counter", "HTTP requests answered, by route template, method and status.");
    for (const auto& [key, n] : requests_) {
      const auto& [route, method, status] = key;
      out << "kb_http_requests_total{route=\"" << route << "\",method=\"" << method << "\",status=\"" << status
          << "\"} " << n << '\n';
    }
    Header(out, "kb_http_request_duration_seconds", "histogram", "Time from routing to the response being written.");
    for (const auto& [route, h] : latency_) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.buckets[i];
        out << "kb_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << Num(kBuckets[i]) << "\"} "
            << cumulative << '\n';
      }
      out << "kb_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count << '\n';
      out << "kb_http_request_duration_seconds_sum{route=\"" << route << "\"} " << Num(h.sum) << '\n';
      out << "kb_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count << '\n';
    }
    Header(out, "kb_feedback_total", "counter",
           "Reports and usage events received by POST /api/feedback (or /api/events), by kind.");
    for (const auto& [kind, n] : feedback_) out << "kb_feedback_total{kind=\"" << kind << "\"} " << n << '\n';
  }
  Header(out, "kb_index_documents", "gauge", "Documents in the index revision this worker serves.");
  out << "kb_index_documents " << Num(index.documents) << '\n';
  Header(out, "kb_index_age_seconds", "gauge", "Seconds since the newest commit to a local database; -1 if unknown.");
  out << "kb_index_age_seconds " << Num(index.age_seconds) << '\n';
  Header(out, "kb_index_ready", "gauge", "1 when the index is open and the server is not shutting down.");
  out << "kb_index_ready " << (index.ready ? 1 : 0) << '\n';
  Header(out, "kb_index_reloads_total", "counter", "Times a worker moved to a newer index revision.");
  out << "kb_index_reloads_total " << index.reloads << '\n';
  Header(out, "kb_index_reload_errors_total", "counter", "Failed reopen attempts (the old revision kept serving).");
  out << "kb_index_reload_errors_total " << index.reload_errors << '\n';
  Header(out, "kb_http_connections_rejected_total", "counter",
         "Connections answered 503 at once: all workers busy and --max-queue requests waiting.");
  out << "kb_http_connections_rejected_total " << rejected_.load(std::memory_order_relaxed) << '\n';
  Header(out, "kb_http_connections_cut_total", "counter",
         "Connections closed because a request head or body did not arrive within --header-timeout.");
  out << "kb_http_connections_cut_total " << cut_.load(std::memory_order_relaxed) << '\n';
  Header(out, "kb_process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.");
  out << "kb_process_start_time_seconds " << Num(start_time_) << '\n';
  if (usage == nullptr) return out.str();
  const auto line = [&out](const char* name, const char* type, const char* help, std::uint64_t value) {
    Header(out, name, type, help);
    out << name << ' ' << value << '\n';
  };
  line("kb_usage_events_recorded_total", "counter", "Usage events (searches, opens, copies, reports) stored.",
       usage->counters.recorded);
  line("kb_usage_events_dropped_total", "counter",
       "Usage events lost: queue full, usage log unavailable or a failed write.", usage->counters.dropped);
  line("kb_usage_log_write_errors_total", "counter", "Failed opens and writes of the usage log.",
       usage->counters.write_errors);
  line("kb_usage_log_queue", "gauge", "Usage events waiting to be written.", usage->counters.queued);
  line("kb_usage_log_up", "gauge", "1 while the usage log can be written.", usage->up ? 1 : 0);
  return out.str();
}

}  // namespace kb::server
