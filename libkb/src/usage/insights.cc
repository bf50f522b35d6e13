// ComputeInsights and UsageLog::Popularity: the readers of the usage log (own read-only connection each).
#include "kb/insights.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "insights_items.h"
#include "item_walk.h"
#include "kb/redact.h"
#include "usage_log_db.h"
#include "xapian_util.h"

namespace kb {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr const char* kReports = "type IN ('not_helpful','kb_lacks')";

struct Window {
  std::int64_t since_ms = 0;
  std::int64_t until_ms = 0;
};

// Runs `sql` with ?1 = since, ?2 = until, ?3 = limit, ?4 = `key`, calling `row` for each row.
template <typename F>
Status Query(internal::SqliteDb& db, const std::string& sql, const Window& w, std::int64_t limit,
             const std::string& key, F&& row) {
  Result<internal::SqliteStmt> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, w.since_ms).Bind(2, w.until_ms).Bind(3, limit).Bind(4, key);
  while (stmt->Step()) row(*stmt);
  return stmt->status();
}

const std::string kInWindow = " time_ms BETWEEN ?1 AND ?2 ";

Status Totals(internal::SqliteDb& db, const Window& w, Insights* out) {
  Status s = Query(db,
                   "SELECT count(*), coalesce(sum(result_count=0),0), count(DISTINCT nullif(query_key,'')) "
                   "FROM searches WHERE" +
                       kInWindow,
                   w, 0, "", [&](internal::SqliteStmt& r) {
                     out->searches = static_cast<int>(r.Int(0));
                     out->no_result_searches = static_cast<int>(r.Int(1));
                     out->distinct_queries = static_cast<int>(r.Int(2));
                   });
  if (!s.ok()) return s;
  return Query(db, "SELECT type, count(*) FROM feedback WHERE" + kInWindow + "GROUP BY type", w, 0, "",
               [&](internal::SqliteStmt& r) {
                 FeedbackType type;
                 if (!ParseFeedbackType(r.Text(0), &type)) return;
                 const int n = static_cast<int>(r.Int(1));
                 if (type == FeedbackType::kOpen) out->opens = n;
                 if (type == FeedbackType::kCopy) out->copies = n;
                 if (type == FeedbackType::kNotHelpful) out->not_helpful = n;
                 if (type == FeedbackType::kKbLacks) out->kb_lacks = n;
               });
}

constexpr std::size_t kPastedBytes = 100;
constexpr int kPastedWords = 15;
constexpr std::size_t kExcerptBytes = 80;

