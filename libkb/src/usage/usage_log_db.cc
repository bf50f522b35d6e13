// The usage log's tables (PRAGMA user_version = kUsageLogSchemaVersion), batch inserts and pruning.
#include "usage_log_db.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_map>

#include "civil_date.h"

namespace kb::internal {
namespace {

// Version 1. `shown` keeps, per item, the last time it was in a result list: "never shown in N days"
// without scanning every search.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE searches(
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  query TEXT NOT NULL,
  query_key TEXT NOT NULL,
  filters TEXT NOT NULL,
  result_count INTEGER NOT NULL,
  top_ids TEXT NOT NULL,
  latency_ms REAL NOT NULL,
  user TEXT NOT NULL);
CREATE INDEX searches_time ON searches(time_ms);
CREATE INDEX searches_key ON searches(query_key, time_ms);
CREATE TABLE feedback(
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  type TEXT NOT NULL,
  query TEXT NOT NULL,
  query_key TEXT NOT NULL,
  item_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  comment TEXT NOT NULL,
  user TEXT NOT NULL);
CREATE INDEX feedback_time ON feedback(time_ms);
CREATE INDEX feedback_key ON feedback(query_key, type);
CREATE TABLE shown(item_id TEXT PRIMARY KEY, last_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql";

// Gaps a support lead marked reviewed, by query key.
constexpr const char* kReviewedTable =
    "CREATE TABLE IF NOT EXISTS reviewed(query_key TEXT PRIMARY KEY, time_ms INTEGER NOT NULL, user TEXT NOT NULL) "
    "WITHOUT ROWID";

constexpr std::size_t kMaxComment = 2000;
constexpr std::size_t kMaxText = 1000;
constexpr std::size_t kMaxTopIds = 10;
// Rows deleted per statement while pruning, so that a large backlog does not hold the lock for long.
constexpr int kPruneChunk = 5000;

std::string JoinFilters(const std::map<std::string, std::vector<std::string>>& filters) {
  std::string out;
  for (const auto& [field, values] : filters) {
    if (!out.empty()) out += ' ';
    out += field + ':';
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
  }
  return out;
}

std::string Cut(const std::string& s, std::size_t max) { return s.size() <= max ? s : s.substr(0, max); }

}  // namespace

Result<std::int64_t> SchemaVersion(SqliteDb& db) {
  Result<SqliteStmt> stmt = db.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  std::int64_t version = stmt->Step() ? stmt->Int(0) : 0;
  if (!stmt->status().ok()) return stmt->status();
  return version;
}

Status CheckSchema(SqliteDb& db) {
  Result<std::int64_t> version = SchemaVersion(db);
  if (!version.ok()) return version.status();
  if (*version > kUsageLogSchemaVersion) {
    return Status::InvalidArgument(db.path() + ": the usage log was written by a newer kb (schema " +
                                   std::to_string(*version) + ", this kb reads " +
                                   std::to_string(kUsageLogSchemaVersion) + "); upgrade kb or use another path");
  }
  return Status::Ok();
}

Status PrepareForWriting(SqliteDb& db) {
  Status s = CheckSchema(db);
  if (!s.ok()) return s;
  Result<std::int64_t> version = SchemaVersion(db);
  if (!version.ok()) return version.status();
  // auto_vacuum only takes effect before the first table exists.
  if (*version == 0 && !(s = db.Exec("PRAGMA auto_vacuum=INCREMENTAL")).ok()) return s;
  std::string mode;
  {
    Result<SqliteStmt> wal = db.Prepare("PRAGMA journal_mode=WAL");
    if (!wal.ok()) return wal.status();
    if (wal->Step()) mode = wal->Text(0);
    if (!wal->status().ok()) return wal->status();
  }
  if (mode != "wal")
    return Status::IoError(db.path() + ": cannot switch the usage log to WAL mode (got '" + mode + "')");
  if (!(s = db.Exec("PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=16777216")).ok()) return s;
  // Added after version 1 shipped; older kb versions read the log without it.
  if (*version == kUsageLogSchemaVersion) return db.Exec(kReviewedTable);
  if (!(s = db.Exec("BEGIN IMMEDIATE")).ok()) return s;
  // Another process may have created the tables while this one waited for the lock.
  version = SchemaVersion(db);
  if (version.ok() && *version == 0) {
    s = db.Exec(kSchemaV1);
    if (s.ok()) s = db.Exec(kReviewedTable);
    if (s.ok()) s = db.Exec(("PRAGMA user_version=" + std::to_string(kUsageLogSchemaVersion)).c_str());
  }
  if (s.ok()) s = db.Exec("COMMIT");
  if (!s.ok()) (void)db.Exec("ROLLBACK");
  return s;
}

Result<std::unique_ptr<BatchInserter>> BatchInserter::Prepare(SqliteDb& db) {
  Result<SqliteStmt> search = db.Prepare(
      "INSERT INTO searches(time_ms,query,query_key,filters,result_count,top_ids,latency_ms,user) "
      "VALUES(?,?,?,?,?,?,?,?)");
  Result<SqliteStmt> feedback = db.Prepare(
      "INSERT INTO feedback(time_ms,type,query,query_key,item_id,position,comment,user) VALUES(?,?,?,?,?,?,?,?)");
  Result<SqliteStmt> shown = db.Prepare(
      "INSERT INTO shown(item_id,last_ms) VALUES(?,?) "
      "ON CONFLICT(item_id) DO UPDATE SET last_ms=max(last_ms,excluded.last_ms)");
  if (!search.ok()) return search.status();
  if (!feedback.ok()) return feedback.status();
  if (!shown.ok()) return shown.status();
  return std::unique_ptr<BatchInserter>(
      new BatchInserter(db, std::move(*search), std::move(*feedback), std::move(*shown)));
}

Status BatchInserter::Insert(const std::vector<LoggedEvent>& events) {
  // Each item shown once per batch: a busy server shows the same few items in most of a batch's searches.
  std::unordered_map<std::string, std::int64_t> shown;
  Status s = db_.Exec("BEGIN IMMEDIATE");
  for (std::size_t i = 0; s.ok() && i < events.size(); ++i) {
    const LoggedEvent& e = events[i];
    if (const auto* q = std::get_if<SearchEvent>(&e.event)) {
      std::string top;
      const std::size_t n = std::min(q->top_ids.size(), kMaxTopIds);
      for (std::size_t k = 0; k < n; ++k) top += (k ? "\n" : "") + q->top_ids[k];
      s = search_.Bind(1, q->time_ms)
              .Bind(2, Cut(q->query, kMaxText))
              .Bind(3, e.query_key)
              .Bind(4, Cut(JoinFilters(q->filters), kMaxText))
              .Bind(5, static_cast<std::int64_t>(q->result_count))
              .Bind(6, top)
              .Bind(7, q->latency_ms)
              .Bind(8, Cut(q->user, 200))
              .Run();
      for (std::size_t k = 0; k < n; ++k) {
        auto [it, added] = shown.try_emplace(q->top_ids[k], q->time_ms);
        if (!added) it->second = std::max(it->second, q->time_ms);
      }
    } else {
      const auto& f = std::get<FeedbackEvent>(e.event);
      s = feedback_.Bind(1, f.time_ms)
              .Bind(2, FeedbackTypeName(f.type))
              .Bind(3, Cut(f.query, kMaxText))
              .Bind(4, e.query_key)
              .Bind(5, Cut(f.item_id, kMaxText))
              .Bind(6, static_cast<std::int64_t>(f.position))
              .Bind(7, Cut(f.comment, kMaxComment))
              .Bind(8, Cut(f.user, 200))
              .Run();
    }
  }
  for (auto it = shown.begin(); s.ok() && it != shown.end(); ++it)
    s = shown_.Bind(1, it->first).Bind(2, it->second).Run();
  if (s.ok()) s = db_.Exec("COMMIT");
  if (!s.ok()) (void)db_.Exec("ROLLBACK");
  return s;
}

Status PruneEvents(SqliteDb& db, std::int64_t cutoff_ms, std::int64_t max_events) {
  const char* kStatements[] = {
      "DELETE FROM searches WHERE id IN (SELECT id FROM searches WHERE time_ms < ?1 LIMIT ?3)",
      "DELETE FROM feedback WHERE id IN (SELECT id FROM feedback WHERE time_ms < ?1 LIMIT ?3)",
      "DELETE FROM shown WHERE item_id IN (SELECT item_id FROM shown WHERE last_ms < ?1 LIMIT ?3)",
      "DELETE FROM searches WHERE id IN (SELECT id FROM searches WHERE id <= "
      "(SELECT max(id) FROM searches) - ?2 LIMIT ?3)",
      "DELETE FROM feedback WHERE id IN (SELECT id FROM feedback WHERE id <= "
      "(SELECT max(id) FROM feedback) - ?2 LIMIT ?3)",
  };
  for (const char* sql : kStatements) {
    Result<SqliteStmt> stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    for (;;) {
      Status s = stmt->Bind(1, cutoff_ms).Bind(2, max_events).Bind(3, std::int64_t{kPruneChunk}).Run();
      if (!s.ok()) return s;
      if (sqlite3_changes(db.handle()) < kPruneChunk) break;
    }
  }
  return db.Exec("PRAGMA incremental_vacuum");
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string DayOf(std::int64_t ms) {
  const std::int64_t day_ms = 86'400'000;
  return FormatDate(static_cast<long>(ms >= 0 ? ms / day_ms : (ms - day_ms + 1) / day_ms));
}

}  // namespace kb::internal
