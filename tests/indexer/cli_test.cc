// Tests of the real kb-index binary: help, exit codes, output formats, update reporting, concurrency.
#include <gtest/gtest.h>
#include <pty.h>
#include <xapian.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "indexer_test_util.h"
#include "kb/index_writer.h"

namespace kb {
namespace {

using testing::Expected;
using testing::ExpectedFixtureFindings;

using testing::Article;
using testing::Child;
using testing::ChildOptions;
using testing::Contains;
using testing::CopyTree;
using testing::Fixture;
using testing::KbIndex;
using testing::ProcessResult;
using testing::RunKbIndex;
using testing::TempDir;
using testing::WriteFile;

TEST(KbIndexCliTest, HelpDocumentsCommandsOptionsAndExitCodes) {
  ProcessResult help = RunKbIndex({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* text :
       {"build", "update", "check", "stats", "--db PATH", "--format text|json|github", "--strict", "--wait", "--quiet",
        "--verbose", "kb-source.yaml", "synonyms.txt", "Exit codes:", "  0  success", "  1  content errors",
        "  2  usage", "  3  I/O", "  4  the database is locked"}) {
    EXPECT_TRUE(Contains(help.out, text)) << text;
  }
  for (const char* command : {"build", "update", "check", "stats"}) {
    ProcessResult r = RunKbIndex({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_TRUE(Contains(r.out, "Usage: kb-index")) << command;
    EXPECT_TRUE(Contains(r.out, "Exit codes:")) << command;
    EXPECT_EQ(RunKbIndex({"help", command}).out, r.out) << command;
  }
  EXPECT_TRUE(Contains(RunKbIndex({"check", "--help"}).out, "broken-anchor"));
}

TEST(KbIndexCliTest, UsageErrorsExitTwo) {
  TempDir dir;
  WriteFile(dir.Sub("docs/a.md"), Article("A", "x"));
  WriteFile(dir.Sub("badcfg/kb-source.yaml"), "include: {a: b}\n");
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"build", dir.Sub("docs")},           // no --db
      {"build", "--db", dir.Sub("db")},     // no source
      {"update", dir.Sub("docs"), "--db"},  // --db without value
      {"check", "--format", "xml", dir.Sub("docs")},
      {"check", "--bogus", dir.Sub("docs")},
      {"check", "--db", dir.Sub("db"), dir.Sub("docs")},  // check never writes an index
      {"stats"},
      {"stats", "--db", dir.Sub("no-such-db")},
      {"check", dir.Sub("missing-dir")},
      {"build", dir.Sub("badcfg"), "--db", dir.Sub("db")},
      {"build", "a=" + dir.Sub("docs"), "a=" + dir.Sub("badcfg"), "--db", dir.Sub("db")},
  };
  for (const auto& args : cases) {
    ProcessResult r = RunKbIndex(args);
    std::string joined;
    for (const std::string& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "kb-index: ")) << joined;
    EXPECT_TRUE(r.out.empty()) << joined;
  }
  EXPECT_TRUE(Contains(RunKbIndex({"build", dir.Sub("badcfg"), "--db", dir.Sub("db")}).err, "kb-source.yaml:1:"));
}

// Parses "path:line:col: severity: message [rule]" lines.
std::vector<std::tuple<std::string, int, int, std::string, std::string>> ParseText(const std::string& out,
                                                                                   const std::string& root) {
  std::vector<std::tuple<std::string, int, int, std::string, std::string>> found;
  static const std::regex kLine(R"(^(.+):(\d+):(\d+): (error|warning): .* \[([a-z-]+)\]$)");
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) {
      ADD_FAILURE() << "unexpected line: " << line;
      continue;
    }
    std::string path = m[1];
    if (path.rfind(root + "/", 0) == 0) path.erase(0, root.size() + 1);
    found.emplace_back(path, std::stoi(m[2]), std::stoi(m[3]), m[4], m[5]);
  }
  return found;
}

class CheckCliTest : public ::testing::Test {
 protected:
  const std::string root_ = Fixture("check");
  const std::vector<Expected>& expected_ = ExpectedFixtureFindings();
};

