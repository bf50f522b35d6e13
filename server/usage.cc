#include "usage.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace kb::server {
namespace {

// How often the popularity map is re-read from the log, and over how many days.
constexpr auto kPopularityRefresh = std::chrono::minutes(5);
constexpr int kPopularityDays = 90;
constexpr std::size_t kMaxUserBytes = 64;

}  // namespace

std::string UsageTracker::LogPath(const Config& config) {
  if (config.usage_log == "off") return "";
  if (!config.usage_log.empty()) return config.usage_log;
  for (const std::string& db : config.dbs) {
    if (db.rfind("remote:", 0) == 0) continue;
    // Next to the database, not inside it: kb-index may replace the database directory as a whole.
    const std::filesystem::path dir = std::filesystem::path(db).lexically_normal().parent_path();
    return (dir / "kb-usage.sqlite").string();
  }
  return "";
}

std::unique_ptr<UsageTracker> UsageTracker::Start(
    const Config& config, const std::function<void(const std::string&, const std::string&)>& message) {
  const std::string path = LogPath(config);
  std::unique_ptr<UsageLog> log;
  if (path.empty()) {
    message("info", config.usage_log == "off" ? "usage log off (--usage-log off)"
                                              : "usage log off: only remote databases; pass --usage-log PATH");
  } else {
    UsageLogOptions options;
    options.retention_days = config.usage_retention_days;
    options.redact_id_patterns = config.mask_patterns;
    Result<std::unique_ptr<UsageLog>> opened = UsageLog::Open(path, options);
    if (!opened.ok()) {
      message("error", "usage log off: " + opened.status().message());
    } else {
      log = std::move(*opened);
      const Status health = log->Health();
      if (health.ok()) {
        message("info", "usage log: " + path + " (retention " + std::to_string(config.usage_retention_days) + " days)");
      } else {
        message("warn",
                "usage log unavailable, events are dropped and counted until it can be written: " + health.message());
      }
    }
  }
  const bool popularity = log && config.searcher.ranking.popularity_boost > 0;
  std::unique_ptr<UsageTracker> usage(new UsageTracker(std::move(log), popularity));
  if (popularity) usage->refresher_ = std::thread([raw = usage.get()] { raw->RefreshLoop(); });
  return usage;
}

UsageTracker::UsageTracker(std::unique_ptr<UsageLog> log, bool popularity)
    : log_(std::move(log)), popularity_enabled_(popularity) {}

UsageTracker::~UsageTracker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

void UsageTracker::RefreshLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    Result<PopularityMap> counts = log_->Popularity(kPopularityDays);
    lock.lock();
    if (counts.ok()) popularity_ = std::make_shared<const PopularityMap>(std::move(*counts));
    stop_cv_.wait_for(lock, kPopularityRefresh, [this] { return stop_; });
  }
}

void UsageTracker::ApplyPopularity(Searcher& searcher) const {
  if (!popularity_enabled_) return;
  std::shared_ptr<const PopularityMap> current;
  {
    std::lock_guard<std::mutex> lock(mu_);
    current = popularity_;
  }
  searcher.SetPopularity(std::move(current));
}

std::string UsageTracker::UserOf(const httplib::Request& req) {
  std::string user = req.get_header_value("X-KB-User");
  if (user.size() > kMaxUserBytes) return "";
  for (char c : user) {
    if (c < ' ' || c > '~') return "";
  }
  return user;
}

void UsageTracker::RecordSearch(const httplib::Request& req, const SearchRequest& request,
                                const SearchResponse& response, std::string user) {
  if (!log_ || request.partial || request.page != 1) return;
  const std::string flag = req.get_param_value("log");
  if (flag == "false" || flag == "0") return;
  SearchEvent event;
  event.query = request.query;
  event.filters = request.filters;
  event.result_count = response.total;
  for (std::size_t i = 0; i < response.hits.size() && i < 10; ++i) event.top_ids.push_back(response.hits[i].id);
  event.latency_ms = response.elapsed_ms;
  event.user = std::move(user);
  log_->RecordSearch(std::move(event));
}

}  // namespace kb::server
