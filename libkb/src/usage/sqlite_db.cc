// SqliteDb and SqliteStmt.
#include "sqlite_db.h"

#include <filesystem>
#include <utility>

namespace kb::internal {

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, bool writable) {
  std::error_code ec;
  if (!writable && !std::filesystem::exists(path, ec)) {
    return Status::NotFound(path + ": no usage log there (kb-server --usage-log writes one)");
  }
  sqlite3* raw = nullptr;
  const int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));
  if (rc != SQLITE_OK) {
    return Status::IoError(path + ": cannot open the usage log: " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  // SQLite quietly falls back to read-only for a write-protected file; a writer must not.
  if (writable && sqlite3_db_readonly(raw, "main") == 1) {
    return Status::IoError(path + ": the usage log is not writable (check its permissions)");
  }
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

Status SqliteDb::Exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Status::IoError(path_ + ": " + text);
}

Result<SqliteStmt> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return Error("preparing a statement");
  }
  return SqliteStmt(stmt, this);
}

Status SqliteDb::Error(std::string_view what) const {
  const int code = sqlite3_errcode(db_);
  std::string message = path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_);
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return Status::Corruption(std::move(message));
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Status::Busy(std::move(message));
  return Status::IoError(std::move(message));
}

SqliteStmt::~SqliteStmt() { sqlite3_finalize(stmt_); }

SqliteStmt& SqliteStmt::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

SqliteStmt& SqliteStmt::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStmt& SqliteStmt::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

bool SqliteStmt::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE && status_.ok()) status_ = db_->Error("reading the usage log");
  return false;
}

Status SqliteStmt::Run() {
  const int rc = sqlite3_step(stmt_);
  Status s = rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : db_->Error("writing the usage log");
  Reset();
  return s;
}

void SqliteStmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t SqliteStmt::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double SqliteStmt::Double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string SqliteStmt::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column)) : "";
}

}  // namespace kb::internal
