// SearchBody (the /api/search body written as text) against the tree it replaced: Dump(SearchJson) with
// "explain" and "escalation" added to each result must be the same bytes, for awkward strings and numbers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api_json.h"

namespace kb::server {
namespace {

using nlohmann::json;

SearchHit Hit(int rank, double score, std::string text) {
  SearchHit h;
  h.id = "dir/item-" + std::to_string(rank);
  h.title = text;
  h.kind = rank % 2 ? Kind::kAnswer : Kind::kArticle;
  h.path = "dir/" + text + ".md";
  h.source = rank % 2 ? "" : "remote";
  h.section_title = "Section \"" + text + "\"";
  h.section_anchor = rank % 2 ? "" : "section-anchor";
  h.snippet = "&lt;b&gt; <mark>" + text + "</mark> \t tab";
  h.owner = rank % 2 ? "" : "payments-team";
  h.tier = rank % 3 == 0 ? Tier::kUnset : (rank % 3 == 1 ? Tier::kL1 : Tier::kL2);
  h.product = "prod";
  h.lang = rank % 2 ? "tr" : "en";
  h.tags = {"a", text, ""};
  h.error_codes = rank % 2 ? std::vector<std::string>{} : std::vector<std::string>{"E-1", "0x80070005"};
  h.verified = "2026-01-02";
  h.stale_after = rank % 2 ? "" : "2026-07-01";
  h.stale = rank % 2 == 0;
  h.exact = rank == 1;
  h.score = score;
  h.rank = rank;
  h.pinned = rank == 2;
  h.pin_note = rank == 2 ? "pinned by curation.yaml" : "";
  h.explain = {{"bm25", score, 0}, {"freshness", -0.25, 0.9}, {"title \u00e7", 1e-9, 1.5}};
  return h;
}

SearchResponse Response() {
  SearchResponse r;
  r.query = "iade \"yapılamadı\" \\ </script> \x01 \xff\xfe bad utf-8";
  r.total = 123456;
  r.page = 2;
  r.size = 7;
  const double scores[] = {12.5, 3.0, 0.1, 1e-7, 123456789.125, -0.0, 1e300, 2.0 / 3.0};
  const std::string texts[] = {"plain",
                               "ş ı ğ 漢字",
                               "quote \" slash / back \\",
                               "ctl \x1f \x7f \n \r \b \f",
                               "bad \xc3\x28 utf",
                               "",
                               "emoji \xf0\x9f\x98\x80",
                               "<tag> & 'q'"};
  for (int i = 0; i < 8; ++i) r.hits.push_back(Hit(i + 1, scores[i], texts[i]));
  r.incidents.push_back({"inc-1", "Outage", "Payments \"down\"", "payments-team", "2026-01-01", "", "inc/1.md"});
  r.facets["tag"] = {{"refund", 12}, {"card \xff", 3}};
  r.facets["lang"] = {{"en", 100}};
  r.facets["owner"] = {};
  r.suggestion = "iade yapilamadi";
  r.corrected_query = "";
  r.language = "tr";
  r.missing_words = {"gdpr", "k\"vkk"};
  r.partial_results = true;
  r.failed_shards = {"remote:127.0.0.1:1 (refused)"};
  r.elapsed_ms = 1.2345678901234;
  return r;
}

std::string TreeBody(const SearchResponse& r, bool explain, bool escalate) {
  json out = SearchJson(r);
  for (std::size_t i = 0; i < r.hits.size(); ++i) {
    if (explain) out["results"][i]["explain"] = ExplainJson(r.hits[i]);
    if (escalate) out["results"][i]["escalation"] = {{"owner", r.hits[i].owner}, {"contacts", {i, "x\ty"}}};
  }
  return Dump(out);
}

std::string TextBody(const SearchResponse& r, bool explain, bool escalate) {
  std::vector<json> parts;
  std::vector<std::string> escalations;
  for (std::size_t i = 0; i < r.hits.size(); ++i) {
    parts.push_back(ExplainJson(r.hits[i]));
    escalations.push_back(Dump({{"owner", r.hits[i].owner}, {"contacts", {i, "x\ty"}}}));
  }
  return SearchBody(r, explain ? &parts : nullptr, escalate ? &escalations : nullptr);
}

TEST(SearchBodyTest, SameBytesAsTheTree) {
  const SearchResponse r = Response();
  for (bool explain : {false, true}) {
    for (bool escalate : {false, true}) {
      const std::string tree = TreeBody(r, explain, escalate);
      EXPECT_EQ(TextBody(r, explain, escalate), tree) << "explain " << explain << ", escalate " << escalate;
      // The text is JSON that reads back to the tree's value (no key lost or doubled).
      EXPECT_EQ(json::parse(TextBody(r, explain, escalate)), json::parse(tree));
    }
  }
  // The awkward parts made it through: replaced invalid UTF-8, escaped control characters, kept non-ASCII.
  const std::string body = TextBody(r, true, true);
  EXPECT_NE(body.find("\xef\xbf\xbd"), std::string::npos);
  EXPECT_NE(body.find("\\u001f"), std::string::npos);
  EXPECT_NE(body.find("漢字"), std::string::npos);
  EXPECT_NE(body.find("1e-07"), std::string::npos);
}

// Each string on its own, through the writer's own escaping and its UTF-8 check: every kind of malformed
// UTF-8 the serializer replaces (overlong, surrogate, over U+10FFFF, cut short, stray continuation) and the
// well-formed edges it keeps.
TEST(SearchBodyTest, EveryUtf8EdgeAsTheSerializerWritesIt) {
  const std::string texts[] = {"\xc0\x80",         "\xc1\xbf",         "\xe0\x80\x80",     "\xe0\xa0\x80 ok",
                               "\xed\xa0\x80",     "\xed\x9f\xbf",     "\xef\xbf\xbf",     "\xf0\x80\x80\x80",
                               "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
                               "\xe2\x82",         "ab\xe2",           "\x80 stray",       "\xff",
                               "\x7f del",         "\x01\x02\x1e",     "a\"b\\c/d",        std::string("nul \0 in", 9)};
  for (const std::string& text : texts) {
    SearchResponse r;
    r.query = text;
    r.hits.push_back(Hit(1, 1.0, text));
    r.hits.back().tags = {text};
    EXPECT_EQ(TextBody(r, false, false), TreeBody(r, false, false)) << "bytes: " << ::testing::PrintToString(text);
  }
  // The same inside plain text of every length around the writer's 8-byte steps, so that each edge falls at
  // every place within a step and across two.
  for (const std::string& text : texts) {
    for (std::size_t before = 0; before <= 17; ++before) {
      for (std::size_t after : {0, 1, 7, 8, 9}) {
        const std::string padded = std::string(before, 'a') + text + std::string(after, 'z');
        SearchResponse r;
        r.hits.push_back(Hit(1, 1.0, padded));
        EXPECT_EQ(TextBody(r, false, false), TreeBody(r, false, false))
            << "bytes: " << ::testing::PrintToString(padded);
      }
    }
  }
}

TEST(SearchBodyTest, EmptyResponse) {
  const SearchResponse r;
  EXPECT_EQ(TextBody(r, false, false), TreeBody(r, false, false));
  EXPECT_EQ(TextBody(r, true, true), TreeBody(r, true, true));
  EXPECT_EQ(TextBody(r, false, false).substr(0, 38), "{\"corrected_query\":\"\",\"facets\":{},\"fai");
}

}  // namespace
}  // namespace kb::server
