#include "kb/usage_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "kb/index_writer.h"
#include "kb/insights.h"
#include "kb/searcher.h"
#include "test_util.h"

namespace kb {
namespace {

using testing::BuildDb;
using testing::Files;
using testing::Ids;
using testing::TempDir;

constexpr std::int64_t kDayMs = 86'400'000;
// 2026-11-23T12:00:00Z: "now" for the insights tests.
constexpr std::int64_t kNow = 20780 * kDayMs + 12 * 3'600'000;

std::unique_ptr<UsageLog> MustOpen(const std::string& path, UsageLogOptions options = {}) {
  Result<std::unique_ptr<UsageLog>> log = UsageLog::Open(path, options);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(*log) : nullptr;
}

// Runs one SQL statement returning one integer (or text via `text`) on a separate connection.
std::int64_t SqlInt(const std::string& path, const std::string& sql, std::string* text = nullptr) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
    if (text) *text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

SearchEvent Search(std::string query, int results, std::vector<std::string> top = {}, std::int64_t time = kNow) {
  SearchEvent e;
  e.query = std::move(query);
  e.result_count = results;
  e.top_ids = std::move(top);
  e.latency_ms = 1.5;
  e.time_ms = time;
  return e;
}

FeedbackEvent Feedback(FeedbackType type, std::string query, std::string item, std::string comment = "",
                       std::int64_t time = kNow) {
  FeedbackEvent e;
  e.type = type;
  e.query = std::move(query);
  e.item_id = std::move(item);
  e.position = 1;
  e.comment = std::move(comment);
  e.time_ms = time;
  return e;
}

TEST(NormalizeQueryTest, GroupsInflectionsCaseAndPunctuation) {
  EXPECT_EQ(NormalizeQuery("refund failed"), NormalizeQuery("refunds failing"));
  EXPECT_EQ(NormalizeQuery("refund failed"), NormalizeQuery("Refund  FAILED!!"));
  EXPECT_EQ(NormalizeQuery("failed refund"), NormalizeQuery("refund failed"));
  EXPECT_EQ(NormalizeQuery("how to refund a payment?"), NormalizeQuery("refund payments"));
  EXPECT_NE(NormalizeQuery("refund failed"), NormalizeQuery("refund pending"));
  EXPECT_EQ(NormalizeQuery("refund failed"), "fail refund");
}

TEST(NormalizeQueryTest, KeepsFiltersStopwordOnlyQueriesAndCodes) {
  EXPECT_EQ(NormalizeQuery("Tag:Payments refunds"), "refund tag:payments");
  EXPECT_EQ(NormalizeQuery("how to"), "how to");
  EXPECT_EQ(NormalizeQuery(""), "");
  EXPECT_EQ(NormalizeQuery("ERR_CARD_DECLINED"), NormalizeQuery("err_card_declined"));
  EXPECT_EQ(NormalizeQuery("Überweisung"), NormalizeQuery("überweisung"));
}

TEST(RedactTest, MasksEmailsCardsPhonesAndLongNumbers) {
  EXPECT_EQ(RedactPersonalData("refund for jane.doe@example.com please"), "refund for <email> please");
  EXPECT_EQ(RedactPersonalData("card 4111 1111 1111 1111 declined"), "card <card> declined");
  EXPECT_EQ(RedactPersonalData("call +49 30 1234567"), "call <phone>");
  EXPECT_EQ(RedactPersonalData("E1042 HTTP 502 on 2026-11-23 order 1234"), "E1042 HTTP 502 on 2026-11-23 order 1234");
  EXPECT_EQ(RedactPersonalData("@channel user@localhost"), "@channel user@localhost");
}

TEST(UsageLogTest, StoresRedactedQueriesAndComments) {
  TempDir dir;
  auto log = MustOpen(dir.Sub("usage.sqlite"));
  ASSERT_TRUE(log);
  log->RecordSearch(Search("refund 4111111111111111", 0, {}, 0));
  log->RecordFeedback(Feedback(FeedbackType::kKbLacks, "refund", "", "ask bob@example.org", 0));
  ASSERT_TRUE(log->Flush().ok());
  std::string text;
  SqlInt(log->path(), "SELECT query FROM searches", &text);
  EXPECT_EQ(text, "refund <card>");
  SqlInt(log->path(), "SELECT comment FROM feedback", &text);
  EXPECT_EQ(text, "ask <email>");
}

TEST(UsageLogTest, CreatesVersionedWalDatabaseAndRecords) {
  TempDir dir;
  const std::string path = dir.Sub("usage.sqlite");
  {
    auto log = MustOpen(path);
    ASSERT_TRUE(log);
    EXPECT_TRUE(log->Health().ok());
    log->RecordSearch(Search("refund failed", 0));
    log->RecordSearch(Search("card declined", 3, {"card-declined", "insufficient-funds"}));
    log->RecordFeedback(Feedback(FeedbackType::kOpen, "card declined", "card-declined"));
    ASSERT_TRUE(log->Flush().ok());
    UsageLogCounters c = log->Counters();
    EXPECT_EQ(c.recorded, 3u);
    EXPECT_EQ(c.dropped, 0u);
    EXPECT_EQ(c.write_errors, 0u);
    EXPECT_EQ(c.queued, 0u);
  }
  std::string mode;
  SqlInt(path, "PRAGMA journal_mode", &mode);
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(SqlInt(path, "PRAGMA user_version"), kUsageLogSchemaVersion);
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches"), 2);
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches WHERE query_key='fail refund'"), 1);
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM feedback WHERE type='open' AND item_id='card-declined'"), 1);
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM shown"), 2);
}

TEST(UsageLogTest, ManyThreadsRecordConcurrently) {
  TempDir dir;
  auto log = MustOpen(dir.Sub("usage.sqlite"), {.max_queue = 100'000});
  ASSERT_TRUE(log);
  constexpr int kThreads = 8, kEach = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (i % 2) {
          log->RecordSearch(Search("query " + std::to_string(t), i % 3, {"item-" + std::to_string(i % 7)}, 0));
        } else {
          log->RecordFeedback(Feedback(FeedbackType::kCopy, "query", "item-" + std::to_string(i % 5), "", 0));
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->Counters().recorded, static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_EQ(log->Counters().dropped, 0u);
  EXPECT_EQ(SqlInt(log->path(), "SELECT (SELECT count(*) FROM searches) + (SELECT count(*) FROM feedback)"),
            kThreads * kEach);
}

// The writer lets a batch gather for batch_gather_ms; Flush() and closing the log do not wait for that.
TEST(UsageLogTest, GatheringBatchIsWrittenAtOnceOnFlushAndClose) {
  TempDir dir;
  const std::string path = dir.Sub("usage.sqlite");
  {
    auto log = MustOpen(path, {.batch_gather_ms = 600'000});
    ASSERT_TRUE(log);
    for (int i = 0; i < 30; ++i) log->RecordSearch(Search("refund " + std::to_string(i), 1, {"a", "b"}, 0));
    // A Flush that waited for the batch to fill would time out (the batch never fills: max_batch is 500).
    ASSERT_TRUE(log->Flush(/*timeout_ms=*/60'000).ok());
    EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches"), 30);
    EXPECT_EQ(log->Counters().recorded, 30u);
    log->RecordSearch(Search("written when the log closes", 1, {}, 0));
  }
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches"), 31);
}

TEST(UsageLogTest, FullQueueDropsInsteadOfBlocking) {
  TempDir dir;
  const std::string path = dir.Sub("usage.sqlite");
  auto log = MustOpen(path, {.max_queue = 10, .max_batch = 5});
  ASSERT_TRUE(log);
  // Another connection holds the write lock, so the writer waits (busy timeout) with its first batch.
  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &blocker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) log->RecordSearch(Search(std::string("q").append(std::to_string(i)), 1, {}, 0));
  const auto took = std::chrono::steady_clock::now() - started;
  // Blocking would mean waiting out SQLite's 5 s busy timeout; half of it is room enough for a sanitized build.
  EXPECT_LT(took, std::chrono::milliseconds(2500));
  EXPECT_GE(log->Counters().dropped, 100u - 10u - 5u);
  ASSERT_EQ(sqlite3_exec(blocker, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(blocker);
  (void)log->Flush();
  const UsageLogCounters c = log->Counters();
  EXPECT_EQ(c.recorded + c.dropped, 100u);
}

TEST(UsageLogTest, UnwritableDatabaseDropsAndCounts) {
  TempDir dir;
  // A directory where the file should be: not writable as a database even for root.
  std::filesystem::create_directory(dir.Sub("usage.sqlite"));
  auto log = MustOpen(dir.Sub("usage.sqlite"));
  ASSERT_TRUE(log);
  EXPECT_FALSE(log->Health().ok());
  for (int i = 0; i < 5; ++i) log->RecordSearch(Search("refund", 1, {}, 0));
  log->RecordFeedback(Feedback(FeedbackType::kKbLacks, "refund", "", "nothing about it", 0));
  Status flushed = log->Flush();
  EXPECT_EQ(flushed.code(), StatusCode::kIoError) << flushed.ToString();
  const UsageLogCounters c = log->Counters();
  EXPECT_EQ(c.dropped, 6u);
  EXPECT_EQ(c.recorded, 0u);
  EXPECT_GE(c.write_errors, 1u);
}

TEST(UsageLogTest, WriteProtectedFileDropsAndCounts) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes to write-protected files";
  TempDir dir;
  const std::string path = dir.Sub("usage.sqlite");
  { MustOpen(path); }
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  auto log = MustOpen(path);
  ASSERT_TRUE(log);
  EXPECT_FALSE(log->Health().ok());
  log->RecordSearch(Search("refund", 1, {}, 0));
  EXPECT_FALSE(log->Flush().ok());
  EXPECT_EQ(log->Counters().dropped, 1u);
}

TEST(UsageLogTest, RecoversWhenTheDatabaseBecomesAvailable) {
  TempDir dir;
  const std::string path = dir.Sub("later/usage.sqlite");
  auto log = MustOpen(path, {.reopen_interval_ms = 0});
  ASSERT_TRUE(log);
  log->RecordSearch(Search("refund", 1, {}, 0));
  EXPECT_FALSE(log->Flush().ok());
  std::filesystem::create_directory(dir.Sub("later"));
  log->RecordSearch(Search("refund", 1, {}, 0));
  EXPECT_TRUE(log->Flush().ok());
  EXPECT_TRUE(log->Health().ok());
  EXPECT_EQ(log->Counters().recorded, 1u);
  EXPECT_EQ(log->Counters().dropped, 1u);
}

TEST(UsageLogTest, RetentionPrunesOnOpenAndCapsEvents) {
  TempDir dir;
  const std::string path = dir.Sub("usage.sqlite");
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  {
    auto log = MustOpen(path, {.retention_days = 365});
    ASSERT_TRUE(log);
    log->RecordSearch(Search("old", 1, {"a"}, now - 100 * kDayMs));
    log->RecordFeedback(Feedback(FeedbackType::kOpen, "old", "a", "", now - 100 * kDayMs));
    log->RecordSearch(Search("new", 1, {"b"}, now - kDayMs));
    log->RecordFeedback(Feedback(FeedbackType::kOpen, "new", "b", "", now - kDayMs));
    ASSERT_TRUE(log->Flush().ok());
  }
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches"), 2);
  {
    auto log = MustOpen(path, {.retention_days = 30});
    ASSERT_TRUE(log);
  }
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches"), 1);
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM feedback"), 1);
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM shown"), 1);
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches WHERE query='new'"), 1);

  auto log = MustOpen(path, {.retention_days = 30, .max_events = 10});
  ASSERT_TRUE(log);
  for (int i = 0; i < 50; ++i) log->RecordSearch(Search(std::string("q").append(std::to_string(i)), 1, {}, 0));
  ASSERT_TRUE(log->Flush().ok());
  ASSERT_TRUE(log->Prune().ok());
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches"), 10);
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM searches WHERE query='q49'"), 1);
}

TEST(UsageLogTest, RejectsBadOptionsAndNewerSchema) {
  TempDir dir;
  EXPECT_EQ(UsageLog::Open("", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(UsageLog::Open(dir.Sub("a"), {.retention_days = 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(UsageLog::Open(dir.Sub("missing"), {.read_only = true}).status().code(), StatusCode::kNotFound);
  const std::string path = dir.Sub("usage.sqlite");
  { MustOpen(path); }
  SqlInt(path, "PRAGMA user_version=99");
  EXPECT_EQ(UsageLog::Open(path, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(UsageLog::Open(path, {.read_only = true}).status().code(), StatusCode::kInvalidArgument);
}

TEST(UsageLogTest, SurvivesSigkillMidWrite) {
  TempDir dir;
  const std::string path = dir.Sub("usage.sqlite");
  // The writer, in a child process, prints the count of events it has flushed after each batch.
  testing::Child writer;
  ASSERT_TRUE(writer.Run([&] {
    auto opened = UsageLog::Open(path, {});
    if (!opened.ok()) return 1;
    std::unique_ptr<UsageLog> log = std::move(*opened);
    for (std::int64_t acknowledged = 0;;) {
      for (int i = 0; i < 20; ++i) {
        log->RecordSearch(Search("refund failed " + std::to_string(i), i, {"a", "b", "c"}, 0));
        log->RecordFeedback(Feedback(FeedbackType::kNotHelpful, "refund", "a", std::string(300, 'x'), 0));
      }
      if (!log->Flush().ok()) return 2;
      acknowledged += 40;
      const std::string line = std::to_string(acknowledged) + "\n";
      if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 3;
    }
  }));
  std::int64_t acknowledged = 0;
  for (std::string line; acknowledged < 4000 && writer.ReadLine(&line);) acknowledged = std::stoll(line);
  writer.Signal(SIGKILL);
  const int code = writer.Wait();
  // The child may have acknowledged more before it died.
  for (std::string line; writer.ReadLine(&line, std::chrono::milliseconds(0));) acknowledged = std::stoll(line);
  ASSERT_EQ(code, 128 + SIGKILL) << "the child exited early; stderr: " << writer.Err();
  ASSERT_GE(acknowledged, 4000);

  std::string check;
  SqlInt(path, "PRAGMA integrity_check", &check);
  EXPECT_EQ(check, "ok");
  const std::int64_t stored = SqlInt(path, "SELECT (SELECT count(*) FROM searches) + (SELECT count(*) FROM feedback)");
  EXPECT_GE(stored, acknowledged);
  auto log = MustOpen(path);
  ASSERT_TRUE(log);
  EXPECT_TRUE(log->Health().ok());
  log->RecordSearch(Search("after the crash", 1, {}, 0));
  EXPECT_TRUE(log->Flush().ok());
}

// Items for the insights and verification tests. Today is 2026-11-23.
const Files& Items() {
  static const Files files = {
      {"refunds.md",
       "---\ntitle: Refunds\nowner: payments\nverified: 2026-06-01\nverify_every: 90d\n---\n"
       "# Refunds\n\nHow to refund a payment.\n"},
      {"chargebacks.md",
       "---\ntitle: Chargebacks\nowner: payments\nverified: 2026-09-01\nverify_every: 90d\n---\n"
       "# Chargebacks\n\nDisputes and chargebacks.\n"},
      {"login.md",
       "---\ntitle: Login problems\nowner: identity\nverified: 2026-01-01\nverify_every: 180d\n---\n"
       "# Login problems\n\nPassword resets and locked accounts.\n"},
      {"invoices.md",
       "---\ntitle: Invoices\nowner: billing\nverified: 2026-11-01\nverify_every: 365d\n---\n"
       "# Invoices\n\nWhere invoices are.\n"},
      {"sso.md", "---\ntitle: Single sign-on\nowner: identity\n---\n# Single sign-on\n\nSAML setup.\n"},
  };
  return files;
}

TEST(InsightsTest, ListsTheWordsNoItemHoldsAsTheIndexIsNow) {
  TempDir dir;
  BuildDb(dir.Sub("db"), Items());
  auto log = MustOpen(dir.Sub("usage.sqlite"), {.retention_days = 3650});
  ASSERT_TRUE(log);
  for (const char* q : {"gdpr refund", "GDPR refund", "gdpr export", "klarna chargebacks", "refund"}) {
    log->RecordSearch(Search(q, 1, {"refunds"}));
  }
  // A pasted message's words (names, signatures) are not vocabulary, nor is a search outside the window.
  log->RecordSearch(Search("Hi team,\nZbigniew asks about a refund.\nThanks, Wojtek", 1, {"refunds"}));
  log->RecordSearch(Search("teleport refund", 1, {"refunds"}, kNow - 60 * kDayMs));
  ASSERT_TRUE(log->Flush().ok());
  auto reader = MustOpen(log->path(), {.read_only = true});
  ASSERT_TRUE(reader);
  {
    auto searcher = Searcher::Open({dir.Sub("db")});
    ASSERT_TRUE(searcher.ok());
    Result<Insights> in = ComputeInsights(*reader, searcher->get(), {.days = 30, .now_ms = kNow});
    ASSERT_TRUE(in.ok()) << in.status().ToString();
    ASSERT_EQ(in->missing_words.size(), 3u) << InsightsToMarkdown(*in);
    const MissingWord& gdpr = in->missing_words[0];
    EXPECT_EQ(gdpr.word, "gdpr");
    EXPECT_EQ(gdpr.searches, 3);
    ASSERT_EQ(gdpr.queries.size(), 2u);  // "gdpr refund" in either case, then "gdpr export"
    EXPECT_EQ(gdpr.queries[0].count, 2);
    EXPECT_EQ(gdpr.queries[1].query, "gdpr export");
    EXPECT_EQ(gdpr.last_seen, "2026-11-23");
    EXPECT_EQ(in->missing_words[1].word, "export");
    EXPECT_EQ(in->missing_words[2].word, "klarna");
    EXPECT_NE(InsightsToMarkdown(*in).find("`gdpr` — 3 searches (in `"), std::string::npos);
    EXPECT_NE(InsightsToJson(*in).find("\"word\": \"klarna\""), std::string::npos);
  }
  // Once an article holds the word, it is no longer a gap.
  Files more = Items();
  more.push_back({"gdpr.md", "---\ntitle: GDPR requests\nowner: legal\n---\n# GDPR requests\n\nData exports.\n"});
  BuildDb(dir.Sub("db2"), more);
  auto searcher = Searcher::Open({dir.Sub("db2")});
  ASSERT_TRUE(searcher.ok());
  Result<Insights> in = ComputeInsights(*reader, searcher->get(), {.days = 30, .now_ms = kNow});
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->missing_words.size(), 1u);
  EXPECT_EQ(in->missing_words[0].word, "klarna");
  // Without a searcher there is no index to ask.
  EXPECT_TRUE(ComputeInsights(*reader, nullptr, {.days = 30, .now_ms = kNow})->missing_words.empty());
  // A searcher that now refuses some logged queries (a lower query limit) still lists the others' words.
  SearcherOptions strict;
  strict.max_query_bytes = 12;  // "gdpr refund" (11 bytes) passes, "klarna chargebacks" does not
  auto limited = Searcher::Open({dir.Sub("db")}, strict);
  ASSERT_TRUE(limited.ok());
  Result<Insights> some = ComputeInsights(*reader, limited->get(), {.days = 30, .now_ms = kNow});
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  ASSERT_EQ(some->missing_words.size(), 2u);
  EXPECT_EQ(some->missing_words[0].word, "gdpr");
  EXPECT_EQ(some->missing_words[1].word, "export");
}

TEST(InsightsTest, PastedMessagesTakeNoPlaceAmongTheQueriesAskedForMissingWords) {
  // 1,000 pasted messages searched twice each, more often than the one typed query: the queries asked are
  // the typed ones, so "gdpr" is still found.
  TempDir dir;
  BuildDb(dir.Sub("db"), Items());
  auto log = MustOpen(dir.Sub("usage.sqlite"), {.retention_days = 3650});
  ASSERT_TRUE(log);
  for (int i = 0; i < 1000; ++i) {
    std::string tag;
    for (int k = i; k > 0 || tag.empty(); k /= 26) tag += static_cast<char>('a' + k % 26);
    const std::string message = "Hello,\nthe refund of case " + tag + " failed again.\nBest";
    log->RecordSearch(Search(message, 1, {"refunds"}));
    log->RecordSearch(Search(message, 1, {"refunds"}));
  }
  log->RecordSearch(Search("gdpr refund", 1, {"refunds"}));
  ASSERT_TRUE(log->Flush().ok());
  ASSERT_EQ(log->Counters().recorded, 2001u);
  auto searcher = Searcher::Open({dir.Sub("db")});
  ASSERT_TRUE(searcher.ok());
  Result<Insights> in = ComputeInsights(*log, searcher->get(), {.days = 30, .now_ms = kNow});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_EQ(in->missing_words.size(), 1u);
  EXPECT_EQ(in->missing_words[0].word, "gdpr");
}

TEST(InsightsTest, CountsGapsClicksReportsStaleAndNeverShown) {
  TempDir dir;
  BuildDb(dir.Sub("db"), Items());
  auto searcher = Searcher::Open({dir.Sub("db")});
  ASSERT_TRUE(searcher.ok());
  auto log = MustOpen(dir.Sub("usage.sqlite"), {.retention_days = 3650});
  ASSERT_TRUE(log);
  const std::int64_t yesterday = kNow - kDayMs;
  log->RecordSearch(Search("refund failed", 0, {}, yesterday));
  log->RecordSearch(Search("refunds failing", 0));
  log->RecordSearch(Search("Refund failed!", 0));
  log->RecordSearch(Search("payout schedule", 0));
  log->RecordSearch(Search("refunds", 2, {"refunds", "chargebacks"}));
  log->RecordSearch(Search("refund", 2, {"refunds", "chargebacks"}));
  log->RecordSearch(Search("login", 1, {"login"}));
  log->RecordSearch(Search("login", 1, {"login"}));
  log->RecordFeedback(Feedback(FeedbackType::kOpen, "refunds", "refunds"));
  log->RecordFeedback(Feedback(FeedbackType::kNotHelpful, "refunds", "refunds", "outdated screenshots"));
  log->RecordFeedback(Feedback(FeedbackType::kKbLacks, "refund", "refunds", "no partial refunds"));
  log->RecordFeedback(Feedback(FeedbackType::kKbLacks, "payout schedule", "", "we need this"));
  log->RecordSearch(Search("ancient", 0, {"sso"}, kNow - 60 * kDayMs));  // outside a 30-day window
  ASSERT_TRUE(log->Flush().ok());

  auto reader = MustOpen(log->path(), {.read_only = true});
  ASSERT_TRUE(reader);
  Result<Insights> in = ComputeInsights(*reader, searcher->get(), {.days = 30, .now_ms = kNow});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->since, "2026-10-25");
  EXPECT_EQ(in->until, "2026-11-23");
  EXPECT_EQ(in->searches, 8);
  EXPECT_EQ(in->no_result_searches, 4);
  EXPECT_EQ(in->opens, 1);
  EXPECT_EQ(in->not_helpful, 1);
  EXPECT_EQ(in->kb_lacks, 2);

  ASSERT_EQ(in->no_result_queries.size(), 2u);
  const QueryGroup& gap = in->no_result_queries[0];
  EXPECT_EQ(gap.key, "fail refund");
  EXPECT_EQ(gap.no_result, 3);
  ASSERT_EQ(gap.examples.size(), 3u);  // the raw forms, each once
  EXPECT_EQ(in->no_result_queries[1].key, "payout schedul");

  // "refund"/"refunds" were opened; "login" was not.
  ASSERT_EQ(in->no_click_queries.size(), 1u);
  EXPECT_EQ(in->no_click_queries[0].key, "login");
  EXPECT_EQ(in->no_click_queries[0].searches, 2);

  ASSERT_EQ(in->top_queries.size(), 4u);
  EXPECT_EQ(in->top_queries[0].searches, 3);
  const auto refund = std::find_if(in->top_queries.begin(), in->top_queries.end(),
                                   [](const QueryGroup& g) { return g.key == "refund"; });
  ASSERT_NE(refund, in->top_queries.end());
  EXPECT_EQ(refund->searches, 2);
  EXPECT_EQ(refund->clicks, 1);

  ASSERT_EQ(in->most_reported_items.size(), 1u);
  EXPECT_EQ(in->most_reported_items[0].id, "refunds");
  EXPECT_EQ(in->most_reported_items[0].title, "Refunds");
  EXPECT_EQ(in->most_reported_items[0].not_helpful, 1);
  EXPECT_EQ(in->most_reported_items[0].kb_lacks, 1);
  EXPECT_EQ(in->most_reported_items[0].comments.size(), 2u);
  ASSERT_EQ(in->gap_reports.size(), 1u);
  EXPECT_EQ(in->gap_reports[0].query, "payout schedule");
  EXPECT_EQ(in->gap_reports[0].comments, std::vector<std::string>{"we need this"});

  ASSERT_EQ(in->trend.size(), 30u);
  EXPECT_EQ(in->trend.back().day, "2026-11-23");
  EXPECT_EQ(in->trend.back().searches, 7);
  EXPECT_EQ(in->trend.back().no_result, 3);
  EXPECT_EQ(in->trend[28].searches, 1);
  EXPECT_DOUBLE_EQ(in->trend[28].no_result_share, 1.0);

  EXPECT_EQ(in->items, 5);
  EXPECT_EQ(in->never_shown_total, 2);  // invoices, and sso (shown only 60 days ago)
  // Refunds is stale since 2026-08-30, login since 2026-06-30.
  EXPECT_EQ(in->stale_total, 2);
  ASSERT_EQ(in->stale_by_owner.size(), 2u);
  for (const OwnerItems& team : in->stale_by_owner) {
    ASSERT_EQ(team.items.size(), 1u);
    EXPECT_EQ(team.items[0].days_overdue, team.owner == "identity" ? 146 : 85) << team.owner;
  }

  const std::string md = InsightsToMarkdown(*in);
  EXPECT_NE(md.find("`refund failed`"), std::string::npos) << md;
  EXPECT_NE(md.find("**Refunds**"), std::string::npos) << md;
  const std::string json = InsightsToJson(*in);
  EXPECT_NE(json.find("\"no_result_queries\""), std::string::npos);
  EXPECT_NE(json.find("\"refunds failing\""), std::string::npos);
}

TEST(InsightsTest, EmptyLogGivesEmptyDays) {
  TempDir dir;
  auto log = MustOpen(dir.Sub("usage.sqlite"));
  ASSERT_TRUE(log);
  Result<Insights> in = ComputeInsights(*log, nullptr, {.days = 7});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->searches, 0);
  EXPECT_EQ(in->trend.size(), 7u);
  EXPECT_EQ(ComputeInsights(*log, nullptr, {.days = 0}).status().code(), StatusCode::kInvalidArgument);
}

TEST(VerificationTest, ListsOverdueFirstPerOwner) {
  TempDir dir;
  BuildDb(dir.Sub("db"), Items());
  auto searcher = Searcher::Open({dir.Sub("db")});
  ASSERT_TRUE(searcher.ok());
  Result<VerificationPlan> plan = PlanVerification(**searcher, {.today = "2026-11-23", .horizon_days = 10});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->owners.size(), 2u);  // billing is not due for months; sso has no interval
  EXPECT_EQ(plan->owners[0].owner, "identity");
  EXPECT_EQ(plan->owners[0].overdue, 1);
  const OwnerVerification& payments = plan->owners[1];
  EXPECT_EQ(payments.owner, "payments");
  EXPECT_EQ(payments.overdue, 1);
  EXPECT_EQ(payments.due_soon, 1);  // chargebacks: due 2026-11-30
  ASSERT_EQ(payments.items.size(), 2u);
  EXPECT_EQ(payments.items[0].id, "refunds");
  EXPECT_EQ(payments.items[1].id, "chargebacks");
  EXPECT_EQ(payments.items[1].days_overdue, -7);

  Result<VerificationPlan> one = PlanVerification(**searcher, {.today = "2026-11-23", .owner = "Payments"});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->owners.size(), 1u);
  const std::string md = VerificationToMarkdown(*one);
  EXPECT_NE(md.find("## payments: 1 overdue, 1 due within 30 days"), std::string::npos) << md;
  EXPECT_NE(md.find("overdue by 85 days"), std::string::npos) << md;
  EXPECT_NE(VerificationToJson(*one).find("\"days_overdue\": 85"), std::string::npos);
  EXPECT_EQ(PlanVerification(**searcher, {.today = "someday"}).status().code(), StatusCode::kInvalidArgument);
}

// A search serves at most 10,000 results, and items alike in every facet could not be split below that: the
// insights and the plan walk the index instead, so none is left out.
TEST(VerificationTest, ListsEveryItemBeyondTheSearchWindow) {
  TempDir dir;
  constexpr int kItems = 10'001;
  {
    auto writer = IndexWriter::Open(dir.Sub("db"), {.spelling = false});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (int i = 0; i < kItems; ++i) {
      Item item;
      item.id = "item-" + std::to_string(i);
      item.title = "Item " + std::to_string(i);
      item.path = item.id + ".md";
      item.owner = "payments";
      item.verified = "2026-01-01";
      item.verify_every_days = 30;
      ASSERT_TRUE((*writer)->Upsert(item).ok());
    }
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  auto searcher = Searcher::Open({dir.Sub("db")});
  ASSERT_TRUE(searcher.ok());
  Result<VerificationPlan> plan = PlanVerification(**searcher, {.today = "2026-11-23", .owner = "payments"});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->owners.size(), 1u);
  EXPECT_EQ(plan->owners[0].overdue, kItems);

  auto log = MustOpen(dir.Sub("usage.sqlite"));
  ASSERT_TRUE(log);
  Result<Insights> in = ComputeInsights(*log, searcher->get(), {.now_ms = kNow});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->items, kItems);
  EXPECT_EQ(in->never_shown_total, kItems);
  ASSERT_EQ(in->stale_by_owner.size(), 1u);
  EXPECT_EQ(in->stale_by_owner[0].items.size() + in->stale_by_owner[0].more, static_cast<std::size_t>(kItems));
  // The limit's worth of them, equally overdue and so in id order, each with its title and path.
  const std::vector<ItemRef>& stale = in->stale_by_owner[0].items;
  ASSERT_EQ(stale.size(), 20u);
  EXPECT_EQ(stale[0].id, "item-0");
  EXPECT_EQ(stale[1].id, "item-1");
  EXPECT_EQ(stale[2].id, "item-10");
  EXPECT_EQ(stale[19].id, "item-1013");
  EXPECT_EQ(stale[2].title, "Item 10");
  EXPECT_EQ(stale[2].path, "item-10.md");
  EXPECT_EQ(stale[2].days_overdue, 296);
  // In title order, as a search sorted by title lists them.
  ASSERT_FALSE(in->never_shown_items.empty());
  EXPECT_EQ(in->never_shown_items[0].id, "item-0");
  EXPECT_EQ(in->never_shown_items[1].id, "item-1");
  EXPECT_EQ(in->never_shown_items[2].id, "item-10");
}

TEST(PopularityTest, CountsOpensAndCopiesAndBoostsOnlyWhenEnabled) {
  TempDir dir;
  BuildDb(dir.Sub("db"), {
                             {"a.md", "---\ntitle: Alpha guide\n---\nwidget setup steps\n"},
                             {"b.md", "---\ntitle: Beta guide\n---\nwidget setup steps\n"},
                         });
  auto log = MustOpen(dir.Sub("usage.sqlite"));
  ASSERT_TRUE(log);
  for (int i = 0; i < 20; ++i) log->RecordFeedback(Feedback(FeedbackType::kCopy, "widget", "b", "", 0));
  log->RecordFeedback(Feedback(FeedbackType::kOpen, "widget", "a", "", 0));
  log->RecordFeedback(Feedback(FeedbackType::kNotHelpful, "widget", "a", "", 0));
  ASSERT_TRUE(log->Flush().ok());
  Result<std::unordered_map<std::string, double>> popularity = log->Popularity(30);
  ASSERT_TRUE(popularity.ok()) << popularity.status().ToString();
  EXPECT_EQ(popularity->at("b"), 20);
  EXPECT_EQ(popularity->at("a"), 1);
  auto shared = std::make_shared<const std::unordered_map<std::string, double>>(*popularity);

  auto off = Searcher::Open({dir.Sub("db")});
  ASSERT_TRUE(off.ok());
  Result<SearchResponse> before = (*off)->Search({.query = "widget setup"});
  ASSERT_TRUE(before.ok());
  (*off)->SetPopularity(shared);
  Result<SearchResponse> still = (*off)->Search({.query = "widget setup"});
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(Ids(*before), (std::vector<std::string>{"a", "b"}));  // equal scores: index order
  EXPECT_EQ(Ids(*before), Ids(*still));
  ASSERT_EQ(before->hits.size(), 2u);
  EXPECT_DOUBLE_EQ(before->hits[0].score, still->hits[0].score);

  SearcherOptions boosted;
  boosted.ranking.popularity_boost = 0.5;
  auto on = Searcher::Open({dir.Sub("db")}, boosted);
  ASSERT_TRUE(on.ok());
  (*on)->SetPopularity(shared);
  Result<SearchResponse> after = (*on)->Search({.query = "widget setup"});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Ids(*after), (std::vector<std::string>{"b", "a"}));
}

}  // namespace
}  // namespace kb
