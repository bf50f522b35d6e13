// explain=1 on /api/search through the real kb-index and kb-server: every result carries the parts of its
// score, which add up to it, a pinned item outside the match carries a pin part, and without explain the
// results and scores are the same and carry no parts.
#include <cmath>
#include <map>

#include "server_test_util.h"

namespace kb {
namespace {

using nlohmann::json;
using testing::Article;
using testing::ServerProcess;
using testing::TempDir;
using testing::WriteFile;

class ExplainServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.Sub("docs/refunds.md"),
              Article("refunds", "Refunds failing",
                      "A refund fails when the card is closed. Failed refunds are "
                      "retried; a failing refund shows the reason.",
                      "aliases: [refund failed]\nverified: " + Today() + "\nverify_every: 90d\n"));
    WriteFile(dir_.Sub("docs/legacy-refunds.md"), Article("legacy-refunds", "Legacy refund failures",
                                                          "Old refund flow: refunds failed when the "
                                                          "batch was late.",
                                                          "boost: 0.5\n"));
    WriteFile(dir_.Sub("docs/cards.md"), Article("cards", "Card declined", "A declined card needs another card."));
    WriteFile(dir_.Sub("docs/curation.yaml"),
              "rules:\n  - queries: [\"refund failed\"]\n    pin: [cards]\n"
              "    note: \"Card outage\"\n");
    ASSERT_TRUE(testing::RunKbIndex("build", dir_.Sub("docs"), dir_.Sub("db"), dir_.Sub("index.log")));
    server_ = std::make_unique<ServerProcess>(dir_.Sub("server.log"));
    ASSERT_TRUE(server_->Start({"--db", dir_.Sub("db"), "--access-log", "off"}));
  }

  httplib::Result Get(const std::string& query) { return server_->Client()->Get("/api/search?facets=&" + query); }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ExplainServerTest, PartsAddUpToEachScore) {
  for (const char* q : {"refund%20failed", "refunds", "card%20declined", "refund%20fail", "legacy", "refund+failed"}) {
    auto on = Get(std::string("explain=1&q=") + q);
    ASSERT_TRUE(on && on->status == 200) << q << ": " << (on ? on->body : "no answer");
    auto off = Get(std::string("q=") + q);
    ASSERT_TRUE(off && off->status == 200) << q;
    const json with = json::parse(on->body), without = json::parse(off->body);
    ASSERT_FALSE(with["results"].empty()) << q;
    ASSERT_EQ(with["results"].size(), without["results"].size()) << q;
    for (std::size_t i = 0; i < with["results"].size(); ++i) {
      const json& r = with["results"][i];
      ASSERT_TRUE(r.contains("explain")) << q;
      ASSERT_TRUE(r["explain"].is_array()) << q;
      double sum = 0;
      for (const json& part : r["explain"]) {
        EXPECT_TRUE(part["part"].is_string());
        sum += part["value"].get<double>();
      }
      EXPECT_NEAR(sum, r["score"].get<double>(), 1e-6) << q << " " << r["id"];
      // Without explain: the same result with the same score, and no parts.
      EXPECT_EQ(without["results"][i]["id"], r["id"]) << q;
      EXPECT_EQ(without["results"][i]["score"], r["score"]) << q;
      EXPECT_FALSE(without["results"][i].contains("explain")) << q;
    }
  }
}

TEST_F(ExplainServerTest, NamesTheFieldsAndFactors) {
  auto res = Get("explain=1&q=refund%20failed");
  ASSERT_TRUE(res && res->status == 200);
  const json j = json::parse(res->body);
  SCOPED_TRACE(j.dump());
  std::map<std::string, json> by_id;
  for (const json& r : j["results"]) by_id[r["id"]] = r;
  // The part `name` of result `id`; {"value": NaN} when it has none.
  auto part = [&](const std::string& id, const std::string& name) -> json {
    for (const json& p : by_id[id]["explain"]) {
      if (p["part"] == name) return p;
    }
    ADD_FAILURE() << id << " has no part " << name;
    return {{"value", std::nan("")}, {"factor", std::nan("")}};
  };
  // The pinned item does not match the query: its score is 0 and its one part is the pin.
  ASSERT_TRUE(by_id.count("cards"));
  EXPECT_EQ(by_id["cards"]["pinned"], true);
  EXPECT_EQ(by_id["cards"]["score"], 0.0);
  EXPECT_EQ(by_id["cards"]["explain"], json::parse(R"([{"part":"pin","value":0.0}])"));
  // The matching items: their words, the alias "refund failed", the phrase, and the multiplying factors.
  ASSERT_TRUE(by_id.count("refunds"));
  EXPECT_GT(part("refunds", "text")["value"].get<double>(), 0);
  EXPECT_GT(part("refunds", "alias")["value"].get<double>(), 0);
  EXPECT_GT(part("refunds", "phrase")["value"].get<double>(), 0);
  const json freshness = part("refunds", "freshness");
  EXPECT_GT(freshness["factor"].get<double>(), 1);  // verified, not yet stale
  ASSERT_TRUE(by_id.count("legacy-refunds"));
  const json boost = part("legacy-refunds", "boost");
  EXPECT_EQ(boost["factor"], 0.5);
  EXPECT_LT(boost["value"].get<double>(), 0);  // took half the score away
}

TEST_F(ExplainServerTest, RejectsAValueThatIsNotABoolean) {
  auto res = Get("explain=maybe&q=refund");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("explain must be true or false"), std::string::npos) << res->body;
}

}  // namespace
}  // namespace kb
