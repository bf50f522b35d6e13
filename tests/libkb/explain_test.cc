// SearchRequest::explain on the real starter knowledge base (content/): the parts of every result add up to
// its score, turning one ranking feature off changes exactly its own part, and a search without explain
// ranks and scores exactly as one with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "kb/kb.h"
#include "test_util.h"

namespace kb {
namespace {

using testing::TempDir;

constexpr char kToday[] = "2026-11-23";

struct Query {
  std::string text;
  bool partial = false;
};

// The pasted message whose identifier (card_declined) is also a phrase of its words: Xapian 1.4's match weighs
// some of its results unlike the same query run over those results alone (refund-failures: 22.02 in the match,
// 4.62 alone, with no "declined" in it), so their match is reported as one part.
// A pasted message whose identifier is also a phrase of its words: under OP_FILTER, Xapian 1.4.22 weighed its
// items unlike their parts until filters became Restrict (query_parts.h).
constexpr char kIdentifierMessage[] =
    "Hi team,\nthe customer says the payout failed with card_declined and asks when the money arrives.\nThanks";

// Typed, pasted, codes, Turkish and as-you-type: 23 queries that between them use every part.
const std::vector<Query>& Queries() {
  static const std::vector<Query> queries = {
      {"refund failed"},
      {"card declined"},
      {"ERR_CARD_DECLINED"},
      {"HTTP 502"},
      {"customer sees ERR_CARD_DECLINED at checkout"},
      {"rotate a leaked api key"},
      {"partial refund"},
      {"dispute evidence deadline"},
      {"what do I reply when a refund has not arrived"},
      {"title:refund"},
      {"\"card declined\" OR chargeback"},
      {"iade başarısız"},
      {"kart reddedildi ne yapmalıyım"},
      {"refu", true},
      {"card decl", true},
      {"writing articles for the knowledge base"},
      {"webhook events are not arriving at our endpoint and we do not know whether the retries stopped"},
      {kIdentifierMessage},
      {"how do I re-verify an article after checking it with the owner"},
      {"Our finance department noticed that several refunds issued last week for partial amounts have not "
       "reached the cardholders yet and the customer portal still shows them as pending while the bank "
       "statement shows nothing at all so we would like to understand how long a partial refund normally "
       "takes to reach the card and whether the currency conversion on the original payment changes the "
       "amount that is returned to the customer in the end"},
      {"3ds authentication failing on mobile"},
      {"dashboard csv export delayed"},
      {"amex cards not accepted"},
  };
  return queries;
}

// Every feature on, so that every part can appear: title boost, focus, popularity too.
SearcherOptions AllOn() {
  SearcherOptions o;
  o.ranking.title_boost = 1;
  o.ranking.section_weight = 0.3;
  o.ranking.popularity_boost = 0.1;
  return o;
}

int Words(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), ' ') + 1); }

double Sum(const std::vector<ScorePart>& parts) {
  double sum = 0;
  for (const ScorePart& p : parts) sum += p.value;
  return sum;
}

const ScorePart* Find(const std::vector<ScorePart>& parts, const std::string& name) {
  for (const ScorePart& p : parts) {
    if (p.part == name) return &p;
  }
  return nullptr;
}

class ExplainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto writer = IndexWriter::Open(dir_->Sub("db"), {});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_NO_FATAL_FAILURE(testing::IndexContent(**writer));
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  std::unique_ptr<Searcher> Open(const SearcherOptions& options) {
    auto s = Searcher::Open({dir_->Sub("db")}, options);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    // Opens and copies of a few items, so that popularity weighs in.
    auto counts = std::make_shared<std::unordered_map<std::string, double>>();
    (*counts)["payments/declined-cards"] = 40;
    (*counts)["payments/refunds"] = 12;
    (*counts)["payments/answers/refund-not-received"] = 5;
    (*counts)["tr/iade-islemleri"] = 3;
    (*s)->SetPopularity(counts);
    return std::move(*s);
  }
  static SearchResponse Run(Searcher& searcher, const Query& q, bool explain, int size = 20) {
    SearchRequest request;
    request.query = q.text;
    request.partial = q.partial;
    request.size = size;
    request.today = kToday;
    request.explain = explain;
    auto res = searcher.Search(request);
    EXPECT_TRUE(res.ok()) << q.text << ": " << res.status().ToString();
    return res.ok() ? *res : SearchResponse{};
  }

  static TempDir* dir_;
};
TempDir* ExplainTest::dir_ = nullptr;

