// Knowledge-gap insights end to end: a real kb-server records searches, opens and reports in its usage log
// (SQLite) and answers /api/insights from it; the log survives SIGKILL, and an unwritable log costs no search.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "server_test_util.h"

namespace kb::testing {
namespace {

class InsightsTest : public ::testing::Test {
 protected:
  void SetUp() override { BuildDbFromDir(dir_.Sub("db"), FixtureDir()); }

  ::testing::AssertionResult Start(const std::string& usage_log, std::vector<std::string> extra = {}) {
    // A log file per start: ServerProcess reads the port from the newest "listening" line of its log.
    server_ = std::make_unique<ServerProcess>(dir_.Sub("server-" + std::to_string(++starts_) + ".log"));
    std::vector<std::string> args = {"--db",         dir_.Sub("db"), "--threads",   "4",
                                     "--access-log", "off",          "--usage-log", usage_log};
    args.insert(args.end(), extra.begin(), extra.end());
    auto started = server_->Start(args);
    if (started) cli_ = server_->Client();
    return started;
  }

  int Search(const std::string& query, const std::string& extra = "") {
    auto res = cli_->Get("/api/search?q=" + httplib::detail::encode_query_param(query) + extra);
    return res ? res->status : 0;
  }

  json Post(const std::string& path, const json& body, int status = 202) {
    auto res = cli_->Post(path, body.dump(), "application/json");
    EXPECT_TRUE(res) << path;
    if (!res) return json();
    EXPECT_EQ(res->status, status) << path << " " << body.dump() << ": " << res->body;
    return json::parse(res->body, nullptr, false);
  }

  json Insights() {
    auto res = cli_->Get("/api/insights?days=1");
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    return res ? json::parse(res->body, nullptr, false) : json();
  }

  std::string Metrics() {
    auto res = cli_->Get("/metrics");
    return res ? res->body : "";
  }