bool IsPasted(const std::string& query) {
  if (query.size() > kPastedBytes || query.find('\n') != std::string::npos) return true;
  int words = 0;
  bool in_word = false;
  for (char c : query) {
    const bool space = c == ' ' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words > kPastedWords;
}

// The start of `text`, masked again (a log may predate today's rules), on one line, cut at a word boundary.
std::string Excerpt(const std::string& text) {
  std::string flat;
  for (char c : RedactPersonalData(text)) {
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (space && (flat.empty() || flat.back() == ' ')) continue;
    flat += space ? ' ' : c;
  }
  while (!flat.empty() && flat.back() == ' ') flat.pop_back();
  if (flat.size() <= kExcerptBytes) return flat;
  std::size_t cut = flat.rfind(' ', kExcerptBytes);
  if (cut == std::string::npos || cut < kExcerptBytes / 2) {
    cut = kExcerptBytes;
    while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  }
  return flat.substr(0, cut) + "…";
}

// Shows a pasted group as an excerpt and finds its topic: the item most often first in its results.
Status MarkPasted(internal::SqliteDb& db, const Window& w, QueryGroup* g) {
  g->pasted = true;
  std::map<std::string, int> firsts;
  Status s = Query(db, "SELECT top_ids FROM searches WHERE query_key=?4 AND top_ids<>'' AND" + kInWindow + "LIMIT ?3",
                   w, 1000, g->key, [&](internal::SqliteStmt& r) {
                     const std::string ids = r.Text(0);
                     ++firsts[ids.substr(0, ids.find('\n'))];
                   });
  for (const auto& [id, n] : firsts) {
    if (g->topic_id.empty() || n > firsts[g->topic_id]) g->topic_id = id;
  }
  g->key = Excerpt(g->key);
  g->query = Excerpt(g->query);
  for (QueryCount& e : g->examples) e.query = Excerpt(e.query);
  for (std::string& c : g->comments) c = Excerpt(c);
  return s;
}

// Groups from `sql` (columns: key, searches, no_result, last time), then each group's clicks and examples.
// `examples_sql` lists raw forms (?4 = key); `comments_sql`, if any, the latest comments.
Status Groups(internal::SqliteDb& db, const Window& w, const InsightsOptions& o, const std::string& sql,
              const std::string& examples_sql, const std::string& comments_sql, std::vector<QueryGroup>* out) {
  Status s = Query(db, sql, w, o.limit, "", [&](internal::SqliteStmt& r) {
    QueryGroup g;
    g.key = r.Text(0);
    g.searches = static_cast<int>(r.Int(1));
    g.no_result = static_cast<int>(r.Int(2));
    g.last_seen = internal::DayOf(r.Int(3));
    out->push_back(std::move(g));
  });
  for (QueryGroup& g : *out) {
    if (!s.ok()) break;
    s = Query(db, "SELECT count(*) FROM feedback WHERE query_key=?4 AND type IN ('open','copy') AND" + kInWindow, w, 0,
              g.key, [&](internal::SqliteStmt& r) { g.clicks = static_cast<int>(r.Int(0)); });
    if (s.ok()) {
      s = Query(db, examples_sql, w, o.examples, g.key, [&](internal::SqliteStmt& r) {
        g.examples.push_back({r.Text(0), static_cast<int>(r.Int(1))});
      });
    }
    if (s.ok() && !comments_sql.empty()) {
      s = Query(db, comments_sql, w, o.examples, g.key,
                [&](internal::SqliteStmt& r) { g.comments.push_back(r.Text(0)); });
    }
    if (!g.examples.empty()) g.query = g.examples.front().query;
    if (s.ok() && IsPasted(g.query.empty() ? g.key : g.query)) s = MarkPasted(db, w, &g);
  }
  return s;
}

Status QueryLists(internal::SqliteDb& db, const Window& w, const InsightsOptions& o, Insights* out) {
  const std::string select =
      "SELECT query_key, count(*) AS n, sum(result_count=0), max(time_ms) FROM searches "
      "WHERE" +
      kInWindow + "AND query_key<>'' GROUP BY query_key ";
  // Raw forms that differ only in case are one example ("Refund failed", "refund failed").
  const std::string examples = "SELECT max(query), count(*) AS n FROM searches WHERE query_key=?4 AND" + kInWindow;
  const std::string by_count = "GROUP BY lower(query) ORDER BY n DESC, lower(query) LIMIT ?3";
  Status s =
      Groups(db, w, o, select + "ORDER BY n DESC, query_key LIMIT ?3", examples + by_count, "", &out->top_queries);
  if (s.ok()) {
    s = Groups(db, w, o,
               select + "HAVING sum(result_count=0)>0 ORDER BY sum(result_count=0) DESC, n DESC, query_key LIMIT ?3",
               examples + "AND result_count=0 " + by_count, "", &out->no_result_queries);
  }
  if (s.ok()) {
    s = Groups(db, w, o,
               select +
                   "HAVING sum(result_count>0)>0 AND NOT EXISTS (SELECT 1 FROM feedback f WHERE "
                   "f.query_key=searches.query_key AND f.type IN ('open','copy') AND f.time_ms BETWEEN ?1 AND ?2) "
                   "ORDER BY sum(result_count>0) DESC, query_key LIMIT ?3",
               examples + "AND result_count>0 " + by_count, "", &out->no_click_queries);
  }
  if (s.ok()) {
    const std::string gap = std::string(" item_id='' AND ") + kReports + " AND" + kInWindow;
    s = Groups(db, w, o,
               "SELECT query_key, count(*) AS n, 0, max(time_ms) FROM feedback WHERE" + gap +
                   "GROUP BY query_key ORDER BY n DESC, query_key LIMIT ?3",
               "SELECT query, count(*) AS n FROM feedback WHERE query_key=?4 AND" + gap + by_count,
               "SELECT comment FROM feedback WHERE query_key=?4 AND comment<>'' AND" + gap +
                   "ORDER BY time_ms DESC, id DESC LIMIT ?3",
               &out->gap_reports);
  }
  return s;
}

constexpr int kMissingWordQueries = 1000;  // each asked of the index: ~0.1 ms at 1k items

// The words no item holds, from the window's most frequent typed queries, each asked of the index as it is now.
Status MissingWords(internal::SqliteDb& db, const Window& w, const InsightsOptions& o, Searcher& searcher,
                    Insights* out) {
  std::map<std::string, MissingWord> words;
  Status s = Query(db,
                   // Pasted messages (a line break or over kPastedBytes) do not take places in the limit.
                   "SELECT max(query), count(*) AS n, max(time_ms) FROM searches WHERE" + kInWindow +
                       "AND query<>'' AND length(CAST(query AS BLOB)) <= " + std::to_string(kPastedBytes) +
                       " AND instr(query, char(10)) = 0 GROUP BY lower(query) ORDER BY n DESC, lower(query) LIMIT ?3",
                   w, kMissingWordQueries, "", [&](internal::SqliteStmt& r) {
                     const std::string query = r.Text(0);
                     if (IsPasted(query)) return;
                     // A query the searcher refuses now (longer than a since lowered --max-query-bytes) has
                     // no words to list; it must not take the rest of the gap view with it.
                     Result<std::vector<std::string>> missing = searcher.MissingWords(query);
                     if (!missing.ok()) return;
                     const int n = static_cast<int>(r.Int(1));
                     const std::string day = internal::DayOf(r.Int(2));
                     for (const std::string& word : *missing) {
                       MissingWord& m = words[word];
                       m.word = word;
                       m.searches += n;
                       m.queries.push_back({query, n});
                       m.last_seen = std::max(m.last_seen, day);
                     }
                   });
  if (!s.ok()) return s;
  for (auto& [word, m] : words) out->missing_words.push_back(std::move(m));
  std::stable_sort(out->missing_words.begin(), out->missing_words.end(),
                   [](const MissingWord& a, const MissingWord& b) { return a.searches > b.searches; });
  if (out->missing_words.size() > static_cast<std::size_t>(o.limit)) out->missing_words.resize(o.limit);
  for (MissingWord& m : out->missing_words) {
    if (m.queries.size() > static_cast<std::size_t>(o.examples)) m.queries.resize(o.examples);
  }
  return Status::Ok();
}

Status ReportedItems(internal::SqliteDb& db, const Window& w, const InsightsOptions& o, Insights* out) {
  const std::string where = std::string(" ") + kReports + " AND" + kInWindow;
  Status s = Query(db,
                   "SELECT item_id, sum(type='not_helpful'), sum(type='kb_lacks'), count(*) AS n FROM feedback "
                   "WHERE item_id<>'' AND" +
                       where + "GROUP BY item_id ORDER BY n DESC, item_id LIMIT ?3",
                   w, o.limit, "", [&](internal::SqliteStmt& r) {
                     out->most_reported_items.push_back(
                         {r.Text(0), "", "", static_cast<int>(r.Int(1)), static_cast<int>(r.Int(2)), {}, {}});
                   });
  for (ReportedItem& item : out->most_reported_items) {
    if (!s.ok()) break;
    s = Query(db,
              "SELECT comment FROM feedback WHERE item_id=?4 AND comment<>'' AND" + where +
                  "ORDER BY time_ms DESC, id DESC LIMIT ?3",
              w, o.examples, item.id, [&](internal::SqliteStmt& r) { item.comments.push_back(r.Text(0)); });
    if (s.ok()) {
      s = Query(db,
                "SELECT query, count(*) AS n FROM feedback WHERE item_id=?4 AND query<>'' AND" + where +
                    "GROUP BY query ORDER BY n DESC, query LIMIT ?3",
                w, o.examples, item.id, [&](internal::SqliteStmt& r) {
                  item.queries.push_back({r.Text(0), static_cast<int>(r.Int(1))});
                });
    }
  }
  return s;
}

// Every day of the window; `db` null = a log without tables yet (zero days).
Status Trend(internal::SqliteDb* db, const Window& w, Insights* out) {
  std::map<std::int64_t, TrendDay> days;
  for (std::int64_t d = w.since_ms / kDayMs; d <= w.until_ms / kDayMs; ++d) days[d].day = internal::DayOf(d * kDayMs);
  Status s;
  if (db) {
    s = Query(*db,
              "SELECT time_ms / 86400000, count(*), sum(result_count=0) FROM searches WHERE" + kInWindow + "GROUP BY 1",
              w, 0, "", [&](internal::SqliteStmt& r) {
                TrendDay& day = days[r.Int(0)];
                day.searches = static_cast<int>(r.Int(1));
                day.no_result = static_cast<int>(r.Int(2));
              });
  }
  if (s.ok() && db) {
    s = Query(*db, "SELECT time_ms / 86400000, type, count(*) FROM feedback WHERE" + kInWindow + "GROUP BY 1, 2", w, 0,
              "", [&](internal::SqliteStmt& r) {
                TrendDay& day = days[r.Int(0)];
                const std::string type = r.Text(1);
                const int n = static_cast<int>(r.Int(2));
                if (type == "open") day.opens += n;
                if (type == "copy") day.copies += n;
                if (type == "not_helpful" || type == "kb_lacks") day.reports += n;
              });
  }
  for (auto& [index, day] : days) {
    if (day.searches > 0) day.no_result_share = static_cast<double>(day.no_result) / day.searches;
    out->trend.push_back(std::move(day));
  }
  return s;
}

// Stale items grouped by owner, the most overdue first, at most `limit` per owner (the rest counted). Only the
// items shown are copied: at 100k items most can be stale.
std::vector<OwnerItems> StaleByOwner(const std::vector<ItemRef>& items, int limit) {
  std::map<std::string_view, std::vector<const ItemRef*>> by_owner;
  for (const ItemRef& item : items) {
    if (item.days_overdue > 0) by_owner[item.owner].push_back(&item);
  }
  std::vector<OwnerItems> out;
  for (auto& [owner, overdue] : by_owner) {
    const std::size_t shown = std::min(overdue.size(), static_cast<std::size_t>(std::max(limit, 0)));
    std::partial_sort(overdue.begin(), overdue.begin() + shown, overdue.end(), [](const ItemRef* a, const ItemRef* b) {
      return a->days_overdue != b->days_overdue ? a->days_overdue > b->days_overdue : a->id < b->id;
    });
    OwnerItems team;
    team.owner = std::string(owner);
    for (std::size_t i = 0; i < shown; ++i) team.items.push_back(*overdue[i]);
    team.more = static_cast<int>(overdue.size() - shown);
    out.push_back(std::move(team));
  }
  std::stable_sort(out.begin(), out.end(), [](const OwnerItems& a, const OwnerItems& b) {
    return a.items.size() + a.more > b.items.size() + b.more;
  });
  return out;
}

// The index side: titles of reported items, never-shown items, stale items by owner.
Status AddItems(Searcher& searcher, internal::SqliteDb* db, const Window& w, const InsightsOptions& o, Insights* out) {
  const std::string today = internal::DayOf(w.until_ms);
  Result<std::vector<ItemRef>> items = internal::ListItems(searcher, today);
  if (!items.ok()) return items.status();
  out->items = static_cast<int>(items->size());
  std::set<std::string> shown;
  if (db) {
    Status s = Query(*db, "SELECT item_id FROM shown WHERE last_ms >= ?1", w, 0, "",
                     [&](internal::SqliteStmt& r) { shown.insert(r.Text(0)); });
    if (!s.ok()) return s;
  }
  std::unordered_map<std::string_view, const ItemRef*> by_id;
  by_id.reserve(items->size());
  for (const ItemRef& item : *items) {
    by_id.emplace(item.id, &item);
    if (!shown.count(item.id) && out->never_shown_total++ < o.limit) out->never_shown_items.push_back(item);
    if (item.days_overdue > 0) ++out->stale_total;
  }
  for (ReportedItem& item : out->most_reported_items) {
    auto found = by_id.find(item.id);
    if (found == by_id.end()) continue;
    item.title = found->second->title;
    item.owner = found->second->owner;
  }
  for (auto* list : {&out->top_queries, &out->no_result_queries, &out->no_click_queries, &out->gap_reports}) {
    for (QueryGroup& g : *list) {
      if (auto found = by_id.find(g.topic_id); found != by_id.end()) g.topic = found->second->title;
    }
  }
  out->stale_by_owner = StaleByOwner(*items, o.limit);
  return Status::Ok();
}

Result<Insights> Compute(const UsageLog& log, Searcher* searcher, const InsightsOptions& o) {
  if (o.days < 1 || o.days > 3650) return Status::InvalidArgument("days must be between 1 and 3650");
  if (o.limit < 1 || o.limit > 1000) return Status::InvalidArgument("limit must be between 1 and 1000");
  if (o.examples < 0 || o.examples > 100) return Status::InvalidArgument("examples must be between 0 and 100");
  Window w;
  w.until_ms = o.now_ms ? o.now_ms : internal::NowMs();
  w.since_ms = (w.until_ms / kDayMs - (o.days - 1)) * kDayMs;
  Insights out;
  out.days = o.days;
  out.since = internal::DayOf(w.since_ms);
  out.until = internal::DayOf(w.until_ms);
  Result<std::unique_ptr<internal::SqliteDb>> db = internal::SqliteDb::Open(log.path(), /*writable=*/false);
  if (!db.ok()) return db.status();
  Result<std::int64_t> version = internal::SchemaVersion(**db);
  if (!version.ok()) return version.status();
  internal::SqliteDb* tables = *version == 0 ? nullptr : db->get();  // a new, still empty log
  Status s = internal::CheckSchema(**db);
  if (s.ok() && tables) s = Totals(*tables, w, &out);
  if (s.ok() && tables) s = QueryLists(*tables, w, o, &out);
  if (s.ok() && tables) s = ReportedItems(*tables, w, o, &out);
  if (s.ok() && tables && searcher) s = MissingWords(*tables, w, o, *searcher, &out);
  if (s.ok()) s = Trend(tables, w, &out);
  if (s.ok() && searcher) s = AddItems(*searcher, tables, w, o, &out);
  if (!s.ok()) return s;
  if (searcher) internal::RouteGaps(*searcher, &out);
  Result<std::unordered_map<std::string, std::string>> reviewed = log.Reviewed();
  if (!reviewed.ok()) return reviewed.status();
  ApplyReviewed(*reviewed, &out);
  return out;
}

}  // namespace