TEST_F(CheckCliTest, TextFormatReportsEveryProblemWithItsPositionAndExitsOne) {
  ProcessResult r = RunKbIndex({"check", "--today", "2026-06-01", root_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ParseText(r.out, root_), expected_);
  EXPECT_TRUE(Contains(r.err, "check: 15 files, 12 errors, 1 warning")) << r.err;
}

TEST_F(CheckCliTest, JsonFormat) {
  ProcessResult r = RunKbIndex({"check", "--format", "json", "--today", "2026-06-01", root_});
  EXPECT_EQ(r.exit_code, 1);
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["files"], 15);
  EXPECT_EQ(j["errors"], 12);
  EXPECT_EQ(j["warnings"], 1);
  std::vector<std::tuple<std::string, int, int, std::string, std::string>> found;
  for (const auto& d : j["diagnostics"]) {
    std::string path = d["path"];
    path.erase(0, root_.size() + 1);
    found.emplace_back(path, d["line"], d["column"], d["severity"], d["rule"]);
    EXPECT_FALSE(d["message"].get<std::string>().empty());
  }
  EXPECT_EQ(found, expected_);
}

TEST_F(CheckCliTest, GithubFormatEmitsWorkflowAnnotations) {
  ProcessResult r = RunKbIndex({"check", "--format", "github", "--today", "2026-06-01", root_});
  EXPECT_EQ(r.exit_code, 1);
  static const std::regex kLine(
      R"(^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=kb check ([a-z-]+)::.+$)");
  std::vector<std::tuple<std::string, int, int, std::string, std::string>> found;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, kLine)) << line;
    std::string path = m[2];
    path.erase(0, root_.size() + 1);
    found.emplace_back(path, std::stoi(m[3]), std::stoi(m[4]), m[1], m[5]);
    EXPECT_FALSE(Contains(line.substr(line.find("::", 2)), "\n"));
  }
  EXPECT_EQ(found, expected_);
}

TEST_F(CheckCliTest, StrictTurnsWarningsIntoFailure) {
  TempDir dir;
  WriteFile(dir.Sub("kb-source.yaml"), "required: []\n");
  WriteFile(dir.Sub("old.md"), "---\ntitle: Old\nverified: 2020-01-01\nverify_every: 30d\n---\n# Old\n\nText.\n");
  ProcessResult lenient = RunKbIndex({"check", dir.path()});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out;
  EXPECT_TRUE(Contains(lenient.out, "warning: stale since 2020-01-31"));
  EXPECT_EQ(RunKbIndex({"check", "--strict", dir.path()}).exit_code, 1);
  ProcessResult quiet = RunKbIndex({"check", "--quiet", dir.path()});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_TRUE(quiet.out.empty() && quiet.err.empty());
}

