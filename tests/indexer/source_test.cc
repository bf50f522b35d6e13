#include "kb/source.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "content_hash.h"
#include "git_commit.h"
#include "glob.h"
#include "indexer_test_util.h"

namespace kb {
namespace {

using testing::CopyTree;
using testing::Fixture;
using testing::TempDir;
using testing::WriteFile;

std::vector<std::string> Paths(const ScanResult& scan) {
  std::vector<std::string> paths;
  for (const SourceFile& f : scan.files) paths.push_back(f.path);
  return paths;
}

TEST(GlobTest, StarsQuestionMarksClassesAndGlobstar) {
  EXPECT_TRUE(internal::GlobMatch("**/*.md", "a.md"));
  EXPECT_TRUE(internal::GlobMatch("**/*.md", "a/b/c.md"));
  EXPECT_FALSE(internal::GlobMatch("**/*.md", "a/b/c.mdx"));
  EXPECT_TRUE(internal::GlobMatch("docs/*.md", "docs/a.md"));
  EXPECT_FALSE(internal::GlobMatch("docs/*.md", "docs/sub/a.md"));
  EXPECT_TRUE(internal::GlobMatch("docs/**", "docs/sub/a.md"));
  EXPECT_TRUE(internal::GlobMatch("docs/", "docs/sub/a.md"));
  EXPECT_TRUE(internal::GlobMatch("/docs/*.md", "docs/a.md"));
  EXPECT_TRUE(internal::GlobMatch("a/**/z.md", "a/z.md"));
  EXPECT_TRUE(internal::GlobMatch("a/**/z.md", "a/b/c/z.md"));
  EXPECT_TRUE(internal::GlobMatch("file?.md", "file1.md"));
  EXPECT_FALSE(internal::GlobMatch("file?.md", "file10.md"));
  EXPECT_TRUE(internal::GlobMatch("[abc]*.md", "b-x.md"));
  EXPECT_FALSE(internal::GlobMatch("[!abc]*.md", "b-x.md"));
  EXPECT_TRUE(internal::GlobMatch("v[0-9].md", "v7.md"));
  // A pattern without '/' matches the file name in any directory.
  EXPECT_TRUE(internal::GlobMatch("README.md", "README.md"));
  EXPECT_TRUE(internal::GlobMatch("README.md", "sub/dir/README.md"));
  EXPECT_FALSE(internal::GlobMatch("README.md", "sub/README.md.txt"));
  EXPECT_FALSE(internal::GlobMatch("", "a.md"));
}

TEST(SourceConfigTest, ParsesEveryKey) {
  auto config = ParseSourceConfig("kb-source.yaml", R"(
name: payments
include: ["**/*.md"]
exclude: [README.md, "drafts/**"]
lang: TR
owner: payments-team
id_prefix: "pay/"
required: [Owner, kind]
unknown_fields: warning
)");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->name, "payments");
  EXPECT_EQ(config->include, std::vector<std::string>{"**/*.md"});
  EXPECT_EQ(config->exclude, (std::vector<std::string>{"README.md", "drafts/**"}));
  EXPECT_EQ(config->lang, "tr");
  EXPECT_EQ(config->owner, "payments-team");
  EXPECT_EQ(config->id_prefix, "pay/");
  EXPECT_EQ(config->required, (std::vector<std::string>{"owner", "kind"}));
  EXPECT_EQ(config->unknown_fields, UnknownFieldPolicy::kWarning);
}

TEST(SourceConfigTest, DefaultsWhenEmpty) {
  auto config = ParseSourceConfig("kb-source.yaml", "");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->include, (std::vector<std::string>{"**/*.md", "**/*.markdown"}));
  EXPECT_TRUE(config->exclude.empty());
  EXPECT_EQ(config->lang, "en");
  EXPECT_EQ(config->required, (std::vector<std::string>{"owner", "kind", "tier"}));
  EXPECT_EQ(config->unknown_fields, UnknownFieldPolicy::kError);
}

TEST(SourceConfigTest, ErrorsNameFileLineAndKey) {
  auto unknown = ParseSourceConfig("docs/kb-source.yaml", "lang: en\nexclud: [a]\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message().rfind("docs/kb-source.yaml:2:1: unknown key 'exclud'", 0), 0u)
      << unknown.status().message();
  auto bad_type = ParseSourceConfig("c.yaml", "include:\n  nested: map\n");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("'include' must be a list"), std::string::npos);
  auto bad_yaml = ParseSourceConfig("c.yaml", "include: [a\n");
  ASSERT_FALSE(bad_yaml.ok());
  EXPECT_NE(bad_yaml.status().message().find("not valid YAML"), std::string::npos);
  auto bad_policy = ParseSourceConfig("c.yaml", "unknown_fields: loud\n");
  ASSERT_FALSE(bad_policy.ok());
  auto bad_lang = ParseSourceConfig("c.yaml", "lang: english\n");
  ASSERT_FALSE(bad_lang.ok());
}

TEST(SynonymsTest, GroupsPerLineCommentsAndSinglesSkipped) {
  auto groups = ParseSynonyms("# comment\nrefund, reimbursement ,chargeback\n\nlonely\n  # indented comment\n2fa,mfa");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<std::string>{"refund", "reimbursement", "chargeback"}));
  EXPECT_EQ(groups[1], (std::vector<std::string>{"2fa", "mfa"}));
}

