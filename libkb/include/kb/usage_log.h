// kb::UsageLog: what engineers searched for, opened, copied and reported, in an embedded database (SQLite).
//
// Usage:
//   auto log = kb::UsageLog::Open("/var/lib/kb/usage.sqlite", {.retention_days = 90});
//   (*log)->RecordSearch({.query = "refund failed", .result_count = 0, .latency_ms = 3.1});
//   (*log)->RecordFeedback({.type = kb::FeedbackType::kOpen, .query = "refund failed", .item_id = "refunds"});
//   kb::UsageLogCounters c = (*log)->Counters();  // recorded, dropped, write_errors
//
// Writing never slows or fails a search. Record*() only appends to a bounded in-memory queue; one background
// thread drains it and inserts batches, one transaction per batch. When the queue is full, or the database
// cannot be opened or written, events are dropped and counted, never thrown or returned as an error. The
// writer retries an unavailable database every UsageLogOptions::reopen_interval_ms.
//
// Durability: WAL journal, synchronous=NORMAL. A committed batch survives a process crash (SIGKILL); what is
// lost is what was still queued or being written. Flush() waits until everything queued so far is committed.
//
// Retention: events older than retention_days, and the oldest beyond max_events, are deleted when the log
// opens and then every prune_interval_seconds, so the file does not grow without bound.
//
// Personal data: no IP addresses or headers; only the optional `user` string (the caller's id, or the identity
// a trusted proxy vouched for). Queries and comments are masked before they are stored (kb/redact.h: e-mail
// addresses, names after greetings and in sign-offs, phone numbers, IBANs, card numbers, long numbers and
// owner-defined ids).
//
// Thread-safety: a UsageLog is thread-safe. Record*(), Flush(), Counters() and the readers (Insights(),
// Popularity() in kb/insights.h) may be called from any number of threads at once. Readers use their own
// read-only connection and see every committed batch.
#ifndef KB_USAGE_LOG_H_
#define KB_USAGE_LOG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kb/redact.h"
#include "kb/status.h"

