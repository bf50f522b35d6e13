// The usage log's database: the versioned schema, batch inserts and pruning (usage_log_db.cc), over the SQLite
// wrapper of sqlite_db.h.
//
// Each connection is used by one thread at a time (the writer thread, or one reader call).
#ifndef KB_SRC_USAGE_LOG_DB_H_
#define KB_SRC_USAGE_LOG_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "kb/status.h"
#include "kb/usage_log.h"
#include "sqlite_db.h"

namespace kb::internal {

// One queued event, with its grouping key already computed by the recording thread.
struct LoggedEvent {
  std::variant<SearchEvent, FeedbackEvent> event;
  std::string query_key;
};

// PRAGMA user_version: 0 for a new, empty file.
Result<std::int64_t> SchemaVersion(SqliteDb& db);
// Sets WAL mode, synchronous=NORMAL and a busy timeout, and creates or checks the schema (user_version).
Status PrepareForWriting(SqliteDb& db);
// Checks that the schema is one this kb can read.
Status CheckSchema(SqliteDb& db);
// The insert statements of the writer, prepared once per connection (preparing them for every batch was
// most of what a batch of one or two searches cost besides its commit).
class BatchInserter {
 public:
  // REQUIRES: `db` outlives the inserter.
  static Result<std::unique_ptr<BatchInserter>> Prepare(SqliteDb& db);
  // Inserts the events in one transaction (rolled back on failure).
  Status Insert(const std::vector<LoggedEvent>& events);

 private:
  BatchInserter(SqliteDb& db, SqliteStmt search, SqliteStmt feedback, SqliteStmt shown)
      : db_(db), search_(std::move(search)), feedback_(std::move(feedback)), shown_(std::move(shown)) {}
  SqliteDb& db_;
  SqliteStmt search_, feedback_, shown_;
};
// Deletes events before `cutoff_ms` and all but the newest `max_events` per table, then frees pages.
Status PruneEvents(SqliteDb& db, std::int64_t cutoff_ms, std::int64_t max_events);

// Unix milliseconds now.
std::int64_t NowMs();
// Unix milliseconds → YYYY-MM-DD (UTC).
std::string DayOf(std::int64_t ms);

}  // namespace kb::internal

#endif  // KB_SRC_USAGE_LOG_DB_H_