TEST(LoadSourceTest, NameFromArgumentConfigOrDirectory) {
  TempDir dir;
  CopyTree(Fixture("sources/docs"), dir.Sub("tree"));
  auto from_config = LoadSource(dir.Sub("tree"));
  ASSERT_TRUE(from_config.ok()) << from_config.status().ToString();
  EXPECT_EQ(from_config->name, "docs");  // kb-source.yaml says so
  EXPECT_EQ(from_config->config.owner, "support-ops");
  EXPECT_EQ(from_config->synonyms.size(), 2u);
  EXPECT_EQ(from_config->config_path, dir.Sub("tree/kb-source.yaml"));

  auto named = LoadSource("kb=" + dir.Sub("tree"));
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->name, "kb");
  EXPECT_EQ(named->root, dir.Sub("tree"));
  EXPECT_NE(named->fingerprint, from_config->fingerprint);  // the name is part of every item

  WriteFile(dir.Sub("My Docs/a.md"), "# A\n\ntext\n");
  auto basename = LoadSource(dir.Sub("My Docs"));
  ASSERT_TRUE(basename.ok());
  EXPECT_EQ(basename->name, "My-Docs");
  EXPECT_TRUE(basename->config_path.empty());
  EXPECT_TRUE(basename->commit.empty());
}

