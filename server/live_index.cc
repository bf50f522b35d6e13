#include "live_index.h"

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <utility>
#include <vector>

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

// A directory holding a XAPIANDB file is a stub: the sharded layout of kb-index --shards, or a replica made
// by xapian-replicate, whose stub names the copy in use ("auto replica_1") and is rewritten when a full copy
// replaces it. Returns the stub's lines ("" when `db` is not a stub).
std::string ReadStub(const std::string& db) {
  std::FILE* f = std::fopen((db + "/XAPIANDB").c_str(), "r");
  if (f == nullptr) return "";
  std::string out;
  char buf[512];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && out.size() < 65536) out.append(buf, n);
  std::fclose(f);
  return out.empty() ? "\n" : out;
}

// The version file (iamglass) of every database a stub names with "auto PATH" (relative to its directory).
std::vector<std::string> StubVersionFiles(const std::string& db, const std::string& stub) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < stub.size()) {
    std::size_t end = stub.find('\n', pos);
    if (end == std::string::npos) end = stub.size();
    const std::string line = stub.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("auto ", 0) != 0) continue;
    const std::string path = line.substr(5);
    out.push_back((!path.empty() && path[0] == '/' ? path : db + "/" + path) + "/iamglass");
  }
  return out;
}

std::string StubVersion(const std::string& db, const std::string& stub) {
  std::string out;
  for (const std::string& file : StubVersionFiles(db, stub)) out += StatKey(file, true) + ",";
  return out;
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
    if (const std::string stub = ReadStub(db); !stub.empty()) {
      out += StatKey(db, false) + "|" + stub + "|" + StubVersion(db, stub) + ";";
      continue;
    }
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
  for (const std::string& db : dbs_) {
    if (IsRemote(db)) {
      identity += db;
    } else if (const std::string stub = ReadStub(db); !stub.empty()) {
      // Xapian's replication docs: readers of a replica close and reopen it rather than reopen() in place,
      // since the stub may switch to a new copy; any change to a stub's databases opens afresh.
      identity += StatKey(db, false) + "|" + stub + "|" + StubVersion(db, stub) + ";";
    } else {
      identity += StatKey(db, false) + ";";
    }
  }
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
    if (IsRemote(db)) continue;
    std::vector<std::string> version_files = {db + "/iamglass"};
    if (const std::string stub = ReadStub(db); !stub.empty()) version_files = StubVersionFiles(db, stub);
    for (const std::string& file : version_files) {
      if (::stat(file.c_str(), &st) != 0) continue;
      const double t = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec / 1e9;
      if (t > newest) newest = t;
    }
  }
  if (newest < 0) return -1;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const double age = static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9 - newest;
  return age < 0 ? 0 : age;
}

}  // namespace kb::server
