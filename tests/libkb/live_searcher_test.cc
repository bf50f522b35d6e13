// kb::LiveSearcher against real databases written by the real kb-index: a commit is taken up in place, a
// directory rebuilt by kb-index build (compacted and swapped in) and a sharded stub are opened afresh, each
// thread has its own Searcher, and a database that goes away leaves the last revision serving (counted,
// logged once).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "kb/kb.h"
#include "test_util.h"

namespace kb {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string Article(const std::string& title, const std::string& body) {
  return "---\ntitle: " + title + "\nkind: article\nowner: payments-team\ntier: L1\n---\n# " + title + "\n\n" + body +
         "\n";
}

class LiveSearcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(src_ + "/refunds.md", Article("Refunds", "A refund returns money to the card."));
    WriteFile(src_ + "/declines.md", Article("Declined cards", "A declined card needs another card."));
    ASSERT_EQ(KbIndex("build", db_), 0);
  }

  // Runs `kb-index COMMAND SRC --db DB -q EXTRA...` to its end (60 s at most), its output appended to
  // kb-index.log; returns its exit code (-1 if it did not finish).
  int KbIndex(const std::string& command, const std::string& db, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {KB_INDEX_BINARY, command, src_, "--db", db, "-q"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    testing::Child kb_index;
    if (!kb_index.Start(argv, dir_.Sub("kb-index.log"))) return -1;
    return kb_index.Wait(std::chrono::seconds(60));
  }

  const SearcherOptions options_;
  TempDir dir_;
  const std::string src_ = dir_.Sub("src");
  const std::string db_ = dir_.Sub("kb.db");
};

int Total(LiveSearcher& live, const std::string& query) {
  Result<Searcher*> s = live.Acquire();
  if (!s.ok()) return -1;
  Result<SearchResponse> r = (*s)->Search({.query = query, .snippets = false});
  return r.ok() ? r->total : -1;
}

TEST_F(LiveSearcherTest, TakesUpAnUpdateInPlaceAtTheNextCheck) {
  LiveSearcher live({db_}, options_, {.check_interval = std::chrono::milliseconds(0)});
  ASSERT_EQ(Total(live, "zebrafish"), 0);
  Result<Searcher*> before = live.Acquire();
  ASSERT_TRUE(before.ok());

  WriteFile(src_ + "/zebrafish.md", Article("Zebrafish payments", "A zebrafish refund."));
  ASSERT_EQ(KbIndex("update", db_), 0);
  EXPECT_EQ(Total(live, "zebrafish"), 1);
  Result<Searcher*> after = live.Acquire();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before) << "a commit moves the same Searcher (Reopen), it does not open a new one";
  EXPECT_EQ(live.Counters().reloads, 1u);
  EXPECT_EQ(live.Counters().reload_errors, 0u);

  // Nothing changed: no more reloads however often it is asked.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Total(live, "zebrafish"), 1);
  EXPECT_EQ(live.Counters().reloads, 1u);
}

TEST_F(LiveSearcherTest, ChecksOncePerIntervalUnlessInvalidated) {
  LiveSearcher live({db_}, options_, {.check_interval = std::chrono::hours(1)});
  ASSERT_EQ(Total(live, "zebrafish"), 0);
  WriteFile(src_ + "/zebrafish.md", Article("Zebrafish payments", "A zebrafish refund."));
  ASSERT_EQ(KbIndex("update", db_), 0);
  EXPECT_EQ(Total(live, "zebrafish"), 0) << "within the interval the thread keeps its revision";
  live.Invalidate();
  EXPECT_EQ(Total(live, "zebrafish"), 1);
}

TEST_F(LiveSearcherTest, OpensARebuiltDirectoryAfresh) {
  LiveSearcher live({db_}, options_, {.check_interval = std::chrono::milliseconds(0)});
  ASSERT_EQ(Total(live, "zebrafish"), 0);
  Result<Searcher*> before = live.Acquire();
  ASSERT_TRUE(before.ok());
  WriteFile(src_ + "/zebrafish.md", Article("Zebrafish payments", "A zebrafish refund."));
  ASSERT_EQ(KbIndex("build", db_), 0);  // build compacts into a new directory swapped in by rename
  EXPECT_EQ(Total(live, "zebrafish"), 1);
  Result<Searcher*> after = live.Acquire();
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, *before) << "a replaced directory is opened afresh";
  EXPECT_EQ(live.Counters().reloads, 1u);
}

