// A small RAII wrapper over SQLite: a connection and its prepared statements, errors as kb::Status.
//
// Each connection is used by one thread at a time (the usage log's writer thread, or one reader call).
#ifndef KB_SRC_SQLITE_DB_H_
#define KB_SRC_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kb/status.h"

namespace kb::internal {

class SqliteStmt;

class SqliteDb {
 public:
  // Opens `path`. Writable: creates the file if missing and fails (kIoError) when the file or its directory
  // is not writable. Read-only: fails with kNotFound when the file is missing.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool writable);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Status Exec(const char* sql);
  Result<SqliteStmt> Prepare(std::string_view sql);
  // "path: what failed: sqlite's message".
  Status Error(std::string_view what) const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// A prepared statement; bind indexes are 1-based as in SQLite.
class SqliteStmt {
 public:
  SqliteStmt(SqliteStmt&& other) noexcept : stmt_(other.stmt_), db_(other.db_) { other.stmt_ = nullptr; }
  SqliteStmt& operator=(SqliteStmt&&) = delete;
  ~SqliteStmt();

  SqliteStmt& Bind(int index, std::string_view text);
  SqliteStmt& Bind(int index, std::int64_t value);
  SqliteStmt& Bind(int index, double value);
  // True while there is a row; false when done. Errors end the loop and are kept for status().
  bool Step();
  // Runs a statement that returns no rows and resets it for the next binding.
  Status Run();
  void Reset();
  std::int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  const Status& status() const { return status_; }

 private:
  friend class SqliteDb;
  SqliteStmt(sqlite3_stmt* stmt, const SqliteDb* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_;
  const SqliteDb* db_;
  Status status_;
};

}  // namespace kb::internal

#endif  // KB_SRC_SQLITE_DB_H_
