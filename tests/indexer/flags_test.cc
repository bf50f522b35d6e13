// Every option of the real kb-index binary: each is accepted as `--opt V` and `--opt=V` and does what --help
// says; bad numbers, unknown options and missing values exit 2 with a message that names the option.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "indexer_test_util.h"

namespace kb {
namespace {

using testing::Article;
using testing::Contains;
using testing::Joined;
using testing::ProcessResult;
using testing::RunKbIndex;
using testing::TempDir;
using testing::WriteFile;

class KbIndexFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.Sub("docs/a.md"), Article("Alpha", "alphamarker"));
    WriteFile(dir_.Sub("docs/b.md"), Article("Beta", "betamarker"));
    WriteFile(dir_.Sub("docs/big.md"), Article("Big", "bigmarker") + std::string(6000, 'x') + "\n");
  }
  std::string docs() { return dir_.Sub("docs"); }
  std::string db() { return dir_.Sub("db"); }

  // Runs kb-index and expects `code`; returns the result.
  ProcessResult Expect(int code, const std::vector<std::string>& args) {
    ProcessResult r = RunKbIndex(args);
    EXPECT_EQ(r.exit_code, code) << Joined(args) << "\nstdout: " << r.out << "\nstderr: " << r.err;
    return r;
  }

  TempDir dir_;
};

TEST_F(KbIndexFlagsTest, EveryCommandHasHelpAndAVersion) {
  const std::string overview = Expect(0, {"--help"}).out;
  EXPECT_TRUE(Contains(overview, "Usage:\n  kb-index build  SOURCE..."));
  EXPECT_EQ(Expect(0, {"-h"}).out, overview);
  EXPECT_EQ(Expect(0, {"help"}).out, overview);
  EXPECT_EQ(Expect(0, {"help", "frobnicate"}).out, overview);
  for (const char* command : {"build", "update", "check", "stats", "compact"}) {
    const std::string text = Expect(0, {"help", command}).out;
    EXPECT_TRUE(Contains(text, "Usage: kb-index ")) << command;
    EXPECT_TRUE(Contains(text, "Exit codes:\n  0  success")) << command;
    EXPECT_NE(text, overview) << command;
    EXPECT_EQ(Expect(0, {command, "--help"}).out, text) << command;
    EXPECT_EQ(Expect(0, {command, "-h"}).out, text) << command;
    // --help wins over what is missing or unknown after it.
    EXPECT_EQ(Expect(0, {command, "-h", "--bogus"}).out, text) << command;
  }
  const std::string version = Expect(0, {"--version"}).out;
  EXPECT_TRUE(Contains(version, "kb-index (kb) schema "));
  // The allocator it was linked with: jemalloc unless CMake found none (or a sanitizer is on).
  EXPECT_TRUE(Contains(version, "\nallocator: " KB_PROGRAM_ALLOCATOR)) << version;
}

TEST_F(KbIndexFlagsTest, BuildAndUpdateOptions) {
  // --db=, --shards, --wait, --progress never, -v; --max-file-bytes skips big.md (6 kB) and lists it.
  ProcessResult build = Expect(0, {"build", docs(), "--db=" + db(), "--shards", "2", "--wait", "--progress", "never",
                                   "-v", "--max-file-bytes", "4000", "--max-items=3"});
  EXPECT_TRUE(Contains(build.out, "locked " + db())) << build.out;
  EXPECT_TRUE(Contains(build.out, "big.md")) << build.out;
  EXPECT_TRUE(std::filesystem::is_directory(db() + "/shard-1")) << "--shards 2";
  EXPECT_FALSE(std::filesystem::exists(db() + "/shard-2"));
  EXPECT_FALSE(Contains(build.err, "scanned:")) << "--progress never: " << build.err;

  // Plain phase lines on a pipe by default; the live line (\r) with --progress always.
  ProcessResult update = Expect(0, {"update", docs(), "--db", db(), "--shards=2", "--max-file-bytes=100000"});
  EXPECT_TRUE(Contains(update.err, "scanned:")) << update.err;
  EXPECT_FALSE(Contains(update.out, "locked")) << "no -v";
  EXPECT_TRUE(Contains(Expect(0, {"update", docs(), "--db", db(), "--progress=always"}).err, "\r"));

  // -q prints nothing; the last of -q and -v counts.
  ProcessResult quiet = Expect(0, {"update", docs(), "--db", db(), "-q"});
  EXPECT_TRUE(quiet.out.empty()) << quiet.out;
  EXPECT_TRUE(quiet.err.empty()) << quiet.err;
  EXPECT_TRUE(Expect(0, {"update", docs(), "--db", db(), "-v", "--quiet"}).out.empty());
  EXPECT_TRUE(Contains(Expect(0, {"update", docs(), "--db", db(), "-q", "--verbose"}).out, "locked "));

  // Another shard count than the database has, and more files than --max-items: usage errors.
  EXPECT_TRUE(Contains(Expect(2, {"update", docs(), "--db", db(), "--shards", "3"}).err, "kb-index: "));
  EXPECT_TRUE(Contains(Expect(2, {"build", docs(), "--db", dir_.Sub("db2"), "--max-items", "2"}).err,
                       "over the limit of 2 items per run; nothing was written"));
  // Numbers are decimal: 010000 is ten thousand (big.md fits), not octal 4096 (it would be skipped).
  EXPECT_FALSE(
      Contains(Expect(0, {"build", docs(), "--db", dir_.Sub("db3"), "--max-file-bytes", "010000"}).out, "big.md"));
}