TEST(LoadSourceTest, RejectsMissingDirectoryBadNameAndBadConfig) {
  TempDir dir;
  auto missing = LoadSource(dir.Sub("nope"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no such directory"), std::string::npos);
  auto bad_name = LoadSource("bad name=" + dir.path());
  EXPECT_EQ(bad_name.status().code(), StatusCode::kInvalidArgument);
  WriteFile(dir.Sub("a.md"), "x");
  auto file = LoadSource(dir.Sub("a.md"));
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  WriteFile(dir.Sub("cfg/kb-source.yaml"), "owner: [a, b]\n");
  auto bad_config = LoadSource(dir.Sub("cfg"));
  EXPECT_EQ(bad_config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_config.status().message().find("kb-source.yaml:1:"), std::string::npos)
      << bad_config.status().message();
}

TEST(ScanSourceTest, SelectsMarkdownSkipsHiddenExcludedAndOtherFiles) {
  TempDir dir;
  CopyTree(Fixture("sources/docs"), dir.Sub("tree"));
  auto source = LoadSource(dir.Sub("tree"));
  ASSERT_TRUE(source.ok());
  auto scan = ScanSource(*source);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(Paths(*scan), (std::vector<std::string>{"handbook/broken.md", "handbook/escalation.md", "includes/note.md",
                                                    "payments/answers/refund-delayed.md", "payments/refund-failures.md",
                                                    "payments/refunds.md"}));
  // README.md and payments/_template.md (excluded), diagram.txt, kb-source.yaml, synonyms.txt.
  EXPECT_EQ(scan->ignored, 5u);
  EXPECT_TRUE(scan->skipped.empty());
  EXPECT_GT(scan->files.back().size, 100u);
}

TEST(ScanSourceTest, FollowsFileLinksInsideTheTreeOnly) {
  TempDir dir;
  WriteFile(dir.Sub("tree/a.md"), "# A\n\ntext\n");
  WriteFile(dir.Sub("outside.md"), "# Outside\n\nsecret\n");
  std::filesystem::create_symlink(dir.Sub("tree/a.md"), dir.Sub("tree/alias.md"));
  std::filesystem::create_symlink(dir.Sub("outside.md"), dir.Sub("tree/escape.md"));
  std::filesystem::create_directory_symlink(dir.path(), dir.Sub("tree/loop"));
  auto source = LoadSource(dir.Sub("tree"));
  ASSERT_TRUE(source.ok());
  auto scan = ScanSource(*source);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(Paths(*scan), (std::vector<std::string>{"a.md", "alias.md"}));
  ASSERT_EQ(scan->skipped.size(), 1u);
  EXPECT_EQ(scan->skipped[0].path, "escape.md");
  EXPECT_NE(scan->skipped[0].reason.find("outside the source"), std::string::npos);
}

TEST(ReadSourceFileTest, ReadsAndRefusesOversizeFiles) {
  TempDir dir;
  WriteFile(dir.Sub("tree/a.md"), "hello");
  auto source = LoadSource(dir.Sub("tree"));
  ASSERT_TRUE(source.ok());
  auto bytes = ReadSourceFile(*source, "a.md");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "hello");
  auto big = ReadSourceFile(*source, "a.md", 3);
  EXPECT_EQ(big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(big.status().message().rfind(dir.Sub("tree/a.md") + ": file is 5 bytes", 0), 0u) << big.status().message();
  EXPECT_EQ(ReadSourceFile(*source, "gone.md").status().code(), StatusCode::kIoError);
}

TEST(ContentHashTest, EqualsItemContentHash) {
  const std::string text = "---\ntitle: T\n---\n# T\n\nbody\n";
  auto item = ParseItem("t.md", text);
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(internal::ContentHash(text), item->content_hash);
  EXPECT_EQ(internal::ContentHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256
}

class GitCommitTest : public ::testing::Test {
 protected:
  const std::string kSha1 = "0123456789abcdef0123456789abcdef01234567";
  const std::string kSha2 = "89abcdef0123456789abcdef0123456789abcdef";
  TempDir dir_;
};

TEST_F(GitCommitTest, LooseRefOfCurrentBranch) {
  WriteFile(dir_.Sub("repo/.git/HEAD"), "ref: refs/heads/main\n");
  WriteFile(dir_.Sub("repo/.git/refs/heads/main"), kSha1 + "\n");
  WriteFile(dir_.Sub("repo/docs/a.md"), "# A\n");
  EXPECT_EQ(internal::DetectGitCommit(dir_.Sub("repo")), kSha1);
  EXPECT_EQ(internal::DetectGitCommit(dir_.Sub("repo/docs")), kSha1);  // a source may be a subdirectory
  auto source = LoadSource(dir_.Sub("repo/docs"));
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(source->commit, kSha1);
}

TEST_F(GitCommitTest, PackedRefAndDetachedHead) {
  WriteFile(dir_.Sub("repo/.git/HEAD"), "ref: refs/heads/release\n");
  WriteFile(dir_.Sub("repo/.git/packed-refs"), "# pack-refs with: peeled fully-peeled sorted\n" + kSha2 +
                                                   " refs/heads/main\n" + kSha1 + " refs/heads/release\n^" + kSha2 +
                                                   "\n");
  EXPECT_EQ(internal::DetectGitCommit(dir_.Sub("repo")), kSha1);
  WriteFile(dir_.Sub("repo/.git/HEAD"), kSha2 + "\n");
  EXPECT_EQ(internal::DetectGitCommit(dir_.Sub("repo")), kSha2);
}

TEST_F(GitCommitTest, WorktreeGitdirFileWithCommondir) {
  WriteFile(dir_.Sub("main/.git/refs/heads/feature"), kSha2 + "\n");
  WriteFile(dir_.Sub("main/.git/worktrees/wt/HEAD"), "ref: refs/heads/feature\n");
  WriteFile(dir_.Sub("main/.git/worktrees/wt/commondir"), "../..\n");
  WriteFile(dir_.Sub("wt/.git"), "gitdir: " + dir_.Sub("main/.git/worktrees/wt") + "\n");
  EXPECT_EQ(internal::DetectGitCommit(dir_.Sub("wt")), kSha2);
}

TEST_F(GitCommitTest, NoRepositoryOrUnbornBranchGivesEmpty) {
  WriteFile(dir_.Sub("plain/a.md"), "# A\n");
  // The temp dir is not inside a git work tree, so walking up finds nothing.
  EXPECT_EQ(internal::DetectGitCommit(dir_.Sub("plain")), "");
  WriteFile(dir_.Sub("unborn/.git/HEAD"), "ref: refs/heads/main\n");
  EXPECT_EQ(internal::DetectGitCommit(dir_.Sub("unborn")), "");
}

}  // namespace
}  // namespace kb
