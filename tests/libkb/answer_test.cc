// Tests of the scripted-answer placeholders: listing, problem reports and rendering.
#include "kb/answer.h"

#include <gtest/gtest.h>

#include "kb/item.h"

#include <map>
#include <string>
#include <vector>

namespace kb {
namespace {

using Names = std::vector<std::string>;

TEST(ListPlaceholdersTest, InOrderOfFirstUseWithoutDuplicates) {
  EXPECT_EQ(ListPlaceholders("Hi {{customer_name}}, order {{ order.id }} for {{customer_name}} ({{\tplan_2 }})"),
            (Names{"customer_name", "order.id", "plan_2"}));
  EXPECT_EQ(ListPlaceholders("no placeholders { here } {x}"), Names{});
}

TEST(ListPlaceholdersTest, MalformedOnesAreNotListed) {
  EXPECT_EQ(ListPlaceholders("{{}} {{ 1abc }} {{first-name}} {{a b}} {{open {{ok}}"), Names{"ok"});
  // A placeholder ends on its own line.
  EXPECT_EQ(ListPlaceholders("{{name\n}} {{_x}}"), Names{"_x"});
}

TEST(FindPlaceholderProblemsTest, UnclosedWithLineAndColumn) {
  const std::vector<PlaceholderProblem> problems = FindPlaceholderProblems("Hello,\nDear {{customer_name,\nThanks");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 2);
  EXPECT_EQ(problems[0].column, 6);
  EXPECT_EQ(problems[0].message.rfind("unclosed placeholder '{{customer_name'", 0), 0u) << problems[0].message;
}

TEST(FindPlaceholderProblemsTest, EmptyAndInvalidNames) {
  const std::vector<PlaceholderProblem> problems = FindPlaceholderProblems("{{}} then {{ 1abc }} and {{ }}");
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].message, "empty placeholder '{{}}'");
  EXPECT_EQ(problems[0].column, 1);
  EXPECT_EQ(problems[1].message.rfind("invalid placeholder name '{{ 1abc }}'", 0), 0u) << problems[1].message;
  EXPECT_EQ(problems[1].column, 11);
  EXPECT_EQ(problems[2].message, "empty placeholder '{{ }}'");
}

TEST(FindPlaceholderProblemsTest, WellFormedTextHasNoProblems) {
  EXPECT_TRUE(FindPlaceholderProblems("Hi {{ a }}, {{b.c}} and } or { or }} alone").empty());
}

TEST(FindPlaceholderProblemsTest, ColumnsCountCharactersNotBytes) {
  const std::vector<PlaceholderProblem> problems = FindPlaceholderProblems("Sayın müşterimiz {{}}");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].column, 18);
}

TEST(FindPlaceholderProblemsTest, OpeningBeforeCloseMakesTheFirstUnclosed) {
  const std::vector<PlaceholderProblem> problems = FindPlaceholderProblems("{{a {{b}}");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].column, 1);
  EXPECT_EQ(problems[0].message.rfind("unclosed placeholder '{{a'", 0), 0u) << problems[0].message;
}

TEST(FindPlaceholderProblemsTest, LongGarbageIsQuotedShortly) {
  const std::vector<PlaceholderProblem> problems = FindPlaceholderProblems("{{" + std::string(500, '#') + "}}");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_LT(problems[0].message.size(), 200u);
}

TEST(RenderAnswerTest, ReplacesEveryGivenPlaceholder) {
  const RenderedAnswer out = RenderAnswer("Hi {{ customer_name }}, order {{order.id}}. Bye {{customer_name}}.",
                                          {{"customer_name", "Ayşe"}, {"order.id", "A-17"}, {"unused", "x"}});
  EXPECT_EQ(out.text, "Hi Ayşe, order A-17. Bye Ayşe.");
  EXPECT_TRUE(out.complete());
}

