// Tests of kb::ParseItem / ParseFile / RenderHtml: front matter, defaults, errors with file lines, sections
// and anchors, code blocks, links, placeholders, staleness and hostile input.
#include "kb/item.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "kb/status.h"

namespace kb {
namespace {

// Substring check with a readable failure (the test target links GoogleTest without gmock).
::testing::AssertionResult Contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << haystack << "' does not contain '" << needle << "'";
}

Item MustParse(std::string_view path, std::string_view bytes, const ParseOptions& options = {}) {
  Result<Item> item = ParseItem(path, bytes, options);
  EXPECT_TRUE(item.ok()) << item.status().ToString();
  return item.ok() ? std::move(item).value() : Item();
}

std::string ParseError(std::string_view path, std::string_view bytes, const ParseOptions& options = {}) {
  Result<Item> item = ParseItem(path, bytes, options);
  EXPECT_FALSE(item.ok()) << "expected " << path << " to be rejected";
  EXPECT_EQ(item.status().code(), StatusCode::kInvalidArgument);
  return item.status().message();
}

// ---- Front matter ----

TEST(FrontMatterTest, ReadsEveryField) {
  const Item item = MustParse("payments/refunds.md", R"(---
id: pay-refunds
title: Refund a payment
kind: Answer
tags: [payments, refunds, payments]
product: checkout
owner: payments-team
tier: l2
lang: TR
verified: 2024-02-29
verify_every: 12w
aliases:
  - money back
  - reverse a charge
error_codes: ERR_REFUND_WINDOW, HTTP 502
description: ignored because summary is given
summary: How to refund.
---
Body.
)");
  EXPECT_EQ(item.id, "pay-refunds");
  EXPECT_EQ(item.title, "Refund a payment");
  EXPECT_EQ(item.kind, Kind::kAnswer);
  EXPECT_EQ(item.tags, (std::vector<std::string>{"payments", "refunds"}));
  EXPECT_EQ(item.product, "checkout");
  EXPECT_EQ(item.owner, "payments-team");
  EXPECT_EQ(item.tier, Tier::kL2);
  EXPECT_EQ(item.lang, "tr");
  EXPECT_EQ(item.verified, "2024-02-29");
  EXPECT_EQ(item.verify_every_days, 84);
  EXPECT_EQ(item.aliases, (std::vector<std::string>{"money back", "reverse a charge"}));
  EXPECT_EQ(item.error_codes, (std::vector<std::string>{"ERR_REFUND_WINDOW", "HTTP 502"}));
  EXPECT_EQ(item.summary, "How to refund.");
  EXPECT_EQ(item.body, "Body.\n");
  EXPECT_EQ(item.body_line, 19);
  EXPECT_TRUE(item.warnings.empty());
}

TEST(FrontMatterTest, VerifyEveryUnits) {
  const std::pair<const char*, int> cases[] = {{"90d", 90}, {"12w", 84}, {"6m", 180}, {"1y", 365}, {"45", 45}};
  for (const auto& [text, days] : cases) {
    const Item item = MustParse("a.md", std::string("---\nverify_every: ") + text + "\n---\n");
    EXPECT_EQ(item.verify_every_days, days) << text;
  }
}

TEST(FrontMatterTest, ScopeIsProcessOrProduct) {
  EXPECT_EQ(MustParse("a.md", "---\nscope: Process\n---\n").scope, "process");
  EXPECT_EQ(MustParse("a.md", "---\nscope: product\n---\n").scope, "");
  EXPECT_EQ(MustParse("a.md", "---\nscope: KB\n---\n").scope, "kb");
  const Item plain = MustParse("a.md", "---\ntitle: T\n---\n");
  EXPECT_EQ(plain.scope, "");
  EXPECT_TRUE(plain.warnings.empty());
}

TEST(FrontMatterTest, TagsAsCommaSeparatedStringAndDescriptionAsSummary) {
  const Item item = MustParse("a.md", "---\ntags: ' payments ,refunds,, cards '\ndescription: Short.\n---\n");
  EXPECT_EQ(item.tags, (std::vector<std::string>{"payments", "refunds", "cards"}));
  EXPECT_EQ(item.summary, "Short.");
}

// Each bad value must be reported at the file line where it is written.
TEST(FrontMatterTest, BadValuesReportTheirFileLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"tier: L3", "tier must be L1 or L2, not 'L3'"},
      {"kind: faq", "kind must be 'article', 'answer' or 'incident'"},
      {"lang: english", "lang must be a 2-letter"},
      {"verified: 2023-02-29", "verified must be a real date"},
      {"verified: 05/02/2024", "verified must be a real date"},
      {"verify_every: soon", "verify_every must be"},
      {"verify_every: 200y", "verify_every must be"},
      {"scope: internal", "scope must be 'product', 'process' (about doing support itself) or 'kb'"},
  };
  for (const auto& [line, expected] : cases) {
    const std::string message = ParseError("kb/x.md", std::string("---\ntitle: T\nowner: o\n") + line + "\n---\n");
    EXPECT_EQ(message.rfind("kb/x.md:4: ", 0), 0u) << message;
    EXPECT_TRUE(Contains(message, expected));
  }
}

