// The owners registry in `kb-index check`: an owner missing from owners.yaml and a team without a contact
// are errors at path:line in every output format; placeholder patterns are validated; the repository's
// content passes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "indexer_test_util.h"
#include "kb/check.h"
#include "kb/owners.h"

namespace kb {
namespace {

using testing::Contains;
using testing::ProcessResult;
using testing::RunKbIndex;
using testing::TempDir;
using testing::WriteFile;

// A tree whose owners.yaml knows payments-team and a contact-less risk-team; refunds.md names an owner
// that is not there (line 4 of the file).
void WriteTree(const TempDir& dir) {
  WriteFile(dir.Sub("owners.yaml"),
            "payments-team:\n  name: Payments\n  contact: \"#payments-support\"\n"
            "risk-team:\n  name: Risk\n  hours: office hours\n");
  WriteFile(dir.Sub("cards.md"),
            "---\ntitle: Cards\nkind: article\nowner: payments-team\ntier: L1\n---\n# Cards\n\nText.\n");
  WriteFile(dir.Sub("refunds.md"),
            "---\ntitle: Refunds\nkind: article\nowner: refunds-crew\ntier: L2\n---\n# Refunds\n\nText.\n");
}

TEST(OwnersCheckTest, UnknownOwnerAndTeamWithoutContactInEveryFormat) {
  TempDir dir;
  WriteTree(dir);
  ProcessResult text = RunKbIndex({"check", dir.path()});
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_TRUE(Contains(text.out, dir.Sub("refunds.md") + ":4:8: error: owner 'refunds-crew' is not a team in"))
      << text.out;
  EXPECT_TRUE(Contains(text.out, "[unknown-owner]")) << text.out;
  EXPECT_TRUE(Contains(text.out, dir.Sub("owners.yaml") + ":4:1: error: team 'risk-team' has no contact")) << text.out;
  EXPECT_FALSE(Contains(text.out, "cards.md")) << text.out;

  ProcessResult js = RunKbIndex({"check", "--format", "json", dir.path()});
  EXPECT_EQ(js.exit_code, 1);
  const nlohmann::json j = nlohmann::json::parse(js.out);
  int unknown = 0, contact = 0;
  for (const auto& d : j["diagnostics"]) {
    if (d["rule"] == "unknown-owner") {
      ++unknown;
      EXPECT_EQ(d["path"], dir.Sub("refunds.md"));
      EXPECT_EQ(d["line"], 4);
    }
    if (d["rule"] == "owner-contact") {
      ++contact;
      EXPECT_EQ(d["path"], dir.Sub("owners.yaml"));
      EXPECT_EQ(d["line"], 4);
    }
  }
  EXPECT_EQ(unknown, 1);
  EXPECT_EQ(contact, 1);

  ProcessResult gh = RunKbIndex({"check", "--format", "github", dir.path()});
  EXPECT_EQ(gh.exit_code, 1);
  EXPECT_TRUE(
      Contains(gh.out, "::error file=" + dir.Sub("refunds.md") + ",line=4,col=8,title=kb check unknown-owner::"))
      << gh.out;
  EXPECT_TRUE(
      Contains(gh.out, "::error file=" + dir.Sub("owners.yaml") + ",line=4,col=1,title=kb check owner-contact::"))
      << gh.out;
}

TEST(OwnersCheckTest, FixedTreePassesAndNoRegistryMeansNoOwnerCheck) {
  TempDir dir;
  WriteTree(dir);
  WriteFile(dir.Sub("owners.yaml"),
            "payments-team: {contact: \"#payments-support\"}\nrefunds-crew: {oncall: \"PagerDuty: refunds\"}\n");
  ProcessResult fixed = RunKbIndex({"check", dir.path()});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  std::filesystem::remove(dir.Sub("owners.yaml"));
  EXPECT_EQ(RunKbIndex({"check", dir.path()}).exit_code, 0);
}

TEST(OwnersCheckTest, MalformedRegistryIsAnErrorWithItsLine) {
  TempDir dir;
  WriteTree(dir);
  WriteFile(dir.Sub("owners.yaml"), "payments-team:\n  contact: x\n  pager: y\n");
  ProcessResult r = RunKbIndex({"check", dir.path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, dir.Sub("owners.yaml") + ":3:1: error: unknown field 'pager'")) << r.out;
  EXPECT_TRUE(Contains(r.out, "[owners]")) << r.out;
}

TEST(OwnersCheckTest, PlaceholderPatternsAreValidated) {
  TempDir dir;
  WriteFile(dir.Sub("owners.yaml"), "payments-team: {contact: \"#payments-support\"}\n");
  WriteFile(dir.Sub("reply.md"),
            "---\ntitle: Reply\nkind: answer\nowner: payments-team\ntier: L1\n"
            "placeholders:\n  payment_id: \"pay_[A-Za-z0-9]+\"\n  refund_id: \"re_[\"\n  payout_id: \"po_[0-9]+\"\n"
            "---\n# Reply\n\nHi {{customer_name}}, payment {{payment_id}} and refund {{refund_id}}.\n");
  ProcessResult r = RunKbIndex({"check", dir.path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, dir.Sub("reply.md") + ":8:3: error: pattern for 'refund_id' is not a valid regular"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, dir.Sub("reply.md") + ":9:3: error: pattern for 'payout_id', but the text has no "
                                                    "{{payout_id}}"))
      << r.out;
  EXPECT_FALSE(Contains(r.out, "'payment_id'")) << r.out;
}

TEST(OwnersCheckTest, RepositoryContentHasARegistryForEveryOwner) {
  Result<Source> content = LoadSource(std::string(KB_SOURCE_DIR) + "/content");
  ASSERT_TRUE(content.ok());
  Result<OwnersRegistry> owners = LoadOwners(*content);
  ASSERT_TRUE(owners.ok()) << owners.status().ToString();
  EXPECT_TRUE(owners->present);
  ASSERT_NE(owners->Find("payments-team"), nullptr);
  EXPECT_FALSE(owners->Find("payments-team")->EscalationContact().empty());
  ProcessResult r = RunKbIndex({"check", std::string(KB_SOURCE_DIR) + "/content"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace kb