TEST(RenderAnswerTest, MissingAndEmptyValuesAreReportedAndLeftInPlace) {
  const RenderedAnswer out = RenderAnswer("Dear {{ customer_name }}, {{amount}} on {{date}} ({{amount}}).",
                                          {{"amount", ""}, {"date", "today"}});
  EXPECT_EQ(out.text, "Dear {{ customer_name }}, {{amount}} on today ({{amount}}).");
  EXPECT_EQ(out.missing, (Names{"customer_name", "amount"}));
  EXPECT_FALSE(out.complete());
}

TEST(RenderAnswerTest, ValuesAreInsertedLiterally) {
  const RenderedAnswer out = RenderAnswer("{{a}} and {{b}}", {{"a", "{{b}}"}, {"b", "<b>&"}});
  EXPECT_EQ(out.text, "{{b}} and <b>&");
  EXPECT_TRUE(out.complete());
}

TEST(RenderAnswerTest, MalformedPlaceholdersStayAsWritten) {
  const RenderedAnswer out = RenderAnswer("{{}} {{ 1abc }} {{open {{x}}", {{"1abc", "no"}, {"x", "X"}});
  EXPECT_EQ(out.text, "{{}} {{ 1abc }} {{open X");
  EXPECT_TRUE(out.complete());
}

// A line of a million `{{` must be scanned in linear time (a quadratic scan takes minutes here).
TEST(PlaceholderScanTest, HostileInputIsLinear) {
  std::string text;
  for (int i = 0; i < 1000000; ++i) text += "{{";
  EXPECT_TRUE(ListPlaceholders(text).empty());
  EXPECT_EQ(RenderAnswer(text + "{{x}}", {{"x", "1"}}).text, text + "1");
  EXPECT_EQ(FindPlaceholderProblems(std::string(200000, '{')).size(), 100000u);  // "{{" pairs, not overlaps
}

// AnswerText: the section under "Answer" as the parser found it, or the body without its title.
Item Parsed(const std::string& markdown) {
  Result<Item> item = ParseItem("answers/a.md", "---\ntitle: A\nkind: answer\n---\n" + markdown);
  EXPECT_TRUE(item.ok()) << item.status().ToString();
  return item.ok() ? *item : Item{};
}

TEST(AnswerTextTest, TheSectionUnderAnswerUpToTheNextHeadingOfItsLevel) {
  const Item item = Parsed(
      "# Refund status\n\nWhen to send it.\n\n## Answer\n\nHi {{name}},\n\n### Details\nFive days.\n\n"
      "## Notes\nInternal only.\n");
  EXPECT_EQ(AnswerText(item), "Hi {{name}},\n\n### Details\nFive days.");
}

TEST(AnswerTextTest, SetextHeadingAnyCaseAndToTheEnd) {
  const Item item = Parsed("Intro.\n\nANSWER\n------\n\nThanks for waiting.\n\n");
  EXPECT_EQ(AnswerText(item), "Thanks for waiting.");
}

TEST(AnswerTextTest, ATurkishAnswerHeading) {
  for (const char* heading : {"Yanıt", "Yanit", "YANIT", "Cevap"}) {
    const Item item = Parsed(std::string("# İade durumu\n\n## Ne zaman kullanılır\nİade sorulduğunda.\n\n## ") +
                             heading + "\n\nMerhaba {{ad}},\n\n## Notlar\nİç not.\n");
    EXPECT_EQ(AnswerText(item), "Merhaba {{ad}},") << heading;
  }
}

TEST(AnswerTextTest, WithoutAnAnswerHeadingTheBodyWithoutItsTitle) {
  EXPECT_EQ(AnswerText(Parsed("\n# Refund status\n\nHi {{name}}, it is on its way.\n")),
            "Hi {{name}}, it is on its way.");
  EXPECT_EQ(AnswerText(Parsed("Hi there.\n## Answers to questions\nNot this one.\n")),
            "Hi there.\n## Answers to questions\nNot this one.");
  EXPECT_EQ(AnswerText(Item{}), "");
}

}  // namespace
}  // namespace kb
