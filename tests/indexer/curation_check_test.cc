// kb::Check on curation.yaml (tests/data/curation, see its README.md) and curation rules reaching the index.
#include <gtest/gtest.h>

#include <tuple>

#include "indexer_test_util.h"
#include "kb/check.h"
#include "kb/curation.h"
#include "kb/indexer.h"
#include "kb/searcher.h"

namespace kb {
namespace {

using testing::Expected;
using testing::Fixture;

std::vector<Expected> Findings(const CheckReport& report) {
  std::vector<Expected> out;
  for (const CheckFinding& f : report.findings) {
    const Diagnostic& d = f.diagnostic;
    out.emplace_back(d.path.substr(d.path.rfind('/') + 1), d.line, d.column,
                     d.severity == Diagnostic::Severity::kError ? "error" : "warning", f.rule);
  }
  return out;
}

TEST(CurationCheckTest, FixtureProblemsAreReportedAtTheirLines) {
  Result<Source> source = LoadSource(Fixture("curation"));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  CheckOptions options;
  options.today = "2026-06-01";
  Result<CheckReport> report = Check({*source}, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const std::vector<Expected> expected = {
      {"curation.yaml", 7, 1, "error", "curation-id"},         {"curation.yaml", 11, 12, "error", "curation"},
      {"curation.yaml", 12, 1, "warning", "curation-expired"}, {"curation.yaml", 17, 5, "error", "curation"},
      {"curation.yaml", 19, 12, "error", "curation"},
  };
  EXPECT_EQ(Findings(*report), expected);
  EXPECT_EQ(report->errors, 4u);
  EXPECT_EQ(report->warnings, 1u);
  for (const CheckFinding& f : report->findings) {
    if (f.rule == "curation-id") {
      EXPECT_NE(f.diagnostic.message.find("'no-such-item'"), std::string::npos);
    }
    if (f.rule == "curation-expired") {
      EXPECT_NE(f.diagnostic.message.find("2026-01-02T09:00:00Z"), std::string::npos);
    }
  }
}

TEST(CurationCheckTest, AnIncidentWithoutUntilIsAnError) {
  testing::TempDir dir;
  testing::WriteFile(dir.Sub("docs/outage.md"),
                     "---\ntitle: Outage\nkind: incident\nowner: sre\ntier: L1\nstarted: 2026-12-05T09:00:00Z\n---\n"
                     "Payments are degraded.\n");
  testing::WriteFile(dir.Sub("docs/bad.md"),
                     "---\ntitle: Bad\nkind: incident\nowner: sre\ntier: L1\nuntil: next week\n---\nText.\n");
  Result<Source> source = LoadSource(dir.Sub("docs"));
  ASSERT_TRUE(source.ok());
  Result<CheckReport> report = Check({*source}, {});
  ASSERT_TRUE(report.ok());
  const std::vector<Expected> expected = {{"bad.md", 6, 8, "error", "front-matter"},
                                          {"outage.md", 3, 7, "error", "incident-until"}};
  EXPECT_EQ(Findings(*report), expected);
}

TEST(CurationCheckTest, IndexStoresRulesAndSearchApplies) {
  testing::TempDir dir;
  testing::CopyTree(Fixture("curation"), dir.Sub("docs"));
  Result<Source> source = LoadSource(dir.Sub("docs"));
  ASSERT_TRUE(source.ok());
  IndexerOptions options;
  options.db_path = dir.Sub("db");
  ASSERT_TRUE(BuildIndex({*source}, options).ok());
  auto searcher = Searcher::Open({dir.Sub("db")});
  ASSERT_TRUE(searcher.ok());
  SearchRequest req;
  req.query = "refunds failing";
  Result<SearchResponse> res = (*searcher)->Search(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_FALSE(res->hits.empty());
  EXPECT_EQ(res->hits[0].id, "refund-outage");
  EXPECT_TRUE(res->hits[0].pinned);
  EXPECT_EQ(res->hits[0].pin_note, "Acquirer outage");
  for (const SearchHit& h : res->hits) {
    EXPECT_NE(h.id, "legacy-refunds");
    if (h.id != "refund-outage") {
      EXPECT_FALSE(h.pinned);
    }
  }

  // Without the file, an update drops the rules; the searcher takes that up on Reopen.
  std::filesystem::remove(dir.Sub("docs/curation.yaml"));
  source = LoadSource(dir.Sub("docs"));
  ASSERT_TRUE(UpdateIndex({*source}, options).ok());
  ASSERT_TRUE((*searcher)->Reopen().ok());
  res = (*searcher)->Search(req);
  ASSERT_TRUE(res.ok());
  bool legacy = false;
  for (const SearchHit& h : res->hits) {
    EXPECT_FALSE(h.pinned);
    legacy = legacy || h.id == "legacy-refunds";
  }
  EXPECT_TRUE(legacy);
}

}  // namespace
}  // namespace kb