  TempDir dir_;
  int starts_ = 0;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> cli_;
};

const json* Find(const json& list, const std::string& field, const std::string& value) {
  for (const json& row : list) {
    if (row.value(field, "") == value) return &row;
  }
  return nullptr;
}

// The value of a Prometheus sample without labels, -1 if absent.
double Sample(const std::string& metrics, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const std::size_t at = metrics.find(key);
  return at == std::string::npos ? -1 : std::stod(metrics.substr(at + key.size()));
}

std::int64_t SqlInt(const std::string& path, const char* sql, std::string* text = nullptr) {
  sqlite3* db = nullptr;
  std::int64_t value = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
      if (text) *text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

TEST_F(InsightsTest, ReportsNoResultUnclickedAndReportedFromRealTraffic) {
  ASSERT_TRUE(Start(dir_.Sub("usage.sqlite")));
  // Two phrasings of one gap, searched three times.
  EXPECT_EQ(Search("teleport quantum widgets"), 200);
  EXPECT_EQ(Search("teleporting quantum widget"), 200);
  EXPECT_EQ(Search("Teleport quantum widgets!"), 200);
  // Found, never opened.
  EXPECT_EQ(Search("password reset"), 200);
  EXPECT_EQ(Search("password resets"), 200);
  // Found and opened.
  EXPECT_EQ(Search("refund"), 200);
  Post("/api/events", {{"type", "open"}, {"query", "refund"}, {"item_id", "payments/refunds"}, {"position", 1}});
  Post("/api/events", {{"type", "copy"}, {"query", "refund"}, {"item_id", "payments/answers/refund-status"}});
  // Reports: two about one item, one about a query (through the page's existing feedback route).
  Post("/api/events", {{"type", "not_helpful"},
                       {"query", "card declined"},
                       {"item_id", "payments/declined-cards"},
                       {"comment", "does not cover 3DS"}});
  Post("/api/events", {{"type", "kb_lacks"},
                       {"query", "declined"},
                       {"item_id", "payments/declined-cards"},
                       {"comment", "nothing on Amex"},
                       {"user", "agent-7"}});
  Post("/api/feedback", {{"kind", "no_answer"}, {"query", "teleport quantum widgets"}, {"comment", "we need this"}});
  // Not logged: as-you-type, later pages, opted out.
  EXPECT_EQ(Search("teleport quantum widgets", "&partial=true"), 200);
  EXPECT_EQ(Search("teleport quantum widgets", "&page=2"), 200);
  EXPECT_EQ(Search("teleport quantum widgets", "&log=false"), 200);

  json in = Insights();
  ASSERT_TRUE(in.is_object());
  EXPECT_EQ(in["searches"], 6);
  EXPECT_EQ(in["no_result_searches"], 3);
  EXPECT_EQ(in["opens"], 1);
  EXPECT_EQ(in["copies"], 1);
  EXPECT_EQ(in["not_helpful"], 1);
  EXPECT_EQ(in["kb_lacks"], 2);

  const json* gap = Find(in["no_result_queries"], "key", "quantum teleport widget");
  ASSERT_NE(gap, nullptr) << in["no_result_queries"].dump(2);
  EXPECT_EQ((*gap)["no_result"], 3);
  EXPECT_EQ((*gap)["examples"].size(), 3u);
  EXPECT_EQ(in["no_result_queries"].size(), 1u);

  const json* unclicked = Find(in["no_click_queries"], "key", "password reset");
  ASSERT_NE(unclicked, nullptr) << in["no_click_queries"].dump(2);
  EXPECT_EQ((*unclicked)["searches"], 2);
  EXPECT_EQ(Find(in["no_click_queries"], "key", "refund"), nullptr);

  ASSERT_FALSE(in["most_reported_items"].empty());
  const json& reported = in["most_reported_items"][0];
  EXPECT_EQ(reported["id"], "payments/declined-cards");
  EXPECT_EQ(reported["reports"], 2);
  EXPECT_EQ(reported["not_helpful"], 1);
  EXPECT_EQ(reported["kb_lacks"], 1);
  EXPECT_EQ(reported["comments"].size(), 2u);
  EXPECT_FALSE(reported["title"].get<std::string>().empty());
  const json* lacking = Find(in["gap_reports"], "key", "quantum teleport widget");
  ASSERT_NE(lacking, nullptr) << in["gap_reports"].dump(2);
  EXPECT_EQ((*lacking)["comments"][0], "we need this");

  ASSERT_EQ(in["trend"].size(), 1u);
  EXPECT_EQ(in["trend"][0]["searches"], 6);
  EXPECT_GT(in["items"].get<int>(), 0);

  auto md = cli_->Get("/api/insights?days=1&format=markdown");
  ASSERT_TRUE(md && md->status == 200);
  EXPECT_NE(md->get_header_value("Content-Type").find("text/markdown"), std::string::npos);
  EXPECT_NE(md->body.find("`teleport quantum widgets`"), std::string::npos) << md->body;
  auto plan = cli_->Get("/api/verification?format=json");
  ASSERT_TRUE(plan && plan->status == 200) << (plan ? plan->body : "");
  EXPECT_TRUE(json::parse(plan->body, nullptr, false).contains("owners"));

  EXPECT_EQ(Sample(Metrics(), "kb_usage_events_recorded_total"), 11);
  EXPECT_EQ(Sample(Metrics(), "kb_usage_events_dropped_total"), 0);
}

// Gaps carry the team to route them to, can be marked reviewed (kept in the usage log across restarts) and
// filtered by owner; spacing and case do not split a query into two groups.
TEST_F(InsightsTest, GapsAreRoutedReviewedAndFilteredByOwner) {
  ASSERT_TRUE(Start(dir_.Sub("usage.sqlite")));
  for (const char* q : {"webhook retries", "Webhook   retries ", "webhook retries"}) ASSERT_EQ(Search(q), 200);
  ASSERT_EQ(Search("password reset"), 200);
  json j = Insights();
  ASSERT_EQ(j["no_click_queries"].size(), 2u) << j.dump();
  json webhook;
  for (const auto& g : j["no_click_queries"]) {
    if (g["key"].get<std::string>().find("webhook") != std::string::npos) webhook = g;
  }
  ASSERT_FALSE(webhook.is_null()) << j.dump();
  EXPECT_EQ(webhook["searches"], 3);
  EXPECT_EQ(webhook["examples"].size(), 1u) << "one raw form: " << webhook["examples"].dump();
  EXPECT_EQ(webhook["owner"], "integrations-team");
  EXPECT_EQ(webhook["nearest_id"], "payments/webhooks");
  EXPECT_EQ(webhook["reviewed"], "");
  EXPECT_EQ(j["owners"], json({"identity-team", "integrations-team"})) << j["owners"].dump();

  auto owned = cli_->Get("/api/insights?days=1&owner=identity-team");
  ASSERT_TRUE(owned && owned->status == 200);
  json o = json::parse(owned->body);
  ASSERT_EQ(o["no_click_queries"].size(), 1u);
  EXPECT_EQ(o["no_click_queries"][0]["owner"], "identity-team");

  auto md = cli_->Get("/api/insights?days=1&format=markdown");
  ASSERT_TRUE(md && md->status == 200);
  EXPECT_NE(md->body.find("`webhook retries` — 3 searches → integrations-team"), std::string::npos) << md->body;

  json marked = Post("/api/insights/reviewed", {{"key", webhook["key"]}}, 200);
  EXPECT_EQ(marked["reviewed"], true);
  Post("/api/insights/reviewed", {{"key", ""}}, 400);
  Post("/api/insights/reviewed", {{"key", "x"}, {"reviewed", "yes"}}, 400);
  // The mark survives a restart: it lives in the usage log.
  ASSERT_TRUE(Start(dir_.Sub("usage.sqlite")));
  j = Insights();
  for (const auto& g : j["no_click_queries"]) {
    EXPECT_EQ(g["reviewed"] != "", g["key"] == webhook["key"]) << g.dump();
  }
  Post("/api/insights/reviewed", {{"key", webhook["key"]}, {"reviewed", false}}, 200);
  const json unmarked = Insights();
  for (const auto& g : unmarked["no_click_queries"]) EXPECT_EQ(g["reviewed"], "") << g.dump();
}

// POST /api/feedback and its older name /api/events are one handler: either spelling of the body on either
// URL is counted, stored in the usage log and answered alike.
TEST_F(InsightsTest, FeedbackAndEventsAreOneRoute) {
  ASSERT_TRUE(Start(dir_.Sub("usage.sqlite")));
  const json open = Post("/api/feedback", {{"type", "open"}, {"query", "refund"}, {"item_id", "payments/refunds"}});
  EXPECT_EQ(open["type"], "open");
  EXPECT_EQ(open["kind"], "open");
  EXPECT_EQ(open["stored"], true);
  const json lacks = Post("/api/events", {{"kind", "no_answer"}, {"query", "quantum widgets"}, {"item", ""}});
  EXPECT_EQ(lacks["type"], "kb_lacks");
  EXPECT_EQ(lacks["recorded"], true);
  EXPECT_EQ(lacks["stored"], true);
  const json helpful = Post("/api/events", {{"kind", "helpful"}, {"item", "payments/refunds"}});
  EXPECT_EQ(helpful["stored"], false) << "helpful is only counted";
  Post("/api/feedback", {{"kind", "copy"}}, 400);  // open and copy name their item
  Post("/api/events", {{"type", "like"}}, 400);

  const json in = Insights();
  EXPECT_EQ(in["opens"], 1);
  EXPECT_EQ(in["kb_lacks"], 1);
  const std::string metrics = Metrics();
  for (const char* kind : {"open", "no_answer", "helpful"}) {
    EXPECT_NE(metrics.find(std::string("kb_feedback_total{kind=\"") + kind + "\"} 1"), std::string::npos) << kind;
  }
  // Reports (not opens or copies) are also a line of the server log.
  EXPECT_NE(server_->Log().find("\"kind\":\"no_answer\""), std::string::npos) << server_->Log();
  EXPECT_EQ(server_->Log().find("\"kind\":\"open\""), std::string::npos) << server_->Log();
}

TEST_F(InsightsTest, RejectsMalformedEvents) {
  ASSERT_TRUE(Start(dir_.Sub("usage.sqlite")));
  Post("/api/events", {{"type", "like"}}, 400);
  Post("/api/events", {{"type", "open"}, {"query", "refund"}}, 400);
  Post("/api/events", {{"type", "open"}, {"item_id", "x"}, {"position", -1}}, 400);
  Post("/api/events", {{"type", "kb_lacks"}, {"comment", std::string(3000, 'x')}}, 400);
  EXPECT_EQ(cli_->Get("/api/insights?days=0")->status, 400);
  EXPECT_EQ(cli_->Get("/api/insights?format=html")->status, 400);
}

TEST_F(InsightsTest, UnwritableLogCostsNoSearchAndIsCounted) {
  // A directory where the log file should be cannot be written, even by root. (As another user, a
  // write-protected file behaves the same; the libkb tests cover that case.)
  const std::string path = dir_.Sub("usage.sqlite");
  fs::create_directories(path);
  ASSERT_TRUE(Start(path));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Search("refund " + std::to_string(i)), 200);
  json event = Post("/api/events", {{"type", "open"}, {"query", "refund"}, {"item_id", "payments/refunds"}});
  EXPECT_EQ(event["stored"], false);
  const std::string metrics = Metrics();
  EXPECT_GE(Sample(metrics, "kb_usage_events_dropped_total"), 6) << metrics;
  EXPECT_EQ(Sample(metrics, "kb_usage_log_up"), 0);
  EXPECT_EQ(Sample(metrics, "kb_usage_events_recorded_total"), 0);
  EXPECT_NE(server_->Log().find("usage log unavailable"), std::string::npos) << server_->Log();
  EXPECT_EQ(server_->child().Stop(), 0);
}

TEST_F(InsightsTest, WriteProtectedLogFileCostsNoSearchAndIsCounted) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes to write-protected files";
  const std::string path = dir_.Sub("usage.sqlite");
  ASSERT_TRUE(UsageLog::Open(path).ok());  // an existing log, then made read-only
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  ASSERT_TRUE(Start(path));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Search("refund"), 200);
  // The usage log's writer drops the events after the responses: wait for its count.
  std::string metrics;
  EXPECT_TRUE(WaitFor(
      [&] {
        metrics = Metrics();
        return Sample(metrics, "kb_usage_events_dropped_total") >= 3;
      },
      std::chrono::seconds(10), "three dropped events counted"))
      << metrics;
  EXPECT_EQ(Sample(metrics, "kb_usage_log_up"), 0);
}