TEST_F(LiveSearcherTest, FollowsAShardedStub) {
  const std::string sharded = dir_.Sub("sharded.db");
  ASSERT_EQ(KbIndex("build", sharded, {"--shards", "3"}), 0);
  ASSERT_TRUE(std::filesystem::exists(sharded + "/XAPIANDB"));
  LiveSearcher live({sharded}, options_, {.check_interval = std::chrono::milliseconds(0)});
  ASSERT_EQ(Total(live, "zebrafish"), 0);
  ASSERT_EQ(Total(live, "refund"), 1);

  WriteFile(src_ + "/zebrafish.md", Article("Zebrafish payments", "A zebrafish refund."));
  ASSERT_EQ(KbIndex("update", sharded), 0);
  EXPECT_EQ(Total(live, "zebrafish"), 1);
  EXPECT_EQ(Total(live, "refund"), 2);
  EXPECT_GE(live.Counters().reloads, 1u);
  EXPECT_GE(live.AgeSeconds(), 0);
}

TEST_F(LiveSearcherTest, EachThreadHasItsOwnSearcher) {
  LiveSearcher live({db_}, options_, {});
  Result<Searcher*> mine = live.Acquire();
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(*live.Acquire(), *mine);
  Searcher* theirs = nullptr;
  int their_total = -1;
  std::thread other([&] {
    Result<Searcher*> s = live.Acquire();
    if (!s.ok()) return;
    theirs = *s;
    their_total = Total(live, "refund");
  });
  other.join();
  EXPECT_NE(theirs, nullptr);
  EXPECT_NE(theirs, *mine);
  EXPECT_EQ(their_total, 1);
  EXPECT_EQ(Total(live, "refund"), 1);
}

TEST_F(LiveSearcherTest, KeepsServingWhenTheDatabaseGoesAwayAndLogsOnce) {
  std::mutex mu;
  std::vector<std::string> logged;
  LiveSearcher live({db_}, options_,
                    {.check_interval = std::chrono::milliseconds(0),
                     .log = [&](const std::string& level, const std::string& message) {
                       std::lock_guard<std::mutex> lock(mu);
                       logged.push_back(level + ": " + message);
                     }});
  ASSERT_EQ(Total(live, "refund"), 1);
  std::filesystem::rename(db_, db_ + ".moved");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Total(live, "refund"), 1) << "the revision it has keeps serving";
  EXPECT_EQ(live.Counters().reload_errors, 3u);
  ASSERT_EQ(logged.size(), 1u) << "the same failure is logged once";
  EXPECT_NE(logged[0].find("error: opening the index afresh failed"), std::string::npos) << logged[0];

  std::filesystem::rename(db_ + ".moved", db_);
  EXPECT_EQ(Total(live, "refund"), 1);
  EXPECT_EQ(live.Counters().reload_errors, 3u);
}

TEST_F(LiveSearcherTest, OpenFailuresAreUnavailableWithTheReason) {
  LiveSearcher missing({dir_.Sub("nothing-here")}, options_, {});
  Result<Searcher*> s = missing.Acquire();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("the index cannot be opened"), std::string::npos) << s.status().message();
  EXPECT_EQ(missing.AgeSeconds(), -1);

  // An index of another schema: refused at open with Searcher::Open's reason, which names the rebuild.
  {
    Xapian::WritableDatabase w(db_, Xapian::DB_OPEN);
    w.set_metadata("kb:schema", "0");
    w.commit();
  }
  LiveSearcher old({db_}, options_, {});
  Result<Searcher*> refused = old.Acquire();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("older kb (index schema 0"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("kb-index build"), std::string::npos) << refused.status().message();
}

// kb-index build swaps a compacted directory in with one rename. A first open racing the swap could read the old
// directory's version file and the new one's tables ("EOF reading block 2"): kb-server answered 503 to a request
// that reached a thread with no Searcher yet. Every first open during five builds must succeed.
TEST_F(LiveSearcherTest, AFirstOpenDuringRebuildsAlwaysSucceeds) {
  std::atomic<bool> building{true};
  std::atomic<int> build_failures{0};
  std::thread builder([&] {
    for (int i = 0; i < 5; ++i) {
      if (KbIndex("build", db_) != 0) ++build_failures;
    }
    building = false;
  });
  int opens = 0;
  std::string first_failure;
  while (building) {
    LiveSearcher live({db_}, options_, {});  // a new one: every Acquire is a first open
    Result<Searcher*> s = live.Acquire();
    ++opens;
    if (!s.ok() && first_failure.empty()) first_failure = s.status().ToString();
  }
  builder.join();
  EXPECT_EQ(build_failures, 0);
  EXPECT_GT(opens, 5);
  EXPECT_EQ(first_failure, "") << "after " << opens << " opens";
}

}  // namespace
}  // namespace kb