Result<Insights> ComputeInsights(const UsageLog& log, Searcher* searcher, const InsightsOptions& options) {
  return internal::Guard("computing insights", [&] { return Compute(log, searcher, options); });
}

Result<std::unordered_map<std::string, double>> UsageLog::Popularity(int days, std::int64_t now_ms) const {
  return internal::Guard("reading popularity", [&]() -> Result<std::unordered_map<std::string, double>> {
    if (days < 1) return Status::InvalidArgument("days must be 1 or more");
    Result<std::unique_ptr<internal::SqliteDb>> db = internal::SqliteDb::Open(path(), /*writable=*/false);
    if (!db.ok()) return db.status();
    Result<std::int64_t> version = internal::SchemaVersion(**db);
    if (!version.ok()) return version.status();
    std::unordered_map<std::string, double> out;
    if (*version == 0) return out;
    Window w;
    w.until_ms = now_ms ? now_ms : internal::NowMs();
    w.since_ms = w.until_ms - days * kDayMs;
    Status s = Query(**db,
                     "SELECT item_id, count(*) FROM feedback WHERE type IN ('open','copy') AND item_id<>'' AND" +
                         kInWindow + "GROUP BY item_id",
                     w, 0, "", [&](internal::SqliteStmt& r) { out[r.Text(0)] = static_cast<double>(r.Int(1)); });
    if (!s.ok()) return s;
    return out;
  });
}

}  // namespace kb
