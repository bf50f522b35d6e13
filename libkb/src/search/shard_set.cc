#include "shard_set.h"

#include <exception>
#include <thread>
#include <utility>

namespace kb::internal {
namespace {

// "remote:HOST:PORT" → host and port; false when malformed.
bool ParseRemote(const std::string& location, std::string* host, unsigned* port) {
  const std::string rest = location.substr(7);
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size() || rest.size() - colon > 6) return false;
  unsigned value = 0;
  for (char c : rest.substr(colon + 1)) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  *host = rest.substr(0, colon);
  *port = value;
  return true;
}

Xapian::Database OpenLocation(const std::string& location, const SearcherOptions& options) {
  if (!IsRemoteLocation(location)) return Xapian::Database(location);
  std::string host;
  unsigned port = 0;
  if (!ParseRemote(location, &host, &port)) {
    throw Xapian::InvalidArgumentError("bad remote database '" + location + "'; expected remote:HOST:PORT");
  }
  const auto timeout = static_cast<unsigned>(options.remote_timeout_ms);
  return Xapian::Remote::open(host, port, timeout, timeout);
}

// Runs `f(i)` for each index at once: reconnecting several dead shards costs one timeout, not one each.
template <typename F>
void ForEachAtOnce(const std::vector<std::size_t>& indexes, F f) {
  if (indexes.size() == 1) {
    f(indexes[0]);
    return;
  }
  std::vector<std::thread> threads;
  for (std::size_t i : indexes) threads.emplace_back([&f, i] { f(i); });
  for (std::thread& t : threads) t.join();
}

}  // namespace

bool IsRemoteLocation(const std::string& location) { return location.rfind("remote:", 0) == 0; }

Status ShardSet::Open(const std::vector<std::string>& locations, const SearcherOptions& options) {
  if (options.remote_timeout_ms <= 0) return Status::InvalidArgument("remote_timeout_ms must be positive");
  if (options.remote_retry_ms < 0) return Status::InvalidArgument("remote_retry_ms must not be negative");
  options_ = options;
  shards_.clear();
  std::vector<std::size_t> remote;
  for (const std::string& location : locations) {
    Shard shard;
    shard.location = location;
    shard.remote = IsRemoteLocation(location);
    if (!shard.remote) {
      // A local shard must open: a missing or corrupt one is the operator's error, reported as such.
      shard.db = Xapian::Database(location);
      shard.up = true;
    } else {
      remote.push_back(shards_.size());
    }
    shards_.push_back(std::move(shard));
  }
  if (!remote.empty()) {
    // Bad syntax must not be mistaken for a shard that is down.
    for (std::size_t i : remote) {
      std::string host;
      unsigned port = 0;
      if (!ParseRemote(shards_[i].location, &host, &port)) {
        return Status::InvalidArgument("bad remote database '" + shards_[i].location + "'; expected remote:HOST:PORT");
      }
    }
    ForEachAtOnce(remote, [this](std::size_t i) { Connect(shards_[i]); });
  }
  if (AnyDown() && !options.allow_partial) {
    return Status::Unavailable("remote shard not answering: " + Down().front() +
                               "; start it, or allow partial results");
  }
  bool any_up = false;
  for (const Shard& s : shards_) any_up = any_up || s.up;
  if (!any_up) return Status::Unavailable("no shard answers: " + Down().front());
  Combine();
  return Status::Ok();
}

bool ShardSet::Connect(Shard& shard) {
  try {
    shard.db = OpenLocation(shard.location, options_);
    shard.up = true;
    shard.error.clear();
    return true;
  } catch (const Xapian::NetworkError& e) {
    MarkDown(shard, e.get_msg().empty() ? e.get_type() : e.get_msg());
  } catch (const Xapian::Error& e) {
    // tcpsrv answering but its database gone (or any other failure) is a shard that is down too; nothing may
    // escape, since Connect also runs on its own thread.
    MarkDown(shard, std::string(e.get_type()) + ": " + e.get_msg());
  } catch (const std::exception& e) {
    MarkDown(shard, e.what());
  }
  return false;
}

void ShardSet::MarkDown(Shard& shard, const std::string& error) {
  shard.up = false;
  shard.db = Xapian::Database();
  shard.error = error;
  shard.retry_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.remote_retry_ms);
}

void ShardSet::Combine() {
  db_ = Xapian::Database();
  local_db_ = Xapian::Database();
  bool any_local = false;
  for (const Shard& s : shards_) {
    if (!s.up) continue;
    db_.add_database(s.db);
    if (!s.remote) {
      local_db_.add_database(s.db);
      any_local = true;
    }
  }
  if (!any_local) local_db_ = db_;
}

std::vector<std::string> ShardSet::Down() const {
  std::vector<std::string> out;
  for (const Shard& s : shards_) {
    if (!s.up) out.push_back(s.location + " (" + s.error + ")");
  }
  return out;
}

bool ShardSet::AnyDown() const {
  for (const Shard& s : shards_) {
    if (!s.up) return true;
  }
  return false;
}

bool ShardSet::HasRemote() const {
  for (const Shard& s : shards_) {
    if (s.remote) return true;
  }
  return false;
}

bool ShardSet::RetryDown() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    if (!shards_[i].up && now >= shards_[i].retry_at) due.push_back(i);
  }
  if (due.empty()) return false;
  ForEachAtOnce(due, [this](std::size_t i) { Connect(shards_[i]); });
  bool back = false;
  for (std::size_t i : due) back = back || shards_[i].up;
  if (back) Combine();
  return back;
}

bool ShardSet::Probe() {
  // A connection that failed mid-search is in an unknown state (a reply may still be on its way), so every
  // remote shard gets a fresh one rather than a ping on the old.
  std::vector<std::size_t> remote;
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    if (shards_[i].remote && shards_[i].up) remote.push_back(i);
  }
  if (remote.empty()) return false;
  ForEachAtOnce(remote, [this](std::size_t i) { Connect(shards_[i]); });
  bool marked = false;
  for (std::size_t i : remote) marked = marked || !shards_[i].up;
  Combine();
  return marked;
}

void ShardSet::DropRemote(const std::string& error) {
  for (Shard& s : shards_) {
    if (!s.remote || !s.up) continue;
    MarkDown(s, error);
    s.retry_at = std::chrono::steady_clock::now();
  }
  Combine();
}

bool ShardSet::Reopen() {
  bool changed = false;
  for (Shard& s : shards_) {
    if (!s.up) continue;
    try {
      changed = s.db.reopen() || changed;
    } catch (const Xapian::NetworkError& e) {
      // Marked down in both modes: a strict search then fails at once instead of waiting on it again.
      if (!s.remote) throw;
      MarkDown(s, e.get_msg());
      changed = true;
    }
  }
  if (RetryDown()) return true;
  if (changed) Combine();
  return changed;
}

}  // namespace kb::internal
