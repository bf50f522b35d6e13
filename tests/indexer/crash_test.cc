// Crash safety: SIGKILL a real kb-index process at many points of a run; the previous index must stay fully
// searchable (also for a reader that was open all along) and the next run must complete.
#include <gtest/gtest.h>
#include <xapian.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "indexer_test_util.h"
#include "kb/searcher.h"

namespace kb {
namespace {

using testing::Article;
using testing::KbIndex;
using testing::ProcessResult;
using testing::RunKbIndex;
using testing::TempDir;
using testing::WriteFile;

constexpr int kFiles = 200;
constexpr int kDeletedInB = 20;  // f0..f19 exist only in version A
constexpr int kAddedInB = 30;    // g0..g29 exist only in version B
constexpr int kItemsB = kFiles - kDeletedInB + kAddedInB;

struct State {
  Xapian::doccount alpha = 0, beta = 0, docs = 0;
  bool operator==(const State& o) const { return alpha == o.alpha && beta == o.beta && docs == o.docs; }
};

std::ostream& operator<<(std::ostream& os, const State& s) {
  return os << "{alpha " << s.alpha << ", beta " << s.beta << ", docs " << s.docs << "}";
}

class CrashSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two versions of one source: every file changes between them, some are deleted, some added.
    for (int i = 0; i < kFiles; ++i) {
      const std::string n = std::to_string(i);
      WriteFile(TreeA() + "/f" + n + ".md", Article("Topic " + n, "alphamarker"));
      if (i >= kDeletedInB) WriteFile(TreeB() + "/f" + n + ".md", Article("Topic " + n, "betamarker"));
    }
    for (int i = 0; i < kAddedInB; ++i) {
      const std::string n = std::to_string(i);
      WriteFile(TreeB() + "/g" + n + ".md", Article("New topic " + n, "betamarker"));
    }
  }

  std::string TreeA() const { return dir_.Sub("a"); }
  std::string TreeB() const { return dir_.Sub("b"); }
  std::string Db() const { return dir_.Sub("db"); }
  const State kStateA{kFiles, 0, kFiles};
  const State kStateB{0, kItemsB, kItemsB};

  // Both trees are indexed as the same source "docs", so B is an update of A.
  std::vector<std::string> Args(const std::string& command, const std::string& tree) const {
    return {command, "docs=" + tree, "--db", Db(), "--verbose"};
  }

  void BuildA() {
    ProcessResult r = RunKbIndex(Args("build", TreeA()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Current(), kStateA);
  }

  State Current() const {
    Xapian::Database db(Db());
    return {db.get_termfreq("alphamarker"), db.get_termfreq("betamarker"), db.get_doccount()};
  }

  // The long-lived reader (like kb-server) must keep answering after every kill.
  void ExpectReaderAnswers(Searcher* reader, const std::string& where) {
    auto reopened = reader->Reopen();
    ASSERT_TRUE(reopened.ok()) << where << ": " << reopened.status().ToString();
    SearchRequest request;
    request.query = "alphamarker OR betamarker";
    auto res = reader->Search(request);
    ASSERT_TRUE(res.ok()) << where << ": " << res.status().ToString();
    EXPECT_GT(res->total, 0) << where;
    auto fresh = Searcher::Open({Db()});
    ASSERT_TRUE(fresh.ok()) << where << ": " << fresh.status().ToString();
    EXPECT_TRUE((*fresh)->Search(request).ok()) << where;
  }

  // Starts `command` A→B and kills it once it has printed `lines` lines (−1: after `delay` instead).
  void KillRun(const std::string& command, int lines, std::chrono::microseconds delay, Searcher* reader) {
    const std::string where =
        command + " killed after " +
        (lines >= 0 ? std::to_string(lines) + " output lines" : std::to_string(delay.count()) + " us");
    KbIndex child(Args(command, TreeB()));
    if (lines >= 0) {
      std::string line;
      for (int i = 0; i < lines && child.ReadLine(&line); ++i) {
      }
    } else {
      std::this_thread::sleep_for(delay);  // the kill point under test
    }
    child.Kill();
    ProcessResult killed = child.Finish();
    const State state = Current();
    // Atomic: all of version A or all of version B, never a mix.
    EXPECT_TRUE(state == kStateA || state == kStateB) << where << ": " << state;
    ExpectReaderAnswers(reader, where);
    if (killed.exit_code == 0 || state == kStateB) {
      BuildA();  // the run finished before the kill: start over from A
    } else {
      ++interrupted_;
    }
  }

  void FinishAndVerify(const std::string& command) {
    ProcessResult done = RunKbIndex(Args(command, TreeB()));
    ASSERT_EQ(done.exit_code, 0) << done.err;
    EXPECT_EQ(Current(), kStateB);
    ProcessResult again = RunKbIndex({"update", "docs=" + TreeB(), "--db", Db()});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 parsed; added 0, updated 0, moved 0, removed 0, unchanged " + std::to_string(kItemsB)),
              std::string::npos)
        << again.out;
  }

