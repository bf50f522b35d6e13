// kb::UsageLog: a bounded queue in front of one writer thread that commits batches to SQLite.
#include "kb/usage_log.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "usage_log_db.h"

namespace kb {
namespace {

// Trims blanks at both ends and turns each run of spaces and tabs into one space; line breaks stay (they mark
// a pasted message).
std::string TidyBlanks(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool blank = false;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      blank = true;
      continue;
    }
    if (blank && !out.empty() && out.back() != '\n' && c != '\n' && c != '\r') out += ' ';
    blank = false;
    out += c;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  std::size_t lead = 0;
  while (lead < out.size() && (out[lead] == '\n' || out[lead] == '\r')) ++lead;
  return out.substr(lead);
}

constexpr std::array<std::string_view, 4> kFeedbackNames = {"open", "copy", "not_helpful", "kb_lacks"};
constexpr std::int64_t kDayMs = 86'400'000;
// On destruction, the writer stops trying to write after this long and drops what is left.
constexpr std::int64_t kCloseDeadlineMs = 3000;

}  // namespace

const char* FeedbackTypeName(FeedbackType type) {
  const auto index = static_cast<std::size_t>(type);
  return index < kFeedbackNames.size() ? kFeedbackNames[index].data() : "unknown";
}

bool ParseFeedbackType(std::string_view name, FeedbackType* type) {
  for (std::size_t i = 0; i < kFeedbackNames.size(); ++i) {
    if (kFeedbackNames[i] == name) {
      *type = static_cast<FeedbackType>(i);
      return true;
    }
  }
  return false;
}

struct UsageLog::Rep {
  std::string path;
  UsageLogOptions options;
  Redactor redactor;

  mutable std::mutex mu;
  std::condition_variable wake;  // the writer waits for events or stop
  std::condition_variable done;  // Flush waits for `processed`
  std::deque<internal::LoggedEvent> queue;
  std::uint64_t enqueued = 0;   // events accepted into the queue, ever
  std::uint64_t processed = 0;  // events the writer committed or dropped, ever
  std::uint64_t last_lost = 0;  // sequence number (1-based, in queue order) of the newest dropped event
  bool stop = false;
  bool gathering = false;  // the writer waits for a batch to fill (batch_gather_ms): events need not wake it
  int flushing = 0;        // Flush() calls waiting: the writer commits what it has at once
  Status health;

  std::atomic<std::uint64_t> recorded{0}, dropped{0}, write_errors{0};

  // Writer thread only (set up by Open before the thread starts).
  std::unique_ptr<internal::SqliteDb> db;
  std::unique_ptr<internal::BatchInserter> inserter;  // over `db`, so declared after it (destroyed first)
  std::int64_t next_open_ms = 0;
  std::int64_t next_prune_ms = 0;
  std::thread writer;

  void SetHealth(Status s) {
    std::lock_guard<std::mutex> lock(mu);
    health = std::move(s);
  }
  Status TryOpen();
  void Enqueue(internal::LoggedEvent event);
  // Commits or drops `batch`; returns how many were dropped.
  std::size_t Write(std::vector<internal::LoggedEvent>& batch, bool give_up);
  void MaybePrune(std::int64_t now);
  // With a batch begun, waits up to batch_gather_ms for it to fill (or for stop or Flush). REQUIRES: `lock`
  // holds `mu`.
  void GatherBatch(std::unique_lock<std::mutex>& lock);
  void Run();
};

Status UsageLog::Rep::TryOpen() {
  Result<std::unique_ptr<internal::SqliteDb>> opened = internal::SqliteDb::Open(path, /*writable=*/true);
  Status s = opened.status();
  if (s.ok()) s = internal::PrepareForWriting(**opened);
  std::unique_ptr<internal::BatchInserter> prepared;
  if (s.ok()) {
    Result<std::unique_ptr<internal::BatchInserter>> r = internal::BatchInserter::Prepare(**opened);
    s = r.status();
    if (s.ok()) prepared = std::move(*r);
  }
  if (s.ok()) {
    db = std::move(*opened);
    inserter = std::move(prepared);
  } else {
    write_errors.fetch_add(1, std::memory_order_relaxed);
    next_open_ms = internal::NowMs() + options.reopen_interval_ms;
  }
  SetHealth(s);
  return s;
}