namespace kb {

// Version of the log's tables, stored as PRAGMA user_version.
inline constexpr int kUsageLogSchemaVersion = 1;

struct UsageLogOptions {
  // Events older than this many days are deleted. Must be 1 or more. Default: 90.
  int retention_days = 90;
  // Events kept at most per table; the oldest go first. Default: 5,000,000.
  std::int64_t max_events = 5'000'000;
  // Events waiting for the writer; beyond this, new events are dropped (and counted). Default: 10,000.
  std::size_t max_queue = 10'000;
  // Events per transaction at most. Default: 500.
  std::size_t max_batch = 500;
  // After the first event of a batch the writer waits this long for more before it commits, so that a busy
  // server writes one transaction for the searches of a tenth of a second instead of one for each (a search
  // shows in the reports this much later; Flush() does not wait for it; a crash loses what is gathering).
  // 0 = commit at once. Default: 100 (with 20, the commits were 1.6% of kb-server's CPU at about 1,500
  // searches/s; bench/README.md, "Session 11").
  int batch_gather_ms = 100;
  // How often the writer prunes old events. Default: 3600 (hourly).
  int prune_interval_seconds = 3600;
  // How long the writer waits before retrying a database it could not open or write. Default: 5000.
  int reopen_interval_ms = 5000;
  // Open an existing log for reading only (reports): no writer thread, no pruning, Record*() drops.
  // Open fails with kNotFound when the file does not exist. Default: false.
  bool read_only = false;
  // Mask personal data in queries and comments before they are stored (kb::Redactor). Default: true.
  bool redact = true;
  // Owner-defined ids to mask as "<id>" as well (ECMAScript regexes, e.g. "pay_[A-Za-z0-9]+"); an invalid one
  // fails Open with InvalidArgument. Default: none.
  std::vector<std::string> redact_id_patterns = {};
};

struct SearchEvent {
  std::string query;  // as typed
  // Filters applied besides the query: field → values (as in SearchRequest::filters).
  std::map<std::string, std::vector<std::string>> filters;
  int result_count = 0;
  std::vector<std::string> top_ids;  // ids of the results shown first; at most 10 are kept
  double latency_ms = 0;
  std::string user;          // optional caller-supplied id; "" = anonymous
  std::int64_t time_ms = 0;  // Unix time in milliseconds; 0 = now
};

enum class FeedbackType {
  kOpen,        // a result was opened (item_id, position)
  kCopy,        // a scripted answer was copied
  kNotHelpful,  // "this did not help" about item_id (or about the results of query when item_id is "")
  kKbLacks,     // "the KB lacks this": the query found nothing useful
};

// "open" | "copy" | "not_helpful" | "kb_lacks".
const char* FeedbackTypeName(FeedbackType type);
// The inverse of FeedbackTypeName; false for an unknown name.
bool ParseFeedbackType(std::string_view name, FeedbackType* type);

struct FeedbackEvent {
  FeedbackType type = FeedbackType::kOpen;
  std::string query;    // the query the engineer had searched for ("" if unknown)
  std::string item_id;  // "" for kKbLacks/kNotHelpful about a whole result list
  int position = 0;     // 1-based rank of the opened/copied result; 0 if unknown
  std::string comment;  // optional free text, at most 2000 bytes are kept
  std::string user;
  std::int64_t time_ms = 0;  // 0 = now
};

struct UsageLogCounters {
  std::uint64_t recorded = 0;      // events committed to the database
  std::uint64_t dropped = 0;       // events lost: queue full, database unavailable or a failed write
  std::uint64_t write_errors = 0;  // failed opens and failed transactions
  std::uint64_t queued = 0;        // events waiting for the writer right now
};

// The grouping key of a query: lowercased, punctuation stripped, stopwords dropped, each word stemmed
// (English), words sorted and de-duplicated. "Refund failed!" and "refunds failing" give "fail refund".
// Field filters (tag:x) are kept whole. A query of stopwords only keeps its words unstemmed.
std::string NormalizeQuery(std::string_view query);

class UsageLog {
 public:
  // Opens (creating if needed) the log at `path`. Fails only for invalid options, a log written by a newer
  // kb, or (read_only) a missing or unreadable file. A database that cannot be opened for writing is not
  // an error: the log starts degraded (Health() says why), drops events and retries in the background.
  static Result<std::unique_ptr<UsageLog>> Open(const std::string& path, const UsageLogOptions& options = {});
  // Writes what is still queued (waiting at most a few seconds), then stops the writer.
  ~UsageLog();
  UsageLog(const UsageLog&) = delete;
  UsageLog& operator=(const UsageLog&) = delete;

  // Never block on I/O, never throw.
  void RecordSearch(SearchEvent event);
  void RecordFeedback(FeedbackEvent event);

  // Waits until every event queued before the call is committed or dropped, at most `timeout_ms`.
  // Ok when the last of them was committed (the log works); kIoError when it, or a later event, was dropped
  // (Counters().dropped counts every loss); kUnavailable on timeout.
  Status Flush(int timeout_ms = 10000);
  UsageLogCounters Counters() const;
  // Ok while the database is writable; otherwise the last open or write error.
  Status Health() const;
  const std::string& path() const;

  // Item id → opens + copies in the last `days` days (for Searcher::SetPopularity).
  Result<std::unordered_map<std::string, double>> Popularity(int days = 90, std::int64_t now_ms = 0) const;

  // Marks the gap of query group `query_key` (NormalizeQuery) reviewed (or not) by `user`, at `now_ms` (0 =
  // now). Written at once, beside the writer's queue; kept until unmarked, whatever the retention.
  Status MarkReviewed(const std::string& query_key, bool reviewed, const std::string& user = "",
                      std::int64_t now_ms = 0);
  // Query key → the day (YYYY-MM-DD, UTC) it was marked reviewed.
  Result<std::unordered_map<std::string, std::string>> Reviewed() const;

  // Deletes events older than the retention period (relative to `now_ms`, 0 = now) right away.
  Status Prune(std::int64_t now_ms = 0);

 private:
  struct Rep;
  explicit UsageLog(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace kb

#endif  // KB_USAGE_LOG_H_
