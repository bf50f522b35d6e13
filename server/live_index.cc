#include "live_index.h"

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <utility>

#include "metrics.h"

namespace kb::server {
namespace {

std::atomic<unsigned long long> g_serial{0};

bool IsRemote(const std::string& db) { return db.rfind("remote:", 0) == 0; }

std::string StatKey(const std::string& path, bool with_time) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "-";
  char buf[128];
  if (with_time) {
    std::snprintf(buf, sizeof buf, "%ju:%ju:%jd:%jd.%ld", static_cast<std::uintmax_t>(st.st_dev),
                  static_cast<std::uintmax_t>(st.st_ino), static_cast<std::intmax_t>(st.st_size),
                  static_cast<std::intmax_t>(st.st_mtim.tv_sec), static_cast<long>(st.st_mtim.tv_nsec));
  } else {
    std::snprintf(buf, sizeof buf, "%ju:%ju", static_cast<std::uintmax_t>(st.st_dev),
                  static_cast<std::uintmax_t>(st.st_ino));
  }
  return buf;
}

}  // namespace

struct LiveIndex::Worker {
  unsigned long long owner = 0;
  std::unique_ptr<Searcher> searcher;
  std::string identity;  // which directories (replaced wholesale → open afresh)
  std::string version;   // which revision (a commit rewrites iamglass → Reopen)
  std::chrono::steady_clock::time_point next_check{};
  std::string last_error;  // logged once, then again only when it changes or a minute has passed
  std::chrono::steady_clock::time_point last_error_logged{};
};

LiveIndex::LiveIndex(std::vector<std::string> dbs, SearcherOptions options, std::chrono::milliseconds interval,
                     Metrics* metrics, LogFn log)
    : dbs_(std::move(dbs)),
      options_(std::move(options)),
      interval_(interval),
      has_remote_([this] {
        for (const std::string& db : dbs_) {
          if (IsRemote(db)) return true;
        }
        return false;
      }()),
      metrics_(metrics),
      log_(std::move(log)),
      serial_(++g_serial) {}

LiveIndex::~LiveIndex() = default;

LiveIndex::Worker& LiveIndex::ThisWorker() {
  thread_local Worker worker;
  if (worker.owner != serial_) worker = Worker{serial_, nullptr, "", "", {}, "", {}};
  return worker;
}

std::string LiveIndex::Fingerprint() const {
  std::string out;
  for (const std::string& db : dbs_) {
    if (IsRemote(db)) continue;
    out += StatKey(db, false) + "|" + StatKey(db + "/iamglass", true) + ";";
  }
  return out;
}

Result<Searcher*> LiveIndex::Acquire() {
  Worker& w = ThisWorker();
  const auto now = std::chrono::steady_clock::now();
  if (w.searcher && now < w.next_check) return w.searcher.get();
  w.next_check = now + interval_;

  // Stat before reopening: a commit landing in between is seen by the reopen and by the next check.
  std::string version = Fingerprint();
  std::string identity;
  for (const std::string& db : dbs_) identity += IsRemote(db) ? db : StatKey(db, false) + ";";
  if (w.searcher && version == w.version && !has_remote_) return w.searcher.get();

  if (!w.searcher || identity != w.identity) {
    Result<std::unique_ptr<Searcher>> opened = Searcher::Open(dbs_, options_);
    if (!opened.ok()) {
      if (!w.searcher) return Status::Unavailable("the index cannot be opened: " + opened.status().message());
      // Keep serving the revision we have.
      ReloadFailed(w, "opening the index afresh failed, serving the previous revision: " + opened.status().ToString());
      return w.searcher.get();
    }
    if (w.searcher && metrics_ != nullptr) metrics_->IndexReloaded();
    w.searcher = std::move(*opened);
    w.identity = std::move(identity);
    w.version = std::move(version);
    return w.searcher.get();
  }

  Result<bool> changed = w.searcher->Reopen();
  if (!changed.ok()) {
    ReloadFailed(w, "reopening the index failed, serving the previous revision: " + changed.status().ToString());
    return w.searcher.get();
  }
  if (*changed && metrics_ != nullptr) metrics_->IndexReloaded();
  w.version = std::move(version);
  return w.searcher.get();
}

void LiveIndex::ReloadFailed(Worker& w, const std::string& message) {
  if (metrics_ != nullptr) metrics_->IndexReloadFailed();
  const auto now = std::chrono::steady_clock::now();
  if (message != w.last_error || now - w.last_error_logged > std::chrono::minutes(1)) {
    log_("error", message);
    w.last_error = message;
    w.last_error_logged = now;
  }
}

void LiveIndex::Invalidate() {
  Worker& w = ThisWorker();
  w.next_check = {};
  w.version.clear();
}

double LiveIndex::AgeSeconds() const {
  double newest = -1;
  for (const std::string& db : dbs_) {
    struct stat st {};
    if (IsRemote(db) || ::stat((db + "/iamglass").c_str(), &st) != 0) continue;
    const double t = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec / 1e9;
    if (t > newest) newest = t;
  }
  if (newest < 0) return -1;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const double age = static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9 - newest;
  return age < 0 ? 0 : age;
}

}  // namespace kb::server
