#include "kb/searcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "test_util.h"

namespace kb {
namespace {

using testing::BuildDb;
using testing::Files;
using testing::Ids;
using testing::TempDir;

// A small knowledge base with the shapes the ranking rules are about (tests/data/searcher). "Today" is fixed at
// 2026-11-23. Listed in indexing order, which sets the document ids that break ties.
const Files& Corpus() {
  static const Files files = [] {
    Files loaded;
    for (const char* path :
         {"payments/card-declined.md", "payments/insufficient-funds.md", "payments/refunds.md", "payments/payouts.md",
          "payments/gateway.md", "payments/webhooks-old.md", "payments/webhooks-new.md", "payments/scattered.md",
          "payments/api-keys.md", "answers/refund-status.md", "tr/iade.md", "payments/hostile.md"}) {
      loaded.emplace_back(path, testing::ReadFile(std::string(KB_TEST_DATA) + "/searcher/" + path));
      EXPECT_FALSE(loaded.back().second.empty()) << "missing fixture tests/data/searcher/" << path;
    }
    return loaded;
  }();
  return files;
}

class SearcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    BuildDb(dir_->Sub("db"), Corpus(), {{"refund", "reimbursement"}});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    auto s = Searcher::Open({dir_->Sub("db")});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    searcher_ = std::move(*s);
  }
  SearchResponse Run(SearchRequest req) {
    if (req.today.empty()) req.today = "2026-11-23";
    auto res = searcher_->Search(req);
    EXPECT_TRUE(res.ok()) << req.query << ": " << res.status().ToString();
    return res.ok() ? *res : SearchResponse{};
  }
  SearchResponse Run(const std::string& q) { return Run(SearchRequest{.query = q}); }

  static TempDir* dir_;
  std::unique_ptr<Searcher> searcher_;
};
TempDir* SearcherTest::dir_ = nullptr;

TEST_F(SearcherTest, ExactErrorCodeRanksItsArticleFirst) {
  // Both articles mention the code; only one claims it in error_codes.
  for (const char* q : {"ERR_CARD_DECLINED", "err_card_declined", "customer sees ERR_CARD_DECLINED at checkout"}) {
    SearchResponse res = Run(q);
    ASSERT_FALSE(res.hits.empty()) << q;
    EXPECT_EQ(res.hits[0].id, "payments/card-declined") << q;
    EXPECT_TRUE(res.hits[0].exact) << q;
  }
}

TEST_F(SearcherTest, NumericAndTwoWordErrorCodesMatchExactly) {
  SearchResponse res = Run("E1042");
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].id, "payments/payouts");
  res = Run("http 502");
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].id, "payments/gateway");
  EXPECT_TRUE(res.hits[0].exact);
}

TEST_F(SearcherTest, CodeFilterSelectsOnlyTheClaimingItem) {
  SearchResponse res = Run("code:err_card_declined");
  EXPECT_EQ(Ids(res), std::vector<std::string>{"payments/card-declined"});
}

TEST_F(SearcherTest, MisspelledQueryGetsSuggestionAndFallback) {
  SearchResponse res = Run("webhok retires");
  EXPECT_EQ(res.suggestion, "webhook retries");
  // Nothing matches the misspelling, so the correction was searched instead.
  EXPECT_EQ(res.corrected_query, "webhook retries");
  ASSERT_FALSE(res.hits.empty());
  EXPECT_NE(res.hits[0].id.find("webhooks"), std::string::npos);
}

TEST_F(SearcherTest, CorrectlySpelledWordsGetNoSuggestion) {
  // "retried" is in the index; a more frequent neighbour ("retries") must not be offered instead.
  SearchResponse res = Run("retried deliveries");
  EXPECT_EQ(res.suggestion, "");
}

TEST_F(SearcherTest, SpellingFallbackCanBeSwitchedOff) {
  SearcherOptions opts;
  opts.ranking.spelling_fallback = false;
  auto s = Searcher::Open({dir_->Sub("db")}, opts);
  ASSERT_TRUE(s.ok());
  auto res = (*s)->Search({.query = "webhok"});
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->total, 0);
  EXPECT_EQ(res->suggestion, "webhook");
  EXPECT_TRUE(res->corrected_query.empty());
}