TEST_F(ExplainTest, PartsAddUpToTheScoreForTwentyThreeQueries) {
  std::unique_ptr<Searcher> searcher = Open(AllOn());
  ASSERT_TRUE(searcher);
  ASSERT_EQ(Queries().size(), 23u);
  double max_error = 0;
  std::map<std::string, int> seen;  // part → results it appeared in with a value other than 0
  int results = 0;
  for (const Query& q : Queries()) {
    const SearchResponse res = Run(*searcher, q, true);
    EXPECT_FALSE(res.hits.empty()) << q.text;
    for (const SearchHit& hit : res.hits) {
      ++results;
      ASSERT_FALSE(hit.explain.empty()) << q.text << " " << hit.id;
      const double error = std::abs(Sum(hit.explain) - hit.score);
      max_error = std::max(max_error, error);
      EXPECT_LE(error, 1e-6) << q.text << " " << hit.id;
      // Every match is told by its parts (a whole `match` part means Xapian weighed the item unlike its parts).
      EXPECT_EQ(Find(hit.explain, "match"), nullptr) << q.text << " " << hit.id;
      for (const ScorePart& p : hit.explain) {
        if (p.value != 0) ++seen[p.part];
      }
    }
  }
  std::cout << "explain: " << results << " results of " << Queries().size() << " queries, largest |sum - score| "
            << max_error << ", match reported whole for " << seen["match"] << " results\n";
  for (const char* part :
       {"text", "title", "alias", "phrase", "synonym", "identifier", "exact", "feedback", "freshness", "popularity",
        "about_kb", "problem", "process", "ended", "answers_after", "focus", "code"}) {
    EXPECT_GT(seen[part], 0) << part << " never contributed";
  }
}

TEST_F(ExplainTest, ExplainChangesNoResultOrScore) {
  for (const bool all_on : {false, true}) {
    std::unique_ptr<Searcher> searcher = Open(all_on ? AllOn() : SearcherOptions());
    ASSERT_TRUE(searcher);
    for (const Query& q : Queries()) {
      const SearchResponse off = Run(*searcher, q, false);
      const SearchResponse on = Run(*searcher, q, true);
      ASSERT_EQ(off.total, on.total) << q.text;
      ASSERT_EQ(off.hits.size(), on.hits.size()) << q.text;
      for (std::size_t i = 0; i < off.hits.size(); ++i) {
        EXPECT_EQ(off.hits[i].id, on.hits[i].id) << q.text << " #" << i;
        EXPECT_EQ(off.hits[i].score, on.hits[i].score) << q.text << " #" << i;  // bit for bit
        EXPECT_TRUE(off.hits[i].explain.empty());
      }
    }
  }
}

// One feature off: its part is gone, every other added part keeps its value, and every other factor keeps
// its factor. (A factor's value is what it changed the score by at its turn, so it moves with the match
// weight before it: that is the one thing that may change besides the feature's own part.) One exception: the
// focus factor measures the query's words in the best section, and the phrase and identifier boosts add words
// to the query (unstemmed), so turning those off may change it too. Likewise the feedback part: its terms come
// from the first results of the query with its boosts, so turning off a boost of the match may change which
// items lend their terms; but for a query of pasted length (the 70-word one) that first pass runs without the
// title and alias boosts, so turning those off leaves its feedback as it was.
struct Switch {
  const char* name;
  const char* part;
  void (*off)(RankingOptions&);
};

// Switches that change the query's words, which the section focus weighs (a synonym's phrase adds its words).
bool ChangesFocusWords(const std::string& name) {
  return name == "exact_match_first=false" || name == "phrase_boost=false" || name == "synonym_phrases=false";
}

