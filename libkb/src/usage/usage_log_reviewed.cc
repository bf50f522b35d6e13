// UsageLog::MarkReviewed and Reviewed: the gaps a support lead has dealt with, kept in the usage log's
// `reviewed` table (one row per query key) so that every server and report sees the same marks.
#include <string>
#include <unordered_map>

#include "kb/usage_log.h"
#include "usage_log_db.h"
#include "xapian_util.h"

namespace kb {

Status UsageLog::MarkReviewed(const std::string& query_key, bool reviewed, const std::string& user,
                              std::int64_t now_ms) {
  return internal::Guard("marking a gap reviewed", [&]() -> Status {
    if (query_key.empty() || query_key.size() > 1000) return Status::InvalidArgument("key must be 1 to 1000 bytes");
    // A connection of its own: a rare, acknowledged write, not worth a place in the writer's batches.
    Result<std::unique_ptr<internal::SqliteDb>> db = internal::SqliteDb::Open(path(), /*writable=*/true);
    if (!db.ok()) return db.status();
    Status s = internal::PrepareForWriting(**db);
    if (!s.ok()) return s;
    Result<internal::SqliteStmt> stmt =
        reviewed ? (*db)->Prepare("INSERT OR REPLACE INTO reviewed(query_key,time_ms,user) VALUES(?,?,?)")
                 : (*db)->Prepare("DELETE FROM reviewed WHERE query_key=?");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, query_key);
    if (reviewed) stmt->Bind(2, now_ms ? now_ms : internal::NowMs()).Bind(3, user.substr(0, 200));
    return stmt->Run();
  });
}

Result<std::unordered_map<std::string, std::string>> UsageLog::Reviewed() const {
  return internal::Guard("reading reviewed gaps", [&]() -> Result<std::unordered_map<std::string, std::string>> {
    std::unordered_map<std::string, std::string> out;
    Result<std::unique_ptr<internal::SqliteDb>> db = internal::SqliteDb::Open(path(), /*writable=*/false);
    if (!db.ok()) return db.status();
    Result<internal::SqliteStmt> exists =
        (*db)->Prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='reviewed'");
    if (!exists.ok()) return exists.status();
    if (!exists->Step()) return out;  // a log no server has marked anything in yet
    Result<internal::SqliteStmt> stmt = (*db)->Prepare("SELECT query_key, time_ms FROM reviewed");
    if (!stmt.ok()) return stmt.status();
    while (stmt->Step()) out[stmt->Text(0)] = internal::DayOf(stmt->Int(1));
    if (!stmt->status().ok()) return stmt->status();
    return out;
  });
}

}  // namespace kb
