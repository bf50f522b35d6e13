// Curation rules and incident banners through the real kb-index and kb-server: a rule written to a source's
// curation.yaml reaches the running server with `kb-index update` and its live reload, while clients keep
// searching without a failed request.
#include <atomic>

#include "server_test_util.h"

namespace kb {
namespace {

using nlohmann::json;
using testing::Article;
using testing::ServerProcess;
using testing::TempDir;
using testing::WriteFile;

std::string Incident(const std::string& id, const std::string& title, const std::string& until,
                     const std::string& text) {
  return "---\nid: " + id + "\ntitle: " + title +
         "\nkind: incident\nowner: sre-oncall\ntier: L1\n"
         "started: 2026-12-01T08:30:00Z\nuntil: " +
         until + "\nsummary: " + title + "\n---\n# " + title + "\n\n" + text + "\n";
}

// A time `delta` seconds from now, as curation.yaml and front matter write it.
std::string FromNow(std::int64_t delta) { return FormatDateTime(NowSeconds() + delta); }

class CurationServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.Sub("docs/refunds.md"), Article("refunds", "Refunds failing",
                                                   "A refund fails when the card is closed. Failed refunds are "
                                                   "retried; a failing refund shows the reason."));
    WriteFile(dir_.Sub("docs/legacy-refunds.md"), Article("legacy-refunds", "Legacy refund failures",
                                                          "Old refund flow: refunds failed when the "
                                                          "batch was late."));
    WriteFile(dir_.Sub("docs/acquirer-outage.md"), Article("acquirer-outage", "Acquirer degraded",
                                                           "Payouts and captures are slow while the acquirer "
                                                           "is degraded; one refund may wait."));
    WriteFile(dir_.Sub("docs/cards.md"), Article("cards", "Card declined", "A declined card needs another card."));
  }

  ::testing::AssertionResult Index(const char* command) {
    return testing::RunKbIndex(command, dir_.Sub("docs"), dir_.Sub("db"), dir_.Sub("index.log"));
  }

  json Search(const std::string& q) {
    auto res = server_->Client()->Get("/api/search?facets=&q=" + httplib::detail::encode_query_param(q));
    if (!res || res->status != 200) {
      ADD_FAILURE() << "search '" << q << "' failed: " << (res ? res->body : httplib::to_string(res.error()));
      return json::object();
    }
    return json::parse(res->body);
  }

  static std::vector<std::string> Ids(const json& j) {
    std::vector<std::string> ids;
    for (const json& r : j.value("results", json::array())) ids.push_back(r["id"]);
    return ids;
  }

  // Searches `q` until `done` holds for the answer, for at most 15 seconds; returns the last answer.
  template <typename Pred>
  json SearchUntil(const std::string& q, Pred done) {
    json j;
    EXPECT_TRUE(testing::WaitFor(
        [&] {
          j = Search(q);
          return done(j);
        },
        std::chrono::seconds(15), "the search '" + q + "' to answer as expected"));
    return j;
  }

  void StartServer() {
    server_ = std::make_unique<ServerProcess>(dir_.Sub("server.log"));
    ASSERT_TRUE(server_->Start({"--db", dir_.Sub("db"), "--reload-interval-ms", "50", "--access-log", "off"}));
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CurationServerTest, RulesReachTheRunningServerAndEndByThemselves) {
  ASSERT_TRUE(Index("build"));
  StartServer();
  const std::vector<std::string> before = Ids(Search("refunds failing"));
  ASSERT_GE(before.size(), 3u);
  ASSERT_NE(before[0], "acquirer-outage");
  ASSERT_NE(std::find(before.begin(), before.end(), "legacy-refunds"), before.end());

  // Clients search all along: reloads must not fail a single request.
  std::atomic<bool> stop{false};
  std::atomic<int> failed{0}, answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      auto cli = server_->Client();
      while (!stop.load()) {
        auto res = cli->Get("/api/search?q=refund+failed&facets=");
        (res && res->status == 200 ? answered : failed)++;
      }
    });
  }

  WriteFile(dir_.Sub("docs/curation.yaml"),
            "rules:\n  - queries: [\"refund failed\"]\n    pin: [acquirer-outage]\n    hide: [legacy-refunds]\n"
            "    note: \"Acquirer outage, see #inc-4711\"\n");
  ASSERT_TRUE(Index("update"));
  json pinned =
      SearchUntil("refunds failing", [](const json& j) { return Ids(j).size() && j["results"][0]["pinned"] == true; });
  std::vector<std::string> ids = Ids(pinned);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "acquirer-outage");
  EXPECT_EQ(pinned["results"][0]["pinned"], true);
  EXPECT_EQ(pinned["results"][0]["note"], "Acquirer outage, see #inc-4711");
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "legacy-refunds"), ids.end());
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_EQ(pinned["results"][i]["pinned"], false);
  // Other queries are left alone.
  EXPECT_EQ(Ids(Search("card declined"))[0], "cards");

  // A rule whose `until` has passed no longer applies: results are as without the rule.
  WriteFile(dir_.Sub("docs/curation.yaml"),
            "rules:\n  - queries: [\"refund failed\"]\n    pin: [acquirer-outage]\n    hide: [legacy-refunds]\n"
            "    until: " +
                FromNow(-1) + "\n");
  ASSERT_TRUE(Index("update"));
  json after = SearchUntil("refunds failing", [&](const json& j) { return Ids(j) == before; });
  EXPECT_EQ(Ids(after), before);
  for (const json& r : after["results"]) EXPECT_EQ(r["pinned"], false);

  stop = true;
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(answered.load(), 0);
  EXPECT_TRUE(server_->child().running());  // the same process throughout: no restart
}

TEST_F(CurationServerTest, ActiveIncidentShowsForMatchingQueriesOnly) {
  WriteFile(dir_.Sub("docs/incidents/acquirer.md"),
            Incident("incidents/acquirer", "Refunds delayed by acquirer outage", FromNow(3600),
                     "Refunds and captures are delayed while the acquirer recovers."));
  WriteFile(dir_.Sub("docs/incidents/webhooks.md"),
            Incident("incidents/webhooks", "Webhook deliveries delayed", FromNow(-3600),
                     "Webhook deliveries were delayed for an hour."));
  ASSERT_TRUE(Index("build"));
  StartServer();
  json j = Search("refund delayed");
  ASSERT_EQ(j["incidents"].size(), 1u) << j.dump();
  EXPECT_EQ(j["incidents"][0]["id"], "incidents/acquirer");
  EXPECT_EQ(j["incidents"][0]["owner"], "sre-oncall");
  EXPECT_EQ(j["incidents"][0]["started"], "2026-12-01T08:30:00Z");
  EXPECT_FALSE(j["incidents"][0]["until"].get<std::string>().empty());
  EXPECT_TRUE(Search("card declined")["incidents"].empty());
  // Expired: no banner, even for the query that matches it best.
  EXPECT_TRUE(Search("webhook deliveries")["incidents"].empty());
  // It is still an item that matches, and its result says when it ended (the page shows "Ended ...").
  const json ended = Search("webhook deliveries");
  ASSERT_FALSE(Ids(ended).empty());
  EXPECT_EQ(ended["results"][0]["id"], "incidents/webhooks");
  EXPECT_EQ(ended["results"][0]["started"], "2026-12-01T08:30:00Z");
  EXPECT_FALSE(ended["results"][0]["until"].get<std::string>().empty());
  EXPECT_EQ(Search("refund delayed")["results"][0]["until"], j["incidents"][0]["until"]);
}

}  // namespace
}  // namespace kb