TEST_F(ExplainTest, TurningOffOneFeatureChangesExactlyItsPart) {
  const Switch switches[] = {
      {"alias_boost=0", "alias", [](RankingOptions& r) { r.alias_boost = 0; }},
      {"title_boost=0", "title", [](RankingOptions& r) { r.title_boost = 0; }},
      {"phrase_boost=false", "phrase", [](RankingOptions& r) { r.phrase_boost = false; }},
      {"synonym_phrases=false", "synonym", [](RankingOptions& r) { r.synonym_phrases = false; }},
      {"exact_match_first=false", "exact", [](RankingOptions& r) { r.exact_match_first = false; }},
      {"exact_match_first=false", "identifier", [](RankingOptions& r) { r.exact_match_first = false; }},
      {"answer_factor=1", "answers_after", [](RankingOptions& r) { r.answer_factor = 1; }},
      {"problem_factor=1", "problem", [](RankingOptions& r) { r.problem_factor = 1; }},
      {"process_factor=1", "process", [](RankingOptions& r) { r.process_factor = 1; }},
      {"ended_factor=1", "ended", [](RankingOptions& r) { r.ended_factor = 1; }},
      {"code_text_boost=0", "code", [](RankingOptions& r) { r.code_text_boost = 0; }},
      {"stale_factor=verified_factor=1", "freshness",
       [](RankingOptions& r) { r.stale_factor = r.verified_factor = 1; }},
      {"popularity_boost=0", "popularity", [](RankingOptions& r) { r.popularity_boost = 0; }},
      {"section_weight=0", "focus", [](RankingOptions& r) { r.section_weight = 0; }},
  };
  std::unique_ptr<Searcher> all_on = Open(AllOn());
  ASSERT_TRUE(all_on);
  std::vector<SearchResponse> all_on_results;
  for (const Query& q : Queries()) all_on_results.push_back(Run(*all_on, q, true, 50));
  for (const Switch& sw : switches) {
    SearcherOptions options = AllOn();
    sw.off(options.ranking);
    std::unique_ptr<Searcher> one_off = Open(options);
    ASSERT_TRUE(one_off);
    int compared = 0, had_part = 0;
    for (std::size_t qi = 0; qi < Queries().size(); ++qi) {
      const Query& q = Queries()[qi];
      const SearchResponse& before = all_on_results[qi];
      const SearchResponse after = Run(*one_off, q, true, 50);
      std::map<std::string, const SearchHit*> after_by_id;
      for (const SearchHit& h : after.hits) after_by_id[h.id] = &h;
      for (const SearchHit& b : before.hits) {
        auto found = after_by_id.find(b.id);
        if (found == after_by_id.end()) continue;
        const SearchHit& a = *found->second;
        // A match reported whole has no parts to compare.
        if (Find(b.explain, "match") || Find(a.explain, "match")) continue;
        ++compared;
        const ScorePart* own = Find(b.explain, sw.part);
        if (own && own->value != 0) ++had_part;
        const ScorePart* still = Find(a.explain, sw.part);
        EXPECT_TRUE(still == nullptr || still->value == 0) << sw.name << " " << q.text << " " << b.id;
        EXPECT_LE(std::abs(Sum(a.explain) - a.score), 1e-6) << sw.name << " " << q.text << " " << b.id;
        for (const ScorePart& p : b.explain) {
          if (p.part == sw.part) continue;
          // exact_match_first governs two parts: the other one is off as well.
          const std::string name = sw.name;
          if (name == "exact_match_first=false" && (p.part == "exact" || p.part == "identifier")) continue;
          if (ChangesFocusWords(name) && p.part == "focus") continue;
          const bool field_boost = name == "alias_boost=0" || name == "title_boost=0";
          if (p.part == "feedback" && ((field_boost && Words(q.text) < options.ranking.pasted_query_words) ||
                                       name == "phrase_boost=false" || name == "exact_match_first=false")) {
            continue;
          }
          const ScorePart* other = Find(a.explain, p.part);
          if (p.factor != 0) {
            EXPECT_NE(other, nullptr) << sw.name << " lost " << p.part << " for " << q.text << " " << b.id;
            if (other) {
              EXPECT_DOUBLE_EQ(other->factor, p.factor) << sw.name << " " << p.part << " " << q.text << " " << b.id;
            }
          } else {
            const double value = other ? other->value : 0;
            EXPECT_NEAR(value, p.value, 1e-9) << sw.name << " " << p.part << " " << q.text << " " << b.id;
          }
        }
        for (const ScorePart& p : a.explain) {
          const std::string name = sw.name;
          if (ChangesFocusWords(name) && p.part == "focus") continue;
          EXPECT_TRUE(Find(b.explain, p.part) != nullptr || p.value == 0)
              << sw.name << " added " << p.part << " for " << q.text << " " << b.id;
        }
      }
    }
    EXPECT_GT(compared, 100) << sw.name;
    EXPECT_GT(had_part, 0) << sw.name << ": no result had a " << sw.part << " part to lose";
  }
}

TEST_F(ExplainTest, FactorPartsMultiplyTheScoreBeforeThem) {
  std::unique_ptr<Searcher> searcher = Open(AllOn());
  ASSERT_TRUE(searcher);
  int checked = 0;
  for (const Query& q : Queries()) {
    for (const SearchHit& hit : Run(*searcher, q, true).hits) {
      double score = 0;
      for (const ScorePart& p : hit.explain) {
        if (p.factor != 0) {
          EXPECT_NEAR(p.value, score * (p.factor - 1), 1e-9) << q.text << " " << hit.id << " " << p.part;
          ++checked;
        }
        score += p.value;
      }
    }
  }
  EXPECT_GT(checked, 20);
}

}  // namespace
}  // namespace kb