TEST_F(InsightsTest, SigkillMidWriteLosesAtMostTheEventInFlight) {
  const std::string path = dir_.Sub("usage.sqlite");
  ASSERT_TRUE(Start(path));
  std::atomic<int> acknowledged{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto cli = server_->Client();
    cli->set_read_timeout(2);
    for (int i = 0; !stop; ++i) {
      json body = {{"type", "not_helpful"},
                   {"query", std::string("q").append(std::to_string(i))},
                   {"item_id", "payments/refunds"},
                   {"comment", std::string(200, 'c')}};
      auto res = cli->Post("/api/events", body.dump(), "application/json");
      if (!res) break;  // the server is gone
      if (res->status == 202 && json::parse(res->body, nullptr, false).value("stored", false)) ++acknowledged;
      cli->Get("/api/search?q=refund+" + std::to_string(i));
    }
  });
  EXPECT_TRUE(WaitFor([&] { return acknowledged >= 200 || !server_->child().running(); }, std::chrono::seconds(60),
                      "200 acknowledged events"));
  EXPECT_EQ(server_->child().Stop(SIGKILL), 128 + SIGKILL);
  stop = true;
  writer.join();
  ASSERT_GE(acknowledged.load(), 200);

  std::string check;
  SqlInt(path, "PRAGMA integrity_check", &check);
  EXPECT_EQ(check, "ok");
  const std::int64_t stored = SqlInt(path, "SELECT count(*) FROM feedback");
  EXPECT_GE(stored, acknowledged.load());      // every acknowledged event is there
  EXPECT_LE(stored, acknowledged.load() + 1);  // plus, at most, the one in flight

  // The log opens clean: a new server records into it and reads it back.
  ASSERT_TRUE(Start(path));
  Post("/api/events", {{"type", "kb_lacks"}, {"query", "after the crash"}});
  json in = Insights();
  EXPECT_EQ(in["not_helpful"].get<std::int64_t>(), stored);
  EXPECT_EQ(in["kb_lacks"], 1);
  EXPECT_EQ(Sample(Metrics(), "kb_usage_log_up"), 1);
}

}  // namespace
}  // namespace kb::testing