void UsageLog::Rep::MaybePrune(std::int64_t now) {
  if (!db || now < next_prune_ms) return;
  next_prune_ms = now + std::int64_t{options.prune_interval_seconds} * 1000;
  Status s = internal::PruneEvents(*db, now - options.retention_days * kDayMs, options.max_events);
  if (!s.ok()) {
    write_errors.fetch_add(1, std::memory_order_relaxed);
    SetHealth(std::move(s));
  }
}

std::size_t UsageLog::Rep::Write(std::vector<internal::LoggedEvent>& batch, bool give_up) {
  if (batch.empty()) return 0;
  const std::int64_t now = internal::NowMs();
  if (!db && !give_up && now >= next_open_ms) (void)TryOpen();
  Status s =
      give_up ? Status::Unavailable(path + ": the usage log closed before this event was written") : Status::Ok();
  if (s.ok() && db) {
    for (internal::LoggedEvent& e : batch) {
      if (options.redact) {
        std::visit([this](auto& ev) { ev.query = redactor.Redact(ev.query); }, e.event);
        if (auto* f = std::get_if<FeedbackEvent>(&e.event)) f->comment = redactor.Redact(f->comment);
      }
      // "apple" and "apple " are one search: the stored form has no outer blanks and no runs of spaces.
      std::visit([](auto& ev) { ev.query = TidyBlanks(ev.query); }, e.event);
      const std::string& query = std::visit([](const auto& ev) -> const std::string& { return ev.query; }, e.event);
      e.query_key = NormalizeQuery(query);
    }
    s = inserter->Insert(batch);
    if (!s.ok()) {
      write_errors.fetch_add(1, std::memory_order_relaxed);
      inserter.reset();
      db.reset();  // reopen later: the file may have been replaced, fixed or freed up
      next_open_ms = now + options.reopen_interval_ms;
      SetHealth(s);
    }
  }
  if (s.ok() && db) {
    recorded.fetch_add(batch.size(), std::memory_order_relaxed);
    return 0;
  }
  dropped.fetch_add(batch.size(), std::memory_order_relaxed);
  return batch.size();
}

void UsageLog::Rep::GatherBatch(std::unique_lock<std::mutex>& lock) {
  if (options.batch_gather_ms <= 0 || !db || stop || flushing > 0 || queue.empty()) return;
  gathering = true;
  wake.wait_for(lock, std::chrono::milliseconds(options.batch_gather_ms),
                [&] { return stop || flushing > 0 || queue.size() >= options.max_batch; });
  gathering = false;
}

void UsageLog::Rep::Run() {
  std::vector<internal::LoggedEvent> batch;
  std::int64_t close_deadline = 0;
  std::unique_lock<std::mutex> lock(mu);
  for (;;) {
    auto ready = [&] { return stop || !queue.empty(); };
    // Without a database there is nothing to prune: sleep until an event (or stop) arrives.
    if (db) {
      wake.wait_for(lock, std::chrono::milliseconds(std::max<std::int64_t>(next_prune_ms - internal::NowMs(), 0)),
                    ready);
    } else {
      wake.wait(lock, ready);
    }
    GatherBatch(lock);
    if (stop && close_deadline == 0) close_deadline = internal::NowMs() + kCloseDeadlineMs;
    batch.clear();
    while (!queue.empty() && batch.size() < options.max_batch) {
      batch.push_back(std::move(queue.front()));
      queue.pop_front();
    }
    const bool finished = stop && queue.empty();
    lock.unlock();
    const std::size_t lost_now = Write(batch, close_deadline != 0 && internal::NowMs() > close_deadline);
    if (!finished) MaybePrune(internal::NowMs());
    lock.lock();
    processed += batch.size();
    if (lost_now > 0) last_lost = processed;
    done.notify_all();
    if (finished) return;
  }
}

void UsageLog::Rep::Enqueue(internal::LoggedEvent event) {
  if (options.read_only) {
    dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  try {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stop || queue.size() >= options.max_queue) {
        dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      queue.push_back(std::move(event));
      ++enqueued;
      if (gathering && queue.size() < options.max_batch) return;  // the writer wakes when its wait ends
    }
    wake.notify_one();
  } catch (...) {
    dropped.fetch_add(1, std::memory_order_relaxed);  // out of memory: lose the event, not the search
  }
}

