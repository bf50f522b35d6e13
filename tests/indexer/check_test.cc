#include "kb/check.h"

#include <gtest/gtest.h>

#include <tuple>

#include "indexer_test_util.h"

namespace kb {
namespace {

using testing::Fixture;
using testing::TempDir;
using testing::WriteFile;

using testing::Expected;
using testing::ExpectedFixtureFindings;

std::vector<Expected> Actual(const CheckReport& report, const std::string& root) {
  std::vector<Expected> out;
  for (const CheckFinding& f : report.findings) {
    const Diagnostic& d = f.diagnostic;
    std::string path = d.path.rfind(root + "/", 0) == 0 ? d.path.substr(root.size() + 1) : d.path;
    out.emplace_back(path, d.line, d.column, d.severity == Diagnostic::Severity::kError ? "error" : "warning", f.rule);
  }
  return out;
}

Result<CheckReport> CheckDir(const std::string& dir, const std::string& today = "2026-06-01") {
  Result<Source> source = LoadSource(dir);
  if (!source.ok()) return source.status();
  CheckOptions options;
  options.today = today;
  return Check({*source}, options);
}

TEST(CheckTest, FixtureReportsOneFindingPerProblemFileAtTheRightPosition) {
  const std::string root = Fixture("check");
  auto report = CheckDir(root);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Actual(*report, root), ExpectedFixtureFindings());
  EXPECT_EQ(report->files, 15u);
  EXPECT_EQ(report->errors, 12u);
  EXPECT_EQ(report->warnings, 1u);
}

TEST(CheckTest, MessagesSayWhatIsWrongAndWhatToDo) {
  auto report = CheckDir(Fixture("check"));
  ASSERT_TRUE(report.ok());
  std::map<std::string, std::string> by_rule;
  for (const CheckFinding& f : report->findings) by_rule[f.rule] = f.diagnostic.message;
  EXPECT_NE(by_rule["duplicate-id"].find("base-webhooks.md:2"), std::string::npos) << by_rule["duplicate-id"];
  EXPECT_NE(by_rule["duplicate-code"].find("'ERR_REFUND_FAILED'"), std::string::npos);
  EXPECT_NE(by_rule["duplicate-code"].find("base-refunds.md:8"), std::string::npos);
  EXPECT_NE(by_rule["broken-link"].find("payments/chargebacks.md"), std::string::npos);
  EXPECT_NE(by_rule["broken-anchor"].find("#full-refunds"), std::string::npos);
  EXPECT_NE(by_rule["broken-anchor"].find("#partial-refunds"), std::string::npos);  // what exists instead
  EXPECT_NE(by_rule["placeholder"].find("{{card ending}}"), std::string::npos);
  EXPECT_NE(by_rule["missing-field"].find("'owner'"), std::string::npos);
  EXPECT_NE(by_rule["unknown-field"].find("'categroy'"), std::string::npos);
  EXPECT_NE(by_rule["unknown-kind"].find("'faq'"), std::string::npos);
  EXPECT_NE(by_rule["unknown-tier"].find("'L3'"), std::string::npos);
  EXPECT_NE(by_rule["future-verified"].find("2027-01-15"), std::string::npos);
  EXPECT_NE(by_rule["stale"].find("stale since 2025-04-10"), std::string::npos);
  EXPECT_NE(by_rule["front-matter"].find("not valid YAML"), std::string::npos);
}

TEST(CheckTest, TodayDecidesStaleAndFutureDates) {
  auto report = CheckDir(Fixture("check"), "2027-02-01");
  ASSERT_TRUE(report.ok());
  std::vector<std::string> stale;
  for (const CheckFinding& f : report->findings) {
    EXPECT_NE(f.rule, "future-verified");
    if (f.rule == "stale") stale.push_back(f.diagnostic.path);
  }
  // base-refunds.md (verified 2026-05-01 + 90d) is stale by then as well.
  EXPECT_EQ(stale.size(), 2u);
  EXPECT_FALSE(CheckDir(Fixture("check"), "2026-13-01").ok());
}

TEST(CheckTest, ConfigDefaultsAndPoliciesApply) {
  TempDir dir;
  WriteFile(dir.Sub("kb-source.yaml"), "owner: ops\nrequired: [owner, kind]\nunknown_fields: warning\n");
  WriteFile(dir.Sub("a.md"), "---\ntitle: A\nkind: article\nextra_field: 1\n---\n# A\n\nText.\n");
  auto report = CheckDir(dir.path());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].rule, "unknown-field");
  EXPECT_EQ(report->findings[0].diagnostic.severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(report->errors, 0u);

  WriteFile(dir.Sub("kb-source.yaml"), "required: []\nunknown_fields: ignore\n");
  report = CheckDir(dir.path());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->findings.empty());
}

