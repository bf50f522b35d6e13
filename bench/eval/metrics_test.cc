// The evaluation's own arithmetic and plumbing: graded nDCG@10, success@1, the cross-language check, the
// baselines' folding, FTS5 ranking, and the support set's two index paths agreeing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "metrics.h"
#include "normalize.h"
#include "support.h"
#include "support_report.h"
#include "systems.h"

namespace kb::eval {
namespace {

namespace fs = std::filesystem;

TEST(MetricsTest, NdcgUsesGradesAndTheIdealOverAllJudgedItems) {
  const std::map<std::string, int> relevant = {{"a", 3}, {"b", 1}, {"c", 2}};
  // b (1) first, a (3) second, an unjudged item third; c is never found but counts in the ideal.
  Scores s = ScoreRanking({"b", "a", "x"}, relevant);
  const double dcg = 1.0 / std::log2(2.0) + 3.0 / std::log2(3.0);
  const double ideal = 3.0 / std::log2(2.0) + 2.0 / std::log2(3.0) + 1.0 / std::log2(4.0);
  EXPECT_NEAR(s.ndcg10, dcg / ideal, 1e-12);
  EXPECT_DOUBLE_EQ(s.mrr10, 1.0);
  EXPECT_NEAR(s.recall100, 2.0 / 3.0, 1e-12);

  EXPECT_DOUBLE_EQ(ScoreRanking({"a", "c", "b"}, relevant).ndcg10, 1.0);
  // A relevant item at rank 11 adds nothing to nDCG@10 or MRR@10.
  std::vector<std::string> late(10, "x");
  late.push_back("a");
  Scores l = ScoreRanking(late, relevant);
  EXPECT_DOUBLE_EQ(l.ndcg10, 0.0);
  EXPECT_DOUBLE_EQ(l.mrr10, 0.0);
  EXPECT_NEAR(l.recall100, 1.0 / 3.0, 1e-12);
}

TEST(MetricsTest, SuccessAt1NeedsTheAnsweringItemFirst) {
  const std::map<std::string, int> relevant = {{"answer", 3}, {"related", 2}};
  EXPECT_EQ(SuccessAt1({"answer", "related"}, relevant), 1.0);
  EXPECT_EQ(SuccessAt1({"related", "answer"}, relevant), 0.0);  // relevant, but not the answer
  EXPECT_EQ(SuccessAt1({"other", "answer"}, relevant), 0.0);
  EXPECT_EQ(SuccessAt1({}, relevant), 0.0);
}

TEST(MetricsTest, OtherLanguageCountsOnlyTheFirstThree) {
  EXPECT_TRUE(OtherLanguageInTop({"en", "en", "tr", "tr"}, "en"));
  EXPECT_FALSE(OtherLanguageInTop({"en", "en", "en", "tr"}, "en"));
  EXPECT_TRUE(OtherLanguageInTop({"en"}, "tr"));
  EXPECT_FALSE(OtherLanguageInTop({}, "en"));
}

TEST(MetricsTest, SupportScoresGroupByShapeAndLanguage) {
  SetReport rep;
  rep.queries = {{.id = "q1", .text = "refund", .shape = "typed", .lang = "en"},
                 {.id = "q2", .text = "iade", .shape = "typed", .lang = "tr"},
                 {.id = "q3", .text = "ERR_X", .shape = "code", .lang = "en"}};
  rep.qrels = {{"q1", {{"refunds", 3}}}, {"q2", {{"tr/iade", 3}}}, {"q3", {{"errors", 3}, {"refunds", 1}}}};
  RunResult run;
  run.top = {{{"refunds", "en"}, {"tr/iade", "tr"}},  // success, Turkish item in an English query's top 3
             {{"tr/iade", "tr"}, {"tr/kart", "tr"}},  // success, all Turkish
             {{"refunds", "en"}, {"errors", "en"}}};  // a related item first, the answer second
  for (const auto& hits : run.top) {
    std::vector<std::string> ids;
    for (const Hit& h : hits) ids.push_back(h.id);
    run.per_query.push_back(ScoreRanking(ids, rep.qrels.at(rep.queries[run.per_query.size()].id)));
  }
  SupportScores s = ScoreSupport(rep, run);
  EXPECT_EQ(s.all.queries, 3);
  EXPECT_NEAR(s.all.success1, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(s.all.xlang3, 1);
  EXPECT_EQ(s.by_shape.at("typed").success1, 1.0);
  EXPECT_EQ(s.by_shape.at("code").success1, 0.0);
  EXPECT_EQ(s.by_shape.at("code").mrr10, 1.0);  // a grade-1 item first: relevant, not the answer
  EXPECT_EQ(s.by_lang.at("tr").xlang3, 0);
  EXPECT_EQ(s.en_with_tr_top3, std::vector<std::string>{"q1"});
  EXPECT_EQ(OrderedShapes(rep), (std::vector<std::string>{"typed", "code"}));

  std::string why;
  rep.kb = run;
  EXPECT_FALSE(SupportMeetsTargets(rep, &why));
  EXPECT_NE(why.find("on code queries"), std::string::npos) << why;
  EXPECT_NE(why.find("Turkish item in their top 3: q1"), std::string::npos) << why;
}

TEST(NormalizeTest, FoldsTurkishAndLatinLettersToAscii) {
  EXPECT_EQ(QueryTokens("İade işlemi: Çağrı ÖDEME!"), "iade islemi  cagri odeme ");
  EXPECT_EQ(FoldToAscii("ılık ğ ß ø"), "ilik g s o");
  EXPECT_EQ(FoldToAscii("plain ASCII, kept as-is."), "plain ASCII, kept as-is.");
  EXPECT_EQ(FoldToAscii("a\xe2\x80\x94"
                        "b"),
            "a b");                          // em dash → space
  EXPECT_EQ(FoldToAscii("\xff\xc3"), "  ");  // malformed bytes do not crash or leak through
}

TEST(Fts5Test, RanksByBm25OverTitleAndTextAndKeepsLanguages) {
  LabeledSet set;
  set.name = "t";
  set.docs = {{"refunds", "Refunds", "How refunds reach the card in 5-10 days.", "en"},
              {"payouts", "Payouts", "When the balance is paid to the bank.", "en"},
              {"tr/iade", "İade işlemleri", "İade kart sahibine 5-10 günde ulaşır.", "tr"}};
  auto fts = BuildFts5(set);
  ASSERT_TRUE(fts.ok()) << fts.status().ToString();
  auto hits = (*fts)->Rank({.text = "When do REFUNDS arrive?"}, 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().id, "refunds");
  hits = (*fts)->Rank({.text = "iade islemleri"}, 10);  // folded query against folded Turkish text
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->front().id, "tr/iade");
  EXPECT_EQ(hits->front().lang, "tr");
  hits = (*fts)->Rank({.text = "\" OR NOT ( * :"}, 10);  // operator characters only: no tokens, no error
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
}

class SupportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kb-bench-eval-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "support");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / "support" / name) << text; }
  fs::path dir_;
  const std::string content_ = std::string(KB_SOURCE_DIR) + "/content";
};