TEST(FrontMatterTest, YamlSyntaxErrorReportsFileLine) {
  // Line 3 is indented under a scalar: yaml-cpp reports "illegal map value" there.
  EXPECT_EQ(ParseError("a.md", "---\ntitle: Refunds\n  owner: x\n---\nBody\n")
                .rfind("a.md:3: front matter is not "
                       "valid YAML",
                       0),
            0u);
  // An unclosed flow list is reported no later than the closing fence.
  const std::string message = ParseError("a.md", "---\ntags: [a, b\nowner: x\n---\n# Title\n");
  EXPECT_TRUE(Contains(message, "not valid YAML"));
  EXPECT_TRUE(message.rfind("a.md:3:", 0) == 0 || message.rfind("a.md:4:", 0) == 0) << message;
}

TEST(FrontMatterTest, NonMapAndNonScalarValuesAreErrors) {
  EXPECT_TRUE(Contains(ParseError("a.md", "---\n- a\n- b\n---\n"), "a.md:2: front matter must be a YAML map"));
  EXPECT_TRUE(Contains(ParseError("a.md", "---\njust text\n---\n"), "must be a YAML map"));
  const std::string message = ParseError("a.md", "---\nid: x\ntitle:\n  - one\n  - two\n---\n");
  EXPECT_TRUE(Contains(message, "a.md:4: field 'title' must be a single value, not a list"));
  EXPECT_TRUE(Contains(ParseError("a.md", "---\nowner: {team: x}\n---\n"), "field 'owner' must be a single value"));
  EXPECT_TRUE(Contains(ParseError("a.md", "---\ntags:\n  - ok\n  - [nested]\n---\n"),
                       "a.md:4: each entry of 'tags' must be a single value"));
}

TEST(FrontMatterTest, UnclosedFrontMatterIsErrorAtLine1) {
  EXPECT_TRUE(Contains(ParseError("a.md", "---\ntitle: x\n\n# Heading\n"), "a.md:1: front matter"));
  EXPECT_TRUE(Contains(ParseError("a.md", "---"), "a.md:1:"));
}