TEST(CheckTest, BinaryAndMisencodedFilesSayJustThat) {
  // Both used to be reported as three missing fields (owner, kind, tier), which hid what was wrong.
  TempDir dir;
  WriteFile(dir.Sub("image.md"), std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  WriteFile(dir.Sub("latin1.md"), "---\ntitle: Caf\xe9\nkind: article\nowner: o\ntier: L1\n---\n# A\n\nText.\n");
  auto report = CheckDir(dir.path());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->findings.size(), 2u);
  const std::vector<Expected> found = Actual(*report, dir.path());
  EXPECT_EQ(found[0], Expected("image.md", 1, 1, "error", "encoding"));
  EXPECT_EQ(found[1], Expected("latin1.md", 2, 1, "error", "encoding"));
  EXPECT_NE(report->findings[0].diagnostic.message.find("binary file"), std::string::npos);
  EXPECT_NE(report->findings[1].diagnostic.message.find("not valid UTF-8"), std::string::npos);
}

TEST(CheckTest, DuplicatesAreFoundAcrossSources) {
  TempDir dir;
  const std::string article =
      "---\nid: shared\ntitle: A\nkind: article\nowner: o\ntier: L1\n"
      "error_codes: [E1]\n---\n# A\n\nText.\n";
  WriteFile(dir.Sub("one/a.md"), article);
  WriteFile(dir.Sub("two/b.md"), article);
  auto one = LoadSource(dir.Sub("one"));
  auto two = LoadSource(dir.Sub("two"));
  ASSERT_TRUE(one.ok() && two.ok());
  auto report = Check({*one, *two}, {.today = "2026-06-01"});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->findings.size(), 2u);
  EXPECT_EQ(report->findings[0].rule, "duplicate-id");
  EXPECT_EQ(report->findings[0].diagnostic.path, dir.Sub("two/b.md"));
  EXPECT_EQ(report->findings[1].rule, "duplicate-code");
}

TEST(CheckTest, LinksBetweenItemsOfDifferentDirectoriesResolve) {
  TempDir dir;
  const std::string front = "---\ntitle: T\nkind: article\nowner: o\ntier: L1\n---\n";
  WriteFile(dir.Sub("a/one.md"), front +
                                     "# One\n\n## Step two\n\nSee [two](../b/two.md#intro), [img](../media/x.png), "
                                     "[dir](../b/), [mail](mailto:x@example.com), [site](/docs/x).\n");
  WriteFile(dir.Sub("b/two.md"), front +
                                     "# Two\n\n## Intro\n\nBack to [one](../a/one.md#step-two) and "
                                     "[one, encoded](../a/one%2Emd).\n");
  WriteFile(dir.Sub("media/x.png"), "png");
  auto report = CheckDir(dir.path());
  ASSERT_TRUE(report.ok());
  for (const CheckFinding& f : report->findings) ADD_FAILURE() << f.diagnostic.message;
}

// The repository's own knowledge base must always pass `check` (it runs in CI).
TEST(CheckTest, RepositoryContentIsClean) {
  auto report = CheckDir(std::string(KB_SOURCE_DIR) + "/content", "");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GT(report->files, 0u);
  for (const CheckFinding& f : report->findings) {
    if (f.diagnostic.severity == Diagnostic::Severity::kError) {
      ADD_FAILURE() << f.diagnostic.path << ":" << f.diagnostic.line << ": " << f.diagnostic.message;
    }
  }
}

}  // namespace
}  // namespace kb
