// SQLite FTS5 bm25(), the strongest peer of BASELINES.md on stackfaq, measured in the same run as kb.
#include <sqlite3.h>

#include <memory>
#include <sstream>

#include "normalize.h"
#include "systems.h"

namespace kb::eval {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Status SqlError(sqlite3* db, const std::string& what) {
  return Status::Internal("fts5: " + what + ": " + sqlite3_errmsg(db));
}

Result<Stmt> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) return SqlError(db, sql);
  return Stmt(stmt);
}

// "refund failed" → "\"refund\" OR \"failed\"" (tokens are alphanumeric, so quoting needs no escapes).
std::string MatchExpression(const std::string& text) {
  std::istringstream in(QueryTokens(text));
  std::string token, out;
  while (in >> token) out += (out.empty() ? "\"" : " OR \"") + token + "\"";
  return out;
}

class Fts5System : public RankingSystem {
 public:
  Fts5System(Db db, Stmt search, std::vector<const Doc*> docs)
      : db_(std::move(db)), search_(std::move(search)), docs_(std::move(docs)) {}

  Result<std::vector<Hit>> Rank(const Query& query, int depth) override {
    std::vector<Hit> hits;
    const std::string match = MatchExpression(query.text);
    if (match.empty()) return hits;
    sqlite3_stmt* s = search_.get();
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, depth);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      const Doc* d = docs_[static_cast<std::size_t>(sqlite3_column_int64(s, 0) - 1)];
      hits.push_back({d->id, d->lang});
    }
    if (rc != SQLITE_DONE) return SqlError(db_.get(), "query '" + match.substr(0, 80) + "'");
    return hits;
  }

 private:
  Db db_;
  Stmt search_;
  std::vector<const Doc*> docs_;  // rowid - 1 → document (the set outlives the system)
};

}  // namespace

Result<std::unique_ptr<RankingSystem>> BuildFts5(const LabeledSet& set) {
  sqlite3* raw = nullptr;
  if (sqlite3_open(":memory:", &raw) != SQLITE_OK) {
    sqlite3_close(raw);
    return Status::Internal("fts5: cannot open an in-memory database");
  }
  Db db(raw);
  const char* create =
      "CREATE VIRTUAL TABLE docs USING fts5(title, text, tokenize='porter unicode61 remove_diacritics 2')";
  if (sqlite3_exec(db.get(), create, nullptr, nullptr, nullptr) != SQLITE_OK) return SqlError(db.get(), create);
  if (sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return SqlError(db.get(), "BEGIN");
  Result<Stmt> insert = Prepare(db.get(), "INSERT INTO docs(rowid, title, text) VALUES (?1, ?2, ?3)");
  if (!insert.ok()) return insert.status();
  std::vector<const Doc*> docs;
  for (const Doc& d : set.docs) {
    docs.push_back(&d);
    const std::string title = FoldToAscii(d.title), text = FoldToAscii(d.text);
    sqlite3_stmt* s = insert->get();
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(docs.size()));
    sqlite3_bind_text(s, 2, title.c_str(), static_cast<int>(title.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) return SqlError(db.get(), "inserting " + d.id);
  }
  insert->reset();
  if (sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return SqlError(db.get(), "COMMIT");
  Result<Stmt> search = Prepare(db.get(), "SELECT rowid FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT ?2");
  if (!search.ok()) return search.status();
  return std::unique_ptr<RankingSystem>(new Fts5System(std::move(db), std::move(*search), std::move(docs)));
}

}  // namespace kb::eval
