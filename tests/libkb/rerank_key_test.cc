// The rerank value (kSlotRerank): what the rerank reads comes back intact, and ordering by the value orders by
// id, which is how a search orders matches of equal weight.
#include "rerank_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace kb::internal {
namespace {

TEST(RerankKeyTest, FieldsComeBackAsPacked) {
  const RerankKey key{.id = "refund-policy",
                      .stale_after = "20270101",
                      .boost = "0.500000",
                      .answer = true,
                      .names_problem = true,
                      .process = false};
  const RerankKey back = DecodeRerankKey(EncodeRerankKey(key));
  EXPECT_EQ(back.id, key.id);
  EXPECT_EQ(back.stale_after, key.stale_after);
  EXPECT_EQ(back.boost, key.boost);
  EXPECT_TRUE(back.answer);
  EXPECT_TRUE(back.names_problem);
  EXPECT_FALSE(back.process);
  const RerankKey plain = DecodeRerankKey(EncodeRerankKey({.id = "a", .process = true}));
  EXPECT_EQ(plain.id, "a");
  EXPECT_TRUE(plain.stale_after.empty());
  EXPECT_TRUE(plain.boost.empty());
  EXPECT_FALSE(plain.answer);
  EXPECT_TRUE(plain.process);
}

TEST(RerankKeyTest, AnItemAboutKbKeepsItsTitleApartFromItsBoost) {
  // With a boost, without one (the byte after the 0 before the title is then another 0), and with a stale date.
  for (const std::string& boost : {std::string("0.500000"), std::string()}) {
    const RerankKey key{.id = "handbook/kb-search",
                        .stale_after = "20270101",
                        .boost = boost,
                        .process = true,
                        .about_kb = true,
                        .title = "searching the knowledge base with kb"};
    const RerankKey back = DecodeRerankKey(EncodeRerankKey(key));
    EXPECT_EQ(back.id, key.id);
    EXPECT_EQ(back.stale_after, key.stale_after);
    EXPECT_EQ(back.boost, boost);
    EXPECT_TRUE(back.process);
    EXPECT_TRUE(back.about_kb);
    EXPECT_EQ(back.title, key.title);
  }
  // A title cannot end the id early: its 0 bytes are written as spaces.
  const RerankKey odd =
      DecodeRerankKey(EncodeRerankKey({.id = "a", .about_kb = true, .title = std::string("x\0y", 3)}));
  EXPECT_EQ(odd.id, "a");
  EXPECT_EQ(odd.title, "x y");
  // Other items carry no title, whatever their boost.
  const RerankKey other = DecodeRerankKey(EncodeRerankKey({.id = "b", .boost = "0.600000", .process = true}));
  EXPECT_FALSE(other.about_kb);
  EXPECT_TRUE(other.title.empty());
  EXPECT_EQ(other.boost, "0.600000");
}

TEST(RerankKeyTest, AnIncidentsEndDateIsNotReadAsFreshness) {
  const RerankKey back = DecodeRerankKey(EncodeRerankKey({.id = "incidents/x", .ended = "20261118"}));
  EXPECT_EQ(back.id, "incidents/x");
  EXPECT_EQ(back.ended, "20261118");
  EXPECT_TRUE(back.stale_after.empty());
  const RerankKey article = DecodeRerankKey(EncodeRerankKey({.id = "a", .stale_after = "20261118"}));
  EXPECT_TRUE(article.ended.empty());
  EXPECT_EQ(article.stale_after, "20261118");
}

TEST(RerankKeyTest, MissingOrForeignValueDecodesToDefaults) {
  for (const std::string& value : {std::string(), std::string("refund-policy"), std::string("\0", 1)}) {
    const RerankKey key = DecodeRerankKey(value);
    EXPECT_TRUE(key.id.empty() && key.stale_after.empty() && key.ended.empty() && key.boost.empty());
    EXPECT_FALSE(key.answer || key.names_problem || key.process || key.about_kb);
  }
}

TEST(RerankKeyTest, OrderingByTheValueOrdersById) {
  // Prefixes, capitals, spaces and bytes above 0x7f; the later fields differ so they would reorder any tie.
  const std::vector<std::string> ids = {"a", "a b", "a-b", "ab", "B", "a\xC3\xA7", "z", "a0", "ab-long-id"};
  std::vector<std::pair<std::string, std::string>> packed;
  int n = 0;
  for (const std::string& id : ids) {
    ++n;
    packed.emplace_back(EncodeRerankKey({.id = id,
                                         .stale_after = n % 2 ? "2026010" + std::to_string(n) : "",
                                         .boost = n % 3 ? "" : "2.000000",
                                         .answer = n % 2 == 0,
                                         .names_problem = n % 3 == 0}),
                        id);
  }
  std::sort(packed.begin(), packed.end());
  std::vector<std::string> sorted_ids = ids, by_value;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  for (const auto& [value, id] : packed) by_value.push_back(id);
  EXPECT_EQ(by_value, sorted_ids);
}

}  // namespace
}  // namespace kb::internal