TEST_F(SearcherTest, TagFilterNarrowsResults) {
  SearchResponse all = Run("refund");
  SearchResponse tagged = Run("refund tag:refunds");
  ASSERT_FALSE(tagged.hits.empty());
  EXPECT_LE(tagged.total, all.total);
  for (const SearchHit& h : tagged.hits) {
    EXPECT_NE(std::find(h.tags.begin(), h.tags.end(), "refunds"), h.tags.end()) << h.id;
  }
}

TEST_F(SearcherTest, OwnerAndKindFiltersAndCaseFolding) {
  SearchResponse res = Run("refund owner:Payments-Team kind:answer");
  EXPECT_EQ(Ids(res), std::vector<std::string>{"answers/refund-status"});
}

TEST_F(SearcherTest, SameFieldTwiceOrsDifferentFieldsAnd) {
  SearchResponse res = Run("tag:webhooks tag:payouts");
  std::vector<std::string> list = Ids(res);
  std::set<std::string> ids(list.begin(), list.end());
  EXPECT_EQ(ids, (std::set<std::string>{"payments/webhooks-old", "payments/webhooks-new", "payments/payouts"}));
  res = Run("tag:webhooks owner:payouts-team");
  EXPECT_TRUE(res.hits.empty());
}

TEST_F(SearcherTest, NegatedFilterExcludes) {
  SearchResponse res = Run("webhook -tag:webhooks");
  for (const SearchHit& h : res.hits) EXPECT_EQ(std::find(h.tags.begin(), h.tags.end(), "webhooks"), h.tags.end());
}

TEST_F(SearcherTest, RequestFiltersApplyLikeFieldSyntax) {
  SearchRequest req{.query = "refund"};
  req.filters["kind"] = {"answer"};
  EXPECT_EQ(Ids(Run(req)), std::vector<std::string>{"answers/refund-status"});
  req.filters["bogus"] = {"x"};
  EXPECT_FALSE(searcher_->Search(req).ok());
}

TEST_F(SearcherTest, PhraseBeatsScatteredWords) {
  SearchResponse res = Run("api key rotation");
  ASSERT_GE(res.hits.size(), 2u);
  EXPECT_EQ(res.hits[0].id, "payments/api-keys");
  res = Run("\"api key rotation\"");
  EXPECT_EQ(Ids(res), std::vector<std::string>{"payments/api-keys"});
}

TEST_F(SearcherTest, TurkishQueryMatchesInflectedTurkishText) {
  // "iadeler" (refunds) and "iadenizin" (of your refund) share the stem of the query word "iade".
  SearchResponse res = Run("iade");
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].id, "tr/iade");
  res = Run("iadelerin lang:tr");
  EXPECT_EQ(Ids(res), std::vector<std::string>{"tr/iade"});
}

TEST_F(SearcherTest, TurkishSingularAndPluralMeet) {
  // Snowball's Turkish takes one suffix off "işlemleri" (→ "işlem") but two off "işlem" (→ "işle"), so the
  // singular missed an item that only says "işlemleri"; "our/your refunds" ("iadelerimiz") likewise.
  for (const char* query : {"işlem lang:tr", "islem lang:tr", "işlemlerimiz lang:tr", "iadelerimiz lang:tr"}) {
    EXPECT_EQ(Ids(Run(query)), std::vector<std::string>{"tr/iade"}) << query;
  }
}

TEST_F(SearcherTest, StaleItemsAreFlaggedAndRankBelowVerifiedForEqualText) {
  SearchResponse res = Run("webhook deliveries retried exponential backoff");
  ASSERT_GE(res.hits.size(), 2u);
  std::vector<std::string> ids = Ids(res);
  auto fresh = std::find(ids.begin(), ids.end(), "payments/webhooks-new");
  auto stale = std::find(ids.begin(), ids.end(), "payments/webhooks-old");
  ASSERT_NE(fresh, ids.end());
  ASSERT_NE(stale, ids.end());
  EXPECT_LT(fresh, stale);
  const SearchHit& old = res.hits[stale - ids.begin()];
  EXPECT_TRUE(old.stale);
  EXPECT_EQ(old.stale_after, "2025-04-10");
  EXPECT_FALSE(res.hits[fresh - ids.begin()].stale);
}