TEST(FrontMatterTest, ExternalDocsFieldsAreAcceptedQuietly) {
  const Item item = MustParse("exchange/mail-flow.md", R"(---
title: Mail flow troubleshooting
description: Fix mail flow issues.
ms.date: 04/20/2017
ms.topic: troubleshooting
ms.custom: [sap:Mail Flow, CSSTroubleshoot]
author: someone
keywords: [mail, flow]
search.appverid: MET150
onwer: typo-team
---
# Mail flow troubleshooting
)");
  EXPECT_EQ(item.title, "Mail flow troubleshooting");
  EXPECT_EQ(item.summary, "Fix mail flow issues.");
  // Only the typo is worth a warning, with its line and column.
  ASSERT_EQ(item.warnings.size(), 1u);
  EXPECT_EQ(item.warnings[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(item.warnings[0].line, 10);
  EXPECT_EQ(item.warnings[0].column, 1);
  EXPECT_TRUE(Contains(item.warnings[0].message, "'onwer'"));
}

TEST(FrontMatterTest, OnlyOnTheFirstLine) {
  const Item item = MustParse("a.md", "\n---\ntitle: Not front matter\n---\nText\n");
  EXPECT_EQ(item.body_line, 1);
  EXPECT_NE(item.title, "Not front matter");
  EXPECT_EQ(item.title, "a");
}

TEST(FrontMatterTest, EmptyFrontMatterAndDotsFence) {
  Item item = MustParse("a.md", "---\n---\n# T\n");
  EXPECT_EQ(item.title, "T");
  EXPECT_EQ(item.body_line, 3);
  item = MustParse("a.md", "---\ntitle: Dots\n...\nBody\n");
  EXPECT_EQ(item.title, "Dots");
  EXPECT_EQ(item.body, "Body\n");
}

TEST(FrontMatterTest, BomTrailingSpacesAndCrlf) {
  const Item item = MustParse("a.md",
                              "\xEF\xBB\xBF---  \r\ntitle: Reset a password\r\ntier: L1\r\n--- \r\n"
                              "Intro.\r\n\r\n## Steps\r\n\r\n```sh\r\nreset --all\r\n```\r\n");
  EXPECT_EQ(item.title, "Reset a password");
  EXPECT_EQ(item.tier, Tier::kL1);
  EXPECT_EQ(item.body_line, 5);
  EXPECT_EQ(item.body.rfind("Intro.", 0), 0u);
  ASSERT_EQ(item.sections.size(), 2u);
  EXPECT_EQ(item.sections[0].text, "Intro.");
  EXPECT_EQ(item.sections[1].title, "Steps");
  EXPECT_EQ(item.sections[1].line, 7);
  ASSERT_EQ(item.code_blocks.size(), 1u);
  EXPECT_EQ(item.code_blocks[0].code, "reset --all\n");
  EXPECT_EQ(item.code_blocks[0].line, 9);
}

// ---- Defaults ----

TEST(DefaultsTest, IdLangOwnerAndTitleFromPathAndOptions) {
  ParseOptions options;
  options.id_prefix = "billing/";
  options.default_lang = "de";
  options.default_owner = "support-ops";
  const Item item = MustParse("payments\\cards\\Declined.MD", "Intro\n\n# Card declined\n\nText\n", options);
  EXPECT_EQ(item.id, "billing/payments/cards/Declined");
  EXPECT_EQ(item.lang, "de");
  EXPECT_EQ(item.owner, "support-ops");
  EXPECT_EQ(item.title, "Card declined");
  EXPECT_EQ(item.kind, Kind::kArticle);
  EXPECT_EQ(item.tier, Tier::kUnset);
  EXPECT_EQ(item.path, "payments\\cards\\Declined.MD");
  // An explicit id is not prefixed.
  EXPECT_EQ(MustParse("x.markdown", "---\nid: fixed\n---\n", options).id, "fixed");
  EXPECT_EQ(MustParse("dir/x.markdown", "", options).id, "billing/dir/x");
}

TEST(DefaultsTest, TitleFallsBackToFileStem) {
  const Item item = MustParse("payments/refund-policy.md", "## Only a subheading\n\nText\n");
  EXPECT_EQ(item.title, "refund-policy");
  ASSERT_EQ(item.sections.size(), 2u);
  EXPECT_EQ(item.sections[0].title, "refund-policy");
}

TEST(DefaultsTest, EmptyFileHasOneLeadSection) {
  const Item item = MustParse("empty.md", "");
  EXPECT_EQ(item.title, "empty");
  ASSERT_EQ(item.sections.size(), 1u);
  EXPECT_EQ(item.sections[0].level, 0);
  EXPECT_EQ(item.sections[0].anchor, "");
}

// ---- Rejected input ----

TEST(RejectTest, BinaryFile) {
  EXPECT_EQ(ParseError("img.md", std::string("PNG\0data", 8)), "img.md: binary file (NUL byte at offset 3)");
}

TEST(RejectTest, InvalidUtf8WithLine) {
  EXPECT_EQ(ParseError("a.md", "line one\nline \xC3\x28 two\n"), "a.md:2: not valid UTF-8 (byte offset 14)");
  ParseError("a.md", "overlong \xC0\xAF");         // overlong '/'
  ParseError("a.md", "surrogate \xED\xA0\x80");    // UTF-16 surrogate
  ParseError("a.md", "truncated \xE2\x82");        // cut-off sequence at the end
  ParseError("a.md", "too big \xF4\x90\x80\x80");  // above U+10FFFF
  MustParse("a.md", "Türkçe: şğıİöç — €, emoji 🚀\n");
}

TEST(RejectTest, OversizeFile) {
  ParseOptions options;
  options.max_file_bytes = 10;
  EXPECT_EQ(ParseError("big.md", "12345678901", options), "big.md: file is 11 bytes, over the limit of 10");
  MustParse("ok.md", "1234567890", options);
}

TEST(ContentHashTest, IsSha256OfTheWholeFile) {
  EXPECT_EQ(MustParse("a.md", "").content_hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(MustParse("a.md", "abc").content_hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // 56 bytes: the padding needs a second block.
  EXPECT_EQ(MustParse("a.md", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").content_hash,
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(MustParse("a.md", std::string(1000000, 'a')).content_hash,
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Front matter is part of the file, so changing only metadata changes the hash.
  EXPECT_NE(MustParse("a.md", "---\ntier: L1\n---\nx").content_hash,
            MustParse("a.md", "---\ntier: L2\n---\nx").content_hash);
}

// ---- Sections and anchors ----

TEST(SectionsTest, TitleHeadingBelongsToLeadSection) {
  const Item item = MustParse("a.md",
                              "---\ntitle: Reset a password\n---\n# Reset a password\n\nIntro text.\n\n"
                              "## Steps\n\nDo it.\n\n### Check\n\nDone.\n");
  ASSERT_EQ(item.sections.size(), 3u);
  EXPECT_EQ(item.sections[0].title, "Reset a password");
  EXPECT_EQ(item.sections[0].level, 0);
  EXPECT_EQ(item.sections[0].anchor, "");
  EXPECT_EQ(item.sections[0].text, "Intro text.");
  EXPECT_EQ(item.sections[1].title, "Steps");
  EXPECT_EQ(item.sections[1].level, 2);
  EXPECT_EQ(item.sections[1].anchor, "steps");
  EXPECT_EQ(item.sections[1].text, "Do it.");
  EXPECT_EQ(item.sections[1].line, 8);
  EXPECT_EQ(item.sections[2].level, 3);
  EXPECT_EQ(item.sections[2].line, 12);
}

TEST(SectionsTest, FirstH1DifferentFromTitleIsASection) {
  const Item item = MustParse("a.md", "---\ntitle: Refunds\n---\nLead.\n\n# Overview\n\nText.\n");
  ASSERT_EQ(item.sections.size(), 2u);
  EXPECT_EQ(item.sections[0].text, "Lead.");
  EXPECT_EQ(item.sections[1].title, "Overview");
  EXPECT_EQ(item.sections[1].level, 1);
  EXPECT_EQ(item.sections[1].anchor, "overview");
}

TEST(SectionsTest, AnchorsAreGithubStyleAndDeduplicated) {
  const Item item = MustParse("a.md",
                              "# T\n## Steps\n## Steps\n## Steps\n## FAQ: Refunds & Returns!\n"
                              "## `kb-index` options\n## ???\n## T\n");
  std::vector<std::string> anchors;
  for (const Section& s : item.sections) anchors.push_back(s.anchor);
  // The title heading keeps "t" for itself, as RenderHtml gives it that id.
  EXPECT_EQ(anchors, (std::vector<std::string>{"", "steps", "steps-1", "steps-2", "faq-refunds--returns",
                                               "kb-index-options", "section", "t-1"}));
}

TEST(SectionsTest, TurkishAndUnicodeHeadingAnchors) {
  EXPECT_EQ(MakeAnchor("Ödeme iadesi nasıl yapılır?"), "Ödeme-iadesi-nasıl-yapılır");
  EXPECT_EQ(MakeAnchor("Şifre Sıfırlama"), "Şifre-sıfırlama");
  EXPECT_EQ(MakeAnchor("Can’t sign in — what now? 🚀"), "cant-sign-in--what-now-");
  EXPECT_EQ(MakeAnchor("snake_case and-hyphen 42"), "snake_case-and-hyphen-42");
  const Item item = MustParse("tr.md", "---\nlang: tr\n---\n## Kart reddedildi\n## Kart reddedildi\n");
  EXPECT_EQ(item.sections[1].anchor, "kart-reddedildi");
  EXPECT_EQ(item.sections[2].anchor, "kart-reddedildi-1");
}

TEST(SectionsTest, PlainTextSeparatesBlocksAndKeepsCode) {
  const Item item = MustParse("a.md",
                              "Reset the password\n\n- Intro item with `kb-index`\n- Second\n\n"
                              "> Quoted\n\n    indented code\n\n<div>Raw <b>html</b></div>\n\n"
                              "<table><tr><td>cell</td><td>next</td></tr></table>\n\nStep 1<br>Step 2\n\n"
                              "Last line\nsoft wrapped\n");
  const std::string& text = item.sections[0].text;
  EXPECT_EQ(text.find("passwordIntro"), std::string::npos);
  EXPECT_EQ(text,
            "Reset the password\nIntro item with kb-index\nSecond\nQuoted\nindented code\nRaw html\n"
            "cell next\nStep 1 Step 2\nLast line soft wrapped");
}

TEST(CodeBlocksTest, LanguageCodeAndFileLine) {
  const Item item = MustParse("a.md",
                              "---\ntitle: T\n---\n## Reset\n\n```bash title=\"reset.sh\"\nkb reset\n```\n\n"
                              "    plain indented\n\n~~~\nno info\n~~~\n");
  ASSERT_EQ(item.code_blocks.size(), 3u);
  EXPECT_EQ(item.code_blocks[0].language, "bash");
  EXPECT_EQ(item.code_blocks[0].code, "kb reset\n");
  EXPECT_EQ(item.code_blocks[0].line, 6);
  EXPECT_EQ(item.code_blocks[1].language, "");
  EXPECT_EQ(item.code_blocks[1].line, 10);
  EXPECT_EQ(item.code_blocks[2].language, "");
  EXPECT_TRUE(Contains(item.sections[1].text, "kb reset"));
}

TEST(LinksTest, TargetTextAndFileLine) {
  const Item item = MustParse("a.md",
                              "---\ntitle: T\n---\nSee [partial *refunds*](refunds.md#partial-refunds)\n"
                              "and <https://example.com/x>.\n\n## More\n\nRead [the guide][g].\n\n"
                              "[g]: https://example.com/guide\n");
  ASSERT_EQ(item.links.size(), 3u);
  EXPECT_EQ(item.links[0].target, "refunds.md#partial-refunds");
  EXPECT_EQ(item.links[0].text, "partial refunds");
  EXPECT_EQ(item.links[0].line, 4);
  EXPECT_EQ(item.links[1].target, "https://example.com/x");
  EXPECT_EQ(item.links[1].line, 5);
  EXPECT_EQ(item.links[2].target, "https://example.com/guide");
  EXPECT_EQ(item.links[2].text, "the guide");
  EXPECT_EQ(item.links[2].line, 9);
}

TEST(PlaceholdersTest, ListedForAnswersWithProblemsAsWarnings) {
  const Item answer = MustParse("a.md",
                                "---\nkind: answer\n---\nHi {{ customer_name }},\n\nOrder {{order.id}} "
                                "for {{customer_name}}.\nBad {{ 1abc }} here.\n");
  EXPECT_EQ(answer.placeholders, (std::vector<std::string>{"customer_name", "order.id"}));
  ASSERT_EQ(answer.warnings.size(), 1u);
  EXPECT_EQ(answer.warnings[0].line, 7);
  EXPECT_EQ(answer.warnings[0].column, 5);
  EXPECT_TRUE(Contains(answer.warnings[0].message, "invalid placeholder name '{{ 1abc }}'"));
  // Articles may show template syntax in examples; it is not a placeholder there.
  EXPECT_TRUE(MustParse("b.md", "Use {{customer_name}} in answers.\n").placeholders.empty());
}

// ---- HTML ----

TEST(RenderHtmlTest, DropsUnsafeHtmlAndKeepsHeadingIds) {
  const std::string html = RenderHtml(
      "<script>alert(1)</script>\n\n# Title\n\n[click](javascript:alert(1)) "
      "<img src=x onerror=alert(1)>\n\n## Steps\n\n## Steps\n\n```\n<h2>not a "
      "heading</h2>\n```\n");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(html.find("onerror"), std::string::npos);
  EXPECT_TRUE(Contains(html, "<h1 id=\"title\">Title</h1>"));
  EXPECT_TRUE(Contains(html, "<h2 id=\"steps\">Steps</h2>"));
  EXPECT_TRUE(Contains(html, "<h2 id=\"steps-1\">Steps</h2>"));
  EXPECT_TRUE(Contains(html, "&lt;h2&gt;not a heading"));
}

TEST(RenderHtmlTest, IdsMatchSectionAnchors) {
  const Item item = MustParse("a.md",
                              "---\ntitle: Ödeme\n---\n# Ödeme\n\n## İade nasıl yapılır?\n\n"
                              "> ## Quoted heading\n\n- ## Heading in a list\n\nSetext\n------\n\n## Ödeme\n");
  const std::string html = RenderHtml(item.body);
  ASSERT_EQ(item.sections.size(), 6u);
  for (const Section& section : item.sections) {
    if (section.anchor.empty()) continue;
    EXPECT_TRUE(Contains(html, "id=\"" + section.anchor + "\">" + section.title + "</h"));
  }
  EXPECT_EQ(item.sections.back().anchor, "Ödeme-1");
}

// ---- Staleness ----

TEST(StaleTest, StaleAfterAndIsStaleOn) {
  Item item;
  item.verified = "2024-01-31";
  item.verify_every_days = 30;
  EXPECT_EQ(item.StaleAfter(), "2024-03-01");  // across a leap-year February
  EXPECT_FALSE(item.IsStaleOn("2024-03-01"));
  EXPECT_TRUE(item.IsStaleOn("2024-03-02"));
  EXPECT_FALSE(item.IsStaleOn("not a date"));
  item.verified = "2023-12-01";
  item.verify_every_days = 365;
  EXPECT_EQ(item.StaleAfter(), "2024-11-30");
  item.verify_every_days = 0;
  EXPECT_EQ(item.StaleAfter(), "");
  EXPECT_FALSE(item.IsStaleOn("2099-01-01"));
  item.verify_every_days = 90;
  item.verified = "";
  EXPECT_EQ(item.StaleAfter(), "");
}

TEST(StaleTest, TodayIsAUtcDate) {
  const std::string today = Today();
  ASSERT_EQ(today.size(), 10u);
  Item item;
  item.verified = today;
  item.verify_every_days = 1;
  EXPECT_FALSE(item.IsStaleOn(today));
  EXPECT_TRUE(item.IsStaleOn(std::to_string(std::stoi(today.substr(0, 4)) + 1) + today.substr(4)));
  EXPECT_GE(today, "2024-01-01");
}

// ---- Hostile input ----

TEST(HostileInputTest, DeeplyNestedAndOddInputDoesNotCrash) {
  const std::string cases[] = {
      std::string(200000, '>') + " deep quote\n",
      [] {
        std::string s;
        for (int i = 0; i < 2000; ++i) s += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- item\n";
        return s;
      }(),
      std::string(100000, '[') + std::string(100000, ']'),
      std::string(100000, '*') + "a" + std::string(100000, '_'),
      "---\nx: " + std::string(100000, '[') + "\n---\n",
      "\x01\x02\x7F text \x1B[31m",
  };
  for (const std::string& input : cases) {
    Result<Item> item = ParseItem("hostile.md", input);
    if (item.ok()) {
      EXPECT_FALSE(item->sections.empty());
    }
    (void)RenderHtml(input);
  }
  // RenderHtml takes any bytes, including invalid UTF-8 and NUL.
  EXPECT_TRUE(Contains(RenderHtml(std::string("# a\xFF\0b\n", 7)), "<h1 id="));
}

// ---- Files ----

TEST(ParseFileTest, ReadsFixture) {
  Result<Item> item = ParseFile(KB_TEST_DATA "/parse", "payments/refunds.md");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->id, "payments/refunds");
  EXPECT_EQ(item->path, "payments/refunds.md");
  EXPECT_EQ(item->title, "Refund a card payment");
  EXPECT_EQ(item->owner, "payments-team");
  EXPECT_EQ(item->tier, Tier::kL1);
  EXPECT_EQ(item->StaleAfter(), "2024-07-31");
  EXPECT_EQ(item->error_codes, (std::vector<std::string>{"ERR_REFUND_WINDOW", "E1042"}));
  ASSERT_EQ(item->sections.size(), 3u);
  EXPECT_EQ(item->sections[2].anchor, "partial-refunds");
  EXPECT_EQ(item->sections[2].line, 30);
  ASSERT_EQ(item->links.size(), 1u);
  EXPECT_EQ(item->links[0].target, "#partial-refunds");
  EXPECT_EQ(item->links[0].line, 20);
  EXPECT_TRUE(item->warnings.empty());

  Result<Item> answer = ParseFile(KB_TEST_DATA "/parse/", "answers/card-declined.md");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->kind, Kind::kAnswer);
  EXPECT_EQ(answer->placeholders, (std::vector<std::string>{"customer_name", "amount", "decline_code"}));
}

TEST(ParseFileTest, MissingFileIsIoError) {
  Result<Item> item = ParseFile(KB_TEST_DATA "/parse", "no/such/file.md");
  EXPECT_EQ(item.status().code(), StatusCode::kIoError);
  EXPECT_TRUE(Contains(item.status().message(), "no/such/file.md"));
  EXPECT_EQ(ParseFile(KB_TEST_DATA "/parse", "payments").status().code(), StatusCode::kIoError);
}

TEST(ParseFileTest, SizeIsCheckedBeforeReading) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "kb_parse_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "big.md", std::ios::binary) << std::string(2000, 'x');
  ParseOptions options;
  options.max_file_bytes = 1000;
  Result<Item> item = ParseFile(dir.string(), "big.md", options);
  EXPECT_EQ(item.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(item.status().message(), "big.md: file is 2000 bytes, over the limit of 1000");
  std::filesystem::remove_all(dir);
}

// ---- Names ----

TEST(NamesTest, KindTierAndStatusNames) {
  EXPECT_STREQ(KindName(Kind::kArticle), "article");
  EXPECT_STREQ(KindName(Kind::kAnswer), "answer");
  EXPECT_STREQ(TierName(Tier::kUnset), "");
  EXPECT_STREQ(TierName(Tier::kL2), "L2");
  EXPECT_STREQ(StatusCodeName(StatusCode::kIoError), "io_error");
  EXPECT_STREQ(StatusCodeName(StatusCode::kNotFound), "not_found");
  EXPECT_EQ(Status::InvalidArgument("a.md:4: bad").ToString(), "invalid_argument: a.md:4: bad");
  EXPECT_EQ(Status::Ok().ToString(), "ok");
}

}  // namespace
}  // namespace kb