TEST_F(KbIndexFlagsTest, CheckStatsAndCompactOptions) {
  ProcessResult json_check =
      Expect(0, {"check", "--format", "json", "--strict", "--today", "2026-01-01", docs(), "-q"});
  const nlohmann::json report = nlohmann::json::parse(json_check.out);
  EXPECT_EQ(report["files"], 3);
  EXPECT_TRUE(json_check.err.empty()) << "-q: " << json_check.err;
  EXPECT_TRUE(Contains(Expect(0, {"check", "--format=text", "--today=2026-01-01", docs()}).err, "check: 3 files"));
  Expect(0, {"check", "--format", "github", docs(), "-v"});
  // A file dated after --today is an error: --today reaches the check.
  WriteFile(dir_.Sub("dated/a.md"), Article("Dated", "x", "verified: 2026-06-01\n"));
  EXPECT_TRUE(Contains(Expect(1, {"check", "--today", "2026-01-01", dir_.Sub("dated")}).out, "future-verified"));
  Expect(0, {"check", "--today", "2026-07-01", dir_.Sub("dated")});
  // After --, a SOURCE may look like an option.
  WriteFile(dir_.Sub("-dashed/a.md"), Article("Dashed", "x"));
  Expect(0, {"check", "--", dir_.Sub("-dashed")});

  Expect(0, {"build", docs(), "--db", db(), "-q"});
  const nlohmann::json stats =
      nlohmann::json::parse(Expect(0, {"stats", "--db", db(), "--format", "json", "--today", "2026-01-01"}).out);
  EXPECT_TRUE(stats.is_object());
  EXPECT_TRUE(Contains(Expect(0, {"stats", "--db=" + db(), "--format=text", "-v"}).out, db()));
  EXPECT_TRUE(Contains(Expect(0, {"compact", "--db", db(), "--wait"}).out, "compact " + db() + ":"));
  EXPECT_TRUE(Expect(0, {"compact", "--db=" + db(), "-q"}).out.empty());
}

// Every number option, out of range or not a number: exit 2 before anything is written, and the message
// names the option, the value and the range.
TEST_F(KbIndexFlagsTest, BadNumbersExitTwoNamingTheOption) {
  const std::vector<std::pair<std::string, std::string>> ranges = {
      {"--shards", "1 and 256"}, {"--max-file-bytes", "1 and 999999999999"}, {"--max-items", "1 and 999999999999"}};
  for (const auto& [option, range] : ranges) {
    for (const std::string bad : {"0", "-1", "", "abc", "12x", "0x10", "+5", " 5", "1e3", "9999999999999"}) {
      const std::vector<std::string> args = {"build", docs(), "--db", db(), option, bad};
      ProcessResult r = Expect(2, args);
      EXPECT_TRUE(Contains(r.err, "kb-index: " + option + ": '" + bad + "' is not a number between " + range))
          << Joined(args) << r.err;
      EXPECT_TRUE(r.out.empty());
    }
    // The same parser for update and for --opt=V.
    EXPECT_TRUE(
        Contains(Expect(2, {"update", docs(), "--db", db(), option, "x"}).err, option + ": 'x' is not a number"));
    EXPECT_TRUE(
        Contains(Expect(2, {"update", docs(), "--db", db(), option + "=0"}).err, option + ": '0' is not a number"));
  }
  EXPECT_TRUE(Contains(Expect(2, {"build", docs(), "--db", db(), "--shards", "257"}).err, "'257' is not a number"));
  EXPECT_FALSE(std::filesystem::exists(db()));
}

TEST_F(KbIndexFlagsTest, UnknownOptionsMissingValuesAndBadChoicesExitTwo) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "no command given"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"-q", "build", docs(), "--db", db()}, "expected a command before '-q'"},
      {{"build", docs(), "--db", db(), "--bogus"}, "unknown option '--bogus' for build"},
      {{"update", docs(), "--db", db(), "--bogus=1"}, "unknown option '--bogus' for update"},
      {{"check", "--db", db(), docs()}, "unknown option '--db' for check"},
      {{"check", "--wait", docs()}, "unknown option '--wait' for check"},
      {{"stats", "--db", db(), "--wait"}, "unknown option '--wait' for stats"},
      {{"compact", "--db", db(), "--format", "json"}, "unknown option '--format' for compact"},
      {{"build", docs(), "--db"}, "--db"},
      {{"check", docs(), "--format"}, "--format"},
      {{"check", "--strict=yes", docs()}, "strict"},
      {{"build", docs(), "--wait=1", "--db", db()}, "wait"},
      {{"build", docs(), "--db="}, "build needs --db PATH"},
      {{"build", "--db", db()}, "build needs at least one SOURCE directory"},
      {{"stats", "--db", db(), docs()}, "stats takes no SOURCE"},
      {{"check", "--format", "xml", docs()}, "--format must be text, json or github, not 'xml'"},
      {{"stats", "--db", db(), "--format", "github"}, "--format must be text or json, not 'github'"},
      {{"build", docs(), "--db", db(), "--progress", "sometimes"}, "--progress must be auto, always or never"},
  };
  for (const auto& [args, message] : cases) {
    ProcessResult r = Expect(2, args);
    EXPECT_TRUE(Contains(r.err, "kb-index: ")) << Joined(args);
    EXPECT_TRUE(Contains(r.err, message)) << Joined(args) << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "Run 'kb-index --help' for usage.")) << Joined(args);
    EXPECT_TRUE(r.out.empty()) << Joined(args);
  }
  EXPECT_FALSE(std::filesystem::exists(db()));
}

}  // namespace
}  // namespace kb