UsageLog::UsageLog(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

UsageLog::~UsageLog() {
  if (!rep_->writer.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(rep_->mu);
    rep_->stop = true;
  }
  rep_->wake.notify_one();
  rep_->writer.join();
}

Result<std::unique_ptr<UsageLog>> UsageLog::Open(const std::string& path, const UsageLogOptions& options) {
  if (path.empty()) return Status::InvalidArgument("usage log path is empty");
  if (options.retention_days < 1) return Status::InvalidArgument("usage log retention_days must be 1 or more");
  if (options.max_events < 1 || options.max_queue < 1 || options.max_batch < 1 || options.prune_interval_seconds < 1 ||
      options.reopen_interval_ms < 0) {
    return Status::InvalidArgument(
        "usage log options max_events, max_queue, max_batch and prune_interval_seconds "
        "must be 1 or more");
  }
  Result<Redactor> redactor = Redactor::Create(options.redact_id_patterns);
  if (!redactor.ok()) return Status::InvalidArgument("usage log: " + redactor.status().message());
  auto rep = std::make_unique<Rep>();
  rep->path = path;
  rep->options = options;
  rep->redactor = std::move(*redactor);
  if (options.read_only) {
    Result<std::unique_ptr<internal::SqliteDb>> db = internal::SqliteDb::Open(path, /*writable=*/false);
    if (!db.ok()) return db.status();
    Status s = internal::CheckSchema(**db);
    if (!s.ok()) return s;
    return std::unique_ptr<UsageLog>(new UsageLog(std::move(rep)));
  }
  // A newer schema is a deployment mistake worth failing for; anything else degrades and is retried.
  Status s = rep->TryOpen();
  if (s.code() == StatusCode::kInvalidArgument) return s;
  rep->MaybePrune(internal::NowMs());
  Rep* raw = rep.get();
  rep->writer = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<UsageLog>(new UsageLog(std::move(rep)));
}

void UsageLog::RecordSearch(SearchEvent event) {
  if (event.time_ms == 0) event.time_ms = internal::NowMs();
  rep_->Enqueue(internal::LoggedEvent{std::move(event), {}});
}

void UsageLog::RecordFeedback(FeedbackEvent event) {
  if (event.time_ms == 0) event.time_ms = internal::NowMs();
  rep_->Enqueue(internal::LoggedEvent{std::move(event), {}});
}

Status UsageLog::Flush(int timeout_ms) {
  std::unique_lock<std::mutex> lock(rep_->mu);
  const std::uint64_t target = rep_->enqueued;
  ++rep_->flushing;
  rep_->wake.notify_one();
  const bool caught_up =
      rep_->done.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return rep_->processed >= target; });
  --rep_->flushing;
  if (!caught_up) {
    return Status::Unavailable(rep_->path + ": the usage log writer did not catch up within " +
                               std::to_string(timeout_ms) + " ms");
  }
  if (target == 0 || rep_->last_lost < target) return Status::Ok();
  return Status::IoError("events were dropped: " + rep_->health.ToString());
}

UsageLogCounters UsageLog::Counters() const {
  UsageLogCounters c;
  c.recorded = rep_->recorded.load(std::memory_order_relaxed);
  c.dropped = rep_->dropped.load(std::memory_order_relaxed);
  c.write_errors = rep_->write_errors.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(rep_->mu);
  c.queued = rep_->queue.size();
  return c;
}

Status UsageLog::Health() const {
  std::lock_guard<std::mutex> lock(rep_->mu);
  return rep_->health;
}

const std::string& UsageLog::path() const { return rep_->path; }

Status UsageLog::Prune(std::int64_t now_ms) {
  if (rep_->options.read_only) return Status::InvalidArgument(rep_->path + ": the usage log is open read-only");
  Result<std::unique_ptr<internal::SqliteDb>> db = internal::SqliteDb::Open(rep_->path, /*writable=*/true);
  if (!db.ok()) return db.status();
  const std::int64_t now = now_ms ? now_ms : internal::NowMs();
  return internal::PruneEvents(**db, now - rep_->options.retention_days * kDayMs, rep_->options.max_events);
}

}  // namespace kb
