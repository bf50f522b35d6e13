// kb::ParseCuration, Curation::Match and the date-times rules end at.
#include "kb/curation.h"

#include <gtest/gtest.h>

namespace kb {
namespace {

constexpr char kRules[] = R"(rules:
  - queries: ["refund failed", "refund stuck"]
    pin: [incidents/refund-outage, payments/refunds]
    hide: payments/legacy-refunds
    until: 2026-12-05T18:00:00Z
    note: Acquirer outage
  - query: card declined
    pin: [payments/declines]
)";

std::int64_t At(const char* text) {
  std::int64_t s = 0;
  EXPECT_TRUE(ParseDateTime(text, &s)) << text;
  return s;
}

TEST(CurationTest, ParsesRulesWithTheirLines) {
  Curation c = ParseCuration("content/curation.yaml", kRules);
  ASSERT_TRUE(c.problems.empty()) << c.problems.front().message;
  ASSERT_EQ(c.rules.size(), 2u);
  EXPECT_EQ(c.rules[0].pin, (std::vector<std::string>{"incidents/refund-outage", "payments/refunds"}));
  EXPECT_EQ(c.rules[0].hide, (std::vector<std::string>{"payments/legacy-refunds"}));
  EXPECT_EQ(c.rules[0].note, "Acquirer outage");
  EXPECT_EQ(c.rules[0].line, 2);
  EXPECT_EQ(c.rules[1].line, 7);
  EXPECT_EQ(c.rules[1].until_seconds, 0);
}

TEST(CurationTest, MatchesQueriesAfterKnowledgeGapNormalisation) {
  Curation c = ParseCuration("curation.yaml", kRules);
  const std::int64_t before = At("2026-12-05T17:59:59Z");
  CurationMatch m = c.Match("Refunds failing?", before);
  ASSERT_EQ(m.pins.size(), 2u);
  EXPECT_EQ(m.pins[0].id, "incidents/refund-outage");
  EXPECT_EQ(m.pins[0].note, "Acquirer outage");
  EXPECT_EQ(m.hide, (std::vector<std::string>{"payments/legacy-refunds"}));
  EXPECT_TRUE(c.Match("refund", before).empty());
  EXPECT_TRUE(c.Match("refund failed card", before).empty());
  EXPECT_EQ(c.Match("the card was declined", before).pins.size(), 1u);
}

TEST(CurationTest, RuleEndsAtUntil) {
  Curation c = ParseCuration("curation.yaml", kRules);
  EXPECT_FALSE(c.Match("refund failed", At("2026-12-05T17:59:59Z")).empty());
  EXPECT_TRUE(c.Match("refund failed", At("2026-12-05T18:00:00Z")).empty());
  EXPECT_FALSE(c.Match("card declined", At("2099-01-01T00:00:00Z")).empty());  // no until: no end
}

TEST(CurationTest, DateTimes) {
  EXPECT_EQ(At("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(At("2026-12-05T20:00+02:00"), At("2026-12-05T18:00:00Z"));
  EXPECT_EQ(At("2026-12-05"), At("2026-12-06T00:00:00Z"));  // a date means the whole day
  EXPECT_EQ(FormatDateTime(At("2026-12-05T18:01:02Z")), "2026-12-05T18:01:02Z");
  std::int64_t s = 0;
  for (const char* bad : {"2026-12-05T18:00", "2026-13-01", "2026-02-30T00:00Z", "2026-12-05T24:00Z", "soon", "",
                          "2026-12-05T18:00:00+2"}) {
    EXPECT_FALSE(ParseDateTime(bad, &s)) << bad;
  }
}

TEST(CurationTest, ProblemsNameTheLineAndLeaveTheRuleOut) {
  Curation c = ParseCuration("c.yaml",
                             "rules:\n  - queries: [a b]\n    pin: [x]\n    until: tomorrow\n"
                             "  - pin: [x]\n  - queries: [c]\n    pin: [y]\n    colour: red\n"
                             "  - queries: [d]\n    pin: [z]\n");
  ASSERT_EQ(c.problems.size(), 3u);
  EXPECT_EQ(c.problems[0].line, 4);
  EXPECT_NE(c.problems[0].message.find("until"), std::string::npos);
  EXPECT_EQ(c.problems[1].line, 5);
  EXPECT_NE(c.problems[1].message.find("queries"), std::string::npos);
  EXPECT_EQ(c.problems[2].line, 8);
  EXPECT_NE(c.problems[2].message.find("colour"), std::string::npos);
  ASSERT_EQ(c.rules.size(), 1u);
  EXPECT_EQ(c.rules[0].pin, (std::vector<std::string>{"z"}));
}

TEST(CurationTest, HostileInputNeverThrows) {
  for (const char* text : {"", "rules:", "[1, 2]", "rules: 5", "rules: [[[", "rules:\n  - 7\n", "a: b\n",
                           "rules:\n  - queries: {a: b}\n    pin: [x]\n", "\xff\xfe"}) {
    Curation c = ParseCuration("c.yaml", text);
    EXPECT_TRUE(c.rules.empty()) << text;
  }
  EXPECT_EQ(ParseCuration("c.yaml", "rules: [[[").problems.size(), 1u);
}

}  // namespace
}  // namespace kb