TEST(KbIndexCliTest, CheckOnRepositoryContentExitsZero) {
  ProcessResult r = RunKbIndex({"check", std::string(KB_SOURCE_DIR) + "/content"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(KbIndexCliTest, CheckWritesNoIndex) {
  TempDir dir;
  CopyTree(Fixture("sources/docs"), dir.Sub("docs"));
  ProcessResult check = RunKbIndex({"check", dir.Sub("docs")});
  EXPECT_EQ(check.exit_code, 1) << "the fixture has errors, which check reports: " << check.out << check.err;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    EXPECT_FALSE(Contains(entry.path().filename().string(), "glass")) << entry.path();
  }
}

TEST(KbIndexCliTest, BuildThenUpdateReportWhatTheyDid) {
  TempDir dir;
  CopyTree(Fixture("sources/docs"), dir.Sub("docs"));
  const std::string db = dir.Sub("db");
  ProcessResult build = RunKbIndex({"build", dir.Sub("docs"), "--db", db});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  EXPECT_TRUE(Contains(build.out, "6 files read")) << build.out;
  EXPECT_TRUE(Contains(build.out, "items: 5 (1 answer) from 1 source; committed")) << build.out;
  EXPECT_TRUE(Contains(build.out, "skipped 1 file:")) << build.out;
  EXPECT_TRUE(Contains(build.out, dir.Sub("docs/handbook/broken.md") + ": line 3: front matter is not valid YAML"))
      << build.out;
  // Not a terminal: plain phase lines, no carriage returns or escape codes.
  EXPECT_FALSE(Contains(build.err, "\r"));
  EXPECT_TRUE(Contains(build.err, "scanned: 6 Markdown files"));

  WriteFile(dir.Sub("docs/payments/refunds.md"), Article("Refunds", "saffronedit"));
  ProcessResult update = RunKbIndex({"update", dir.Sub("docs"), "--db", db, "--verbose"});
  ASSERT_EQ(update.exit_code, 0) << update.err;
  // broken.md is not in the index, so it is parsed (and skipped) again along with the edited file.
  EXPECT_TRUE(Contains(update.out, "6 files read")) << update.out;
  EXPECT_TRUE(Contains(update.out, "2 parsed; added 0, updated 1, moved 0, removed 0, unchanged 4, skipped 1"))
      << update.out;
  EXPECT_TRUE(Contains(update.out, "updated   docs:payments/refunds.md  [payments/refunds]")) << update.out;

  std::filesystem::remove(dir.Sub("docs/payments/refunds.md"));
  ProcessResult removal = RunKbIndex({"update", dir.Sub("docs"), "--db", db});
  EXPECT_TRUE(Contains(removal.out, "removed 1")) << removal.out;
  Xapian::Database xdb(db);
  EXPECT_EQ(xdb.get_termfreq("saffronedit"), 0u);
  EXPECT_EQ(xdb.get_doccount(), 4u);

  ProcessResult quiet = RunKbIndex({"update", dir.Sub("docs"), "--db", db, "-q"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_TRUE(quiet.out.empty() && quiet.err.empty()) << quiet.out << quiet.err;
}

TEST(KbIndexCliTest, BuildWithNothingIndexableExitsOneAndKeepsTheIndex) {
  TempDir dir;
  WriteFile(dir.Sub("good/a.md"), Article("A", "keepme"));
  WriteFile(dir.Sub("bad/a.md"), "---\ntitle: [\n---\n");
  ASSERT_EQ(RunKbIndex({"build", "docs=" + dir.Sub("good"), "--db", dir.Sub("db")}).exit_code, 0);
  ProcessResult r = RunKbIndex({"build", "docs=" + dir.Sub("bad"), "--db", dir.Sub("db")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "nothing could be indexed")) << r.err;
  EXPECT_TRUE(Contains(r.err, "skipped 1 file:\n  " + dir.Sub("bad/a.md") + ": line ")) << r.err;
  EXPECT_EQ(Xapian::Database(dir.Sub("db")).get_termfreq("keepme"), 1u);
}

TEST(KbIndexCliTest, StatsShowsCountsSourcesAndCommits) {
  TempDir dir;
  CopyTree(Fixture("sources/docs"), dir.Sub("docs"));
  CopyTree(Fixture("sources/extra"), dir.Sub("extra"));
  const std::string sha = "0123456789abcdef0123456789abcdef01234567";
  WriteFile(dir.Sub("docs/.git/HEAD"), "ref: refs/heads/main\n");
  WriteFile(dir.Sub("docs/.git/refs/heads/main"), sha + "\n");
  ASSERT_EQ(RunKbIndex({"build", dir.Sub("docs"), dir.Sub("extra"), "--db", dir.Sub("db")}).exit_code, 0);
  ProcessResult text = RunKbIndex({"stats", "--db", dir.Sub("db"), "--today", "2026-11-23"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* s : {"items: 6", "by kind:   article 5, answer 1", "by tier:", "by lang:   en 6",
                        "by source: docs 5, extra 1", "stale: 1", "  payments-team: 1"}) {
    EXPECT_TRUE(Contains(text.out, s)) << s << "\n" << text.out;
  }
  EXPECT_TRUE(Contains(text.out, "schema " + std::to_string(kb::kSchemaVersion))) << text.out;
  EXPECT_TRUE(Contains(text.out, "docs: " + std::filesystem::canonical(dir.Sub("docs")).string() + ", commit " + sha));
  ProcessResult json = RunKbIndex({"stats", "--db", dir.Sub("db"), "--format", "json", "--today", "2026-11-23"});
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["items"], 6);
  EXPECT_EQ(j["stale_by_owner"]["payments-team"], 1);
  EXPECT_EQ(j["sources"][0]["commit"], sha);
  EXPECT_EQ(j["by_owner"]["support-ops"], 3);
  EXPECT_GT(j["size_bytes"].get<long>(), 0);
}

// On a terminal (stderr is a tty) a run redraws one progress line; on a pipe it prints plain lines only.
TEST(KbIndexCliTest, LiveProgressLineOnlyOnATerminal) {
  TempDir dir;
  for (int i = 0; i < 400; ++i) {
    WriteFile(dir.Sub("docs/f" + std::to_string(i) + ".md"), Article("File " + std::to_string(i), "progressword"));
  }
  int master = -1, slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  const std::string docs = dir.Sub("docs"), db = dir.Sub("db");
  Child build;
  ASSERT_TRUE(build.Start({KB_INDEX_BINARY, "build", docs, "--db", db}, ChildOptions{.stderr_fd = slave}));
  close(slave);
  std::string tty_output;
  char buf[4096];
  for (ssize_t n; (n = read(master, buf, sizeof buf)) > 0;) tty_output.append(buf, static_cast<std::size_t>(n));
  close(master);
  ASSERT_EQ(build.Wait(), 0) << tty_output;
  EXPECT_TRUE(Contains(tty_output, "\r\x1b[K")) << tty_output;
  EXPECT_TRUE(Contains(tty_output, "indexing ")) << tty_output;
  EXPECT_TRUE(Contains(tty_output, "/400 files (")) << tty_output;
  EXPECT_TRUE(Contains(tty_output, " files/s ")) << tty_output;
  EXPECT_TRUE(Contains(tty_output, " MB/s  ETA ")) << tty_output;

  ProcessResult piped = RunKbIndex({"update", docs, "--db", db});
  EXPECT_FALSE(Contains(piped.err, "\r"));
  EXPECT_FALSE(Contains(piped.err, "\x1b"));
  EXPECT_TRUE(Contains(piped.err, "scanned: 400 Markdown files")) << piped.err;
}

// A second indexer on the same database fails clearly (exit 4) while the first holds it, or waits with
// --wait; the database stays consistent either way.
TEST(KbIndexCliTest, ConcurrentIndexersFailClearlyOrWait) {
  TempDir dir;
  // Long names make the first run's --verbose output overflow the 64 KiB pipe, which this test does not
  // read until later: the first run then blocks mid-run, holding the lock, for as long as the test needs.
  const std::string long_name(180, 'n');
  for (int i = 0; i < 300; ++i) {
    WriteFile(dir.Sub("docs/" + long_name + std::to_string(i) + ".md"),
              Article("File " + std::to_string(i), "concurrentword"));
  }
  const std::string db = dir.Sub("db");
  KbIndex first({"build", dir.Sub("docs"), "--db", db, "--verbose"});
  std::string line;
  ASSERT_TRUE(first.ReadLine(&line));
  ASSERT_EQ(line, "locked " + db);
  ProcessResult second = RunKbIndex({"update", dir.Sub("docs"), "--db", db});
  KbIndex waiter({"update", dir.Sub("docs"), "--db", db, "--wait"});
  ProcessResult first_result = first.Finish();
  ProcessResult waited = waiter.Finish();
  EXPECT_EQ(first_result.exit_code, 0) << first_result.err;
  EXPECT_EQ(second.exit_code, 4) << second.err;
  EXPECT_TRUE(Contains(second.err, "locked")) << second.err;
  EXPECT_TRUE(Contains(second.err, "--wait")) << second.err;
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_TRUE(Contains(waited.out, "unchanged 300")) << waited.out;
  EXPECT_EQ(Xapian::Database(db).get_termfreq("concurrentword"), 300u);
}

}  // namespace
}  // namespace kb