TEST_F(SearcherTest, FacetsCountMatchingItems) {
  SearchRequest req{.query = "", .facets = {"tag", "owner", "kind", "tier"}};
  SearchResponse res = Run(req);
  EXPECT_EQ(res.total, static_cast<int>(Corpus().size()));
  auto count = [&](const std::string& field, const std::string& value) {
    for (const FacetValue& v : res.facets[field]) {
      if (v.value == value) return v.count;
    }
    return 0;
  };
  EXPECT_EQ(count("tag", "refunds"), 3);
  EXPECT_EQ(count("tag", "declines"), 2);
  EXPECT_EQ(count("kind", "answer"), 1);
  EXPECT_EQ(count("owner", "platform-team"), 3);
  EXPECT_EQ(count("tier", "L2"), 4);
  SearchRequest bad{.query = "x", .facets = {"colour"}};
  EXPECT_FALSE(searcher_->Search(bad).ok());
}

TEST_F(SearcherTest, PaginationGivesDisjointPagesAndStableTotal) {
  SearchRequest req{.query = "", .size = 4};
  SearchResponse p1 = Run(req);
  req.page = 2;
  SearchResponse p2 = Run(req);
  req.page = 3;
  SearchResponse p3 = Run(req);
  EXPECT_EQ(p1.hits.size(), 4u);
  EXPECT_EQ(p2.hits.size(), 4u);
  EXPECT_EQ(p3.hits.size(), Corpus().size() - 8);
  std::set<std::string> seen;
  for (const auto* p : {&p1, &p2, &p3}) {
    EXPECT_EQ(p->total, static_cast<int>(Corpus().size()));
    for (const SearchHit& h : p->hits) EXPECT_TRUE(seen.insert(h.id).second) << h.id;
  }
  EXPECT_EQ(p2.hits[0].rank, 5);
}