  TempDir dir_;
  int interrupted_ = 0;  // kills that landed before the run committed
};

TEST_F(CrashSafetyTest, SigkillDuringUpdateAtEveryStageKeepsThePreviousIndex) {
  BuildA();
  auto reader = Searcher::Open({Db()});
  ASSERT_TRUE(reader.ok());
  // Output lines: "locked DB", then one line per added/updated/removed file, then the summary (after the
  // commit). Killing after line 1 hits scanning; after the last file line, removal/commit.
  const int file_lines = kFiles - kDeletedInB + kAddedInB + kDeletedInB;
  for (int lines : {0, 1, 2, 10, file_lines / 2, file_lines - 5, file_lines, file_lines + 1}) {
    KillRun("update", lines, {}, reader->get());
  }
  // Every kill but the last two (at or after the commit) must have interrupted a run.
  EXPECT_GE(interrupted_, 6);
  FinishAndVerify("update");
}

TEST_F(CrashSafetyTest, SigkillDuringRebuildAtTimedPointsKeepsThePreviousIndex) {
  BuildA();
  auto reader = Searcher::Open({Db()});
  ASSERT_TRUE(reader.ok());
  // Measure one full rebuild, then kill at fractions of it (plus immediately after start).
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(RunKbIndex(Args("build", TreeB())).exit_code, 0);
  const auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  BuildA();
  for (double fraction : {0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.9, 0.97}) {
    KillRun("build", -1, std::chrono::microseconds(static_cast<long>(fraction * static_cast<double>(full.count()))),
            reader->get());
  }
  EXPECT_GE(interrupted_, 2);  // timing varies with machine load; at least the early kills land mid-run
  FinishAndVerify("build");
}

// A sharded run commits its shards one after another; a kill between two commits leaves the first shard new
// and the rest old. The next run must see that (per-shard source fingerprints) and complete it. The state is
// made exactly, by putting back a copy of shard 1 from before the run, because no kill lands reliably in the
// microseconds between two commits.
TEST_F(CrashSafetyTest, ShardedRunKilledBetweenShardCommitsIsCompletedByTheNextRun) {
  namespace fs = std::filesystem;
  auto sharded = [&](const std::string& command, const std::string& tree) {
    std::vector<std::string> args = Args(command, tree);
    args.insert(args.end(), {"--shards", "2"});
    return args;
  };
  ProcessResult built = RunKbIndex(sharded("build", TreeA()));
  ASSERT_EQ(built.exit_code, 0) << built.err;
  ASSERT_EQ(Current(), kStateA);  // the stub opens both shards as one
  const std::string shard1 = Db() + "/shard-1", saved = dir_.Sub("shard-1-before");
  fs::copy(shard1, saved, fs::copy_options::recursive);

  ProcessResult updated = RunKbIndex(Args("update", TreeB()));
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  ASSERT_EQ(Current(), kStateB);
  fs::remove_all(shard1);
  fs::copy(saved, shard1, fs::copy_options::recursive);
  const State mixed = Current();
  ASSERT_NE(mixed, kStateA);
  ASSERT_NE(mixed, kStateB) << "shard 1 should hold version A again";

  FinishAndVerify("update");
}

TEST_F(CrashSafetyTest, SigkillDuringTheFirstBuildThenTheNextRunCompletes) {
  for (int lines : {0, 1, 50}) {
    KbIndex child(Args("build", TreeA()));
    std::string line;
    for (int i = 0; i < lines && child.ReadLine(&line); ++i) {
    }
    child.Kill();
    ProcessResult next = RunKbIndex(Args("update", TreeA()));
    ASSERT_EQ(next.exit_code, 0) << "after a kill at line " << lines << ": " << next.err;
    EXPECT_EQ(Current(), kStateA);
    std::filesystem::remove_all(Db());
  }
}

}  // namespace
}  // namespace kb