TEST_F(SupportTest, LoadsQueriesAndReportsUnknownItems) {
  Write("queries.jsonl",
        "{\"id\": \"s1\", \"text\": \"refund failed\", \"shape\": \"typed\", \"lang\": \"en\"}\n"
        "{\"id\": \"s2\", \"text\": \"iade\", \"shape\": \"typed\", \"lang\": \"tr\"}\n"
        "{\"id\": \"s3\", \"text\": \"unjudged\", \"shape\": \"typo\", \"lang\": \"en\"}\n");
  Write("qrels.tsv", "s1\tpayments/refund-failures\t3\ns2\ttr/iade-islemleri\t3\ns2\tno/such-item\t1\n");
  Result<SupportSet> s = LoadSupportSet((dir_ / "support").string(), content_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->set.queries.size(), 2u);
  EXPECT_EQ(s->set.queries[1].lang, "tr");
  EXPECT_EQ(s->unjudged, std::vector<std::string>{"s3"});
  EXPECT_EQ(s->unknown_items, std::vector<std::string>{"s2 no/such-item"});
  bool turkish = false;
  for (const Doc& d : s->set.docs) turkish = turkish || (d.id == "tr/iade-islemleri" && d.lang == "tr");
  EXPECT_TRUE(turkish);

  Write("qrels.tsv", "s1\tpayments/refund-failures\t4\n");
  EXPECT_FALSE(LoadSupportSet((dir_ / "support").string(), content_).ok());
  Write("qrels.tsv", "s1\tpayments/refund-failures\t3\n");
  Write("queries.jsonl", "{\"id\": \"s1\", \"text\": \"no shape\", \"lang\": \"en\"}\n");
  Result<SupportSet> bad = LoadSupportSet((dir_ / "support").string(), content_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("queries.jsonl:1: \"shape\""), std::string::npos) << bad.status().ToString();
}

// The ablations' index path (IndexWriter with WriterOptions) must rank like kb::BuildIndex with defaults.
TEST_F(SupportTest, BothIndexPathsRankAlike) {
  const std::string a = (dir_ / "build-index").string(), b = (dir_ / "writer").string();
  ASSERT_TRUE(BuildContentIndex(content_, a).ok());
  ASSERT_TRUE(BuildContentIndexWith(content_, b, WriterOptions{}).ok());
  const SearcherOptions defaults;
  const KbQueryOptions query_options;
  auto sa = OpenKb(a, "", defaults, query_options);
  auto sb = OpenKb(b, "", defaults, query_options);
  ASSERT_TRUE(sa.ok() && sb.ok());
  for (const char* text : {"refund failed", "chargeback", "webhook signature invalid", "iade ne zaman",
                           "card declined ERR_CARD_DECLINED", "payout delayed bank"}) {
    auto ha = (*sa)->Rank({.text = text}, 20);
    auto hb = (*sb)->Rank({.text = text}, 20);
    ASSERT_TRUE(ha.ok() && hb.ok()) << text;
    ASSERT_FALSE(ha->empty()) << text;
    ASSERT_EQ(ha->size(), hb->size()) << text;
    for (std::size_t i = 0; i < ha->size(); ++i) {
      EXPECT_EQ((*ha)[i].id, (*hb)[i].id) << text << " rank " << i + 1;
      EXPECT_EQ((*ha)[i].lang, (*hb)[i].lang);
    }
  }
}

}  // namespace
}  // namespace kb::eval