TEST_F(SearcherTest, BadRequestsAreRejected) {
  EXPECT_EQ(searcher_->Search({.query = "x", .page = 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(searcher_->Search({.query = "x", .size = 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(searcher_->Search({.query = "x", .size = kMaxPageSize + 1}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseSortOrder("random").has_value());
  EXPECT_EQ(ParseSortOrder("title"), SortOrder::kTitle);
  EXPECT_EQ(searcher_->Search({.query = "x", .sort = static_cast<SortOrder>(3)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(searcher_->Search({.query = "x", .facets = {"colour"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(searcher_->Search({.query = std::string("bad \xff\xfe utf8")}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(searcher_->Search({.query = std::string(10000, 'a')}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SearcherTest, HostileQueriesNeverFail) {
  for (const char* q :
       {"\"unbalanced quote", "((((refund", "refund)))", "AND OR NOT", "* refund", "-", "tag:", "NEAR/3", "refund AND",
        "\"\"", "title:\"", "::::", "+-+-", "*", "refu*", "-refund", "owner:\"payments-team"}) {
    auto res = searcher_->Search({.query = q, .today = "2026-11-23"});
    EXPECT_TRUE(res.ok()) << q << ": " << res.status().ToString();
  }
}

TEST_F(SearcherTest, SnippetHighlightsAndEscapesHtml) {
  SearchResponse res = Run("zebracode");
  ASSERT_EQ(res.hits.size(), 1u);
  const std::string& snippet = res.hits[0].snippet;
  EXPECT_NE(snippet.find("<mark>zebracode</mark>"), std::string::npos) << snippet;
  EXPECT_EQ(snippet.find("<script>"), std::string::npos) << snippet;
  EXPECT_NE(snippet.find("&lt;script&gt;"), std::string::npos) << snippet;
}

TEST_F(SearcherTest, BestSectionGivesAnchorAndSnippet) {
  SearchResponse res = Run("refund timing business days");
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].id, "payments/refunds");
  EXPECT_EQ(res.hits[0].section_anchor, "refund-timing");
  EXPECT_EQ(res.hits[0].section_title, "Refund timing");
  EXPECT_NE(res.hits[0].snippet.find("<mark>"), std::string::npos);
  res = Run("tell the customer to contact their bank");
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].section_anchor, "what-to-tell-the-customer");
}

TEST_F(SearcherTest, HitsCarryOwnerTierKindAndVerification) {
  SearchResponse res = Run("payout");
  ASSERT_FALSE(res.hits.empty());
  const SearchHit& h = res.hits[0];
  EXPECT_EQ(h.id, "payments/payouts");
  EXPECT_EQ(h.owner, "payouts-team");
  EXPECT_EQ(h.tier, Tier::kL2);
  EXPECT_EQ(h.kind, Kind::kArticle);
  EXPECT_EQ(h.verified, "2026-10-01");
  EXPECT_EQ(h.stale_after, "2026-12-30");
  EXPECT_GT(h.score, 0);
}

TEST_F(SearcherTest, PartialLastWordMatchesAsYouType) {
  SearchResponse partial = Run(SearchRequest{.query = "webho", .partial = true, .snippets = false});
  ASSERT_FALSE(partial.hits.empty());
  EXPECT_TRUE(partial.corrected_query.empty());  // matched as a prefix, not through spelling correction
  EXPECT_NE(partial.hits[0].id.find("webhooks"), std::string::npos);
}

TEST_F(SearcherTest, SuggestCompletesTheLastWord) {
  auto res = searcher_->Suggest("exponential webh");
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_FALSE(res->completions.empty());
  EXPECT_EQ(res->completions[0].text.rfind("exponential webhook", 0), 0u) << res->completions[0].text;
  ASSERT_FALSE(res->hits.empty());
}

TEST_F(SearcherTest, AliasesAndSynonymsMatch) {
  SearchResponse res = Run("payment refused");
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].id, "payments/card-declined");
  res = Run("reimbursement");  // synonym of refund, a word no item contains
  ASSERT_FALSE(res.hits.empty());
  EXPECT_NE(Ids(res)[0].find("refund"), std::string::npos);
}

TEST_F(SearcherTest, SynonymsCanBeSwitchedOff) {
  SearcherOptions opts;
  opts.ranking.synonyms = false;
  opts.ranking.spelling_fallback = false;
  auto s = Searcher::Open({dir_->Sub("db")}, opts);
  ASSERT_TRUE(s.ok());
  auto res = (*s)->Search({.query = "reimbursement"});
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->total, 0);
}

TEST(SynonymPhrasesTest, AWordAndAPhraseOfOneGroupFindEachOther) {
  // synonyms.txt took "amex, american express" and dropped the phrase: "amex" found nothing.
  TempDir dir;
  const std::string header = "---\nkind: article\nowner: payments-team\nlang: en\n";
  BuildDb(dir.Sub("db"),
          {{"brands.md", header + "title: Card brands\n---\n# Card brands\n\nAmerican Express must be enabled.\n"},
           {"rewards.md", header + "title: Rewards\n---\n# Rewards\n\nAmex rewards are paid monthly.\n"},
           {"apart.md", header + "title: Far apart\n---\n# Far apart\n\nAn american courier sent an express parcel.\n"},
           {"limits.md", header + "title: Limits\n---\n# Limits\n\nThrottling protects the API.\n"},
           {"both.md", header + "title: Both\n---\n# Both\n\nAmex, also called American Express.\n"}},
          {{"amex", "american express"}, {"rate limit", "throttling"}});
  auto run = [&](const std::string& query, bool synonyms = true, bool partial = false) {
    SearcherOptions options;
    options.ranking.synonyms = synonyms;
    options.ranking.spelling_fallback = false;
    auto searcher = Searcher::Open({dir.Sub("db")}, options);
    EXPECT_TRUE(searcher.ok());
    auto res = (*searcher)->Search({.query = query, .partial = partial, .today = "2026-11-23"});
    EXPECT_TRUE(res.ok()) << query;
    std::vector<std::string> ids = res.ok() ? Ids(*res) : std::vector<std::string>{};
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(run("amex"), (V{"both", "brands", "rewards"})) << "the phrase as a phrase: not the words far apart";
  EXPECT_EQ(run("AMEX cards"), (V{"both", "brands", "rewards"}));
  EXPECT_EQ(run("american express"), (V{"apart", "both", "brands", "rewards"}));
  EXPECT_EQ(run("rate limit"), (V{"limits"}));
  EXPECT_EQ(run("amex", /*synonyms=*/false), (V{"both", "rewards"}));
  // Operators keep their meaning; as you type, a complete word finds what the final search finds.
  EXPECT_EQ(run("rewards NOT amex"), (V{}));
  EXPECT_EQ(run("amex", true, /*partial=*/true), (V{"both", "brands", "rewards"}));
  // An item holding both forms weighs them once, as the query's own word: the synonym adds nothing to it.
  auto searcher = Searcher::Open({dir.Sub("db")});
  ASSERT_TRUE(searcher.ok());
  auto res = (*searcher)->Search({.query = "amex", .today = "2026-11-23", .explain = true});
  ASSERT_TRUE(res.ok());
  int synonym_parts = 0;
  for (const SearchHit& h : res->hits) {
    for (const ScorePart& p : h.explain) {
      if (p.part != "synonym" || p.value == 0) continue;
      ++synonym_parts;
      EXPECT_EQ(h.id, "brands") << "only the item without the word itself";
    }
  }
  EXPECT_EQ(synonym_parts, 1);
}

TEST_F(SearcherTest, CodeBlocksAreSearchable) {
  SearchResponse res = Run("tr_9f8e7d");
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].id, "payments/payouts");
}

TEST_F(SearcherTest, SortByVerifiedPutsNewestFirst) {
  SearchResponse res = Run(SearchRequest{.query = "webhook", .sort = SortOrder::kVerified});
  ASSERT_GE(res.hits.size(), 2u);
  EXPECT_EQ(res.hits[0].id, "payments/webhooks-new");
  EXPECT_EQ(res.hits.back().id, "payments/webhooks-old");
}

TEST_F(SearcherTest, GetItemReturnsBodyAndSections) {
  auto item = searcher_->GetItem("payments/refunds");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->item.title, "Refunds");
  EXPECT_NE(item->item.body.find("## Partial refunds"), std::string::npos);
  ASSERT_GE(item->item.sections.size(), 3u);
  EXPECT_EQ(item->item.sections[1].anchor, "partial-refunds");
  EXPECT_EQ(searcher_->GetItem("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(SearcherTest, GetItemOfAnswerListsPlaceholders) {
  auto item = searcher_->GetItem("answers/refund-status");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->item.placeholders, (std::vector<std::string>{"customer_name", "refund_amount"}));
}

TEST_F(SearcherTest, RelatedFindsSimilarItemsButNotItself) {
  auto related = searcher_->Related("payments/webhooks-new", 3);
  ASSERT_TRUE(related.ok()) << related.status().ToString();
  ASSERT_FALSE(related->empty());
  EXPECT_EQ((*related)[0].id, "payments/webhooks-old");
  for (const SearchHit& h : *related) EXPECT_NE(h.id, "payments/webhooks-new");
  EXPECT_EQ(searcher_->Related("nope").status().code(), StatusCode::kNotFound);
}

TEST(SearcherLiveTest, ReopenSeesNewCommits) {
  TempDir dir;
  BuildDb(dir.Sub("db"), {Corpus()[0]});
  auto s = Searcher::Open({dir.Sub("db")});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->DocCount(), 1u);
  {
    auto w = IndexWriter::Open(dir.Sub("db"), {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Upsert(testing::MustParse(Corpus()[2].first, Corpus()[2].second)).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  auto changed = (*s)->Reopen();
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(*changed);
  EXPECT_EQ((*s)->DocCount(), 2u);
  auto again = (*s)->Reopen();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST(SearcherShardTest, TwoLocalShardsAnswerLikeOneDatabase) {
  TempDir dir;
  const Files& all = Corpus();
  Files a(all.begin(), all.begin() + all.size() / 2), b(all.begin() + all.size() / 2, all.end());
  BuildDb(dir.Sub("one"), all);
  BuildDb(dir.Sub("a"), a);
  BuildDb(dir.Sub("b"), b);
  auto one = Searcher::Open({dir.Sub("one")});
  auto two = Searcher::Open({dir.Sub("a"), dir.Sub("b")});
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(two.ok());
  for (const char* q : {"refund", "webhook retries", "ERR_CARD_DECLINED", "card declined tag:cards", "payout"}) {
    SearchRequest req{.query = q, .facets = {"tag"}, .today = "2026-11-23"};
    auto r1 = (*one)->Search(req);
    auto r2 = (*two)->Search(req);
    ASSERT_TRUE(r1.ok());
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(Ids(*r1), Ids(*r2)) << q;
    EXPECT_EQ(r1->total, r2->total) << q;
  }
}

}  // namespace
}  // namespace kb
