// Compaction (kb::CompactIndex, and BuildIndex compacting after its commit) and the schema-version check that
// readers and writers share, against real Xapian databases in temporary directories.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "indexer_test_util.h"
#include "kb/index_writer.h"
#include "kb/indexer.h"
#include "kb/searcher.h"

namespace kb {
namespace {

using testing::Article;
using testing::TempDir;
using testing::WriteFile;
namespace fs = std::filesystem;

class CompactTest : public ::testing::Test {
 protected:
  // 300 articles with varied words, enough for a rebuild in place to add blocks to every table.
  void SetUp() override {
    for (int i = 0; i < 300; ++i) {
      const std::string n = std::to_string(i);
      WriteFile(Docs() + "/area" + std::to_string(i % 7) + "/item" + n + ".md",
                Article("Topic " + n + " printer spooler", "marker" + n,
                        "tags: [t" + std::to_string(i % 11) + "]\nerror_codes: [E" + n + "]\n"));
    }
    WriteFile(Docs() + "/synonyms.txt", "spooler, queue\n");
  }

  // Files changed under two seconds before a scan get no stamp (SourceFile::stamp, by modification and change
  // time). Waiting until every file's change time is that old gives every build the same stamps, so only what
  // compaction does changes the size. Without it, a slow run (ASan) had a first build without stamps and later
  // ones with them, 8-32 KB more. (Dating the files back does not do: it sets the change time to now.)
  void WaitUntilEveryFileCanBeStamped() const {
    std::int64_t newest = 0;
    for (const auto& e : fs::recursive_directory_iterator(Docs())) {
      struct stat st {};
      ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
      newest = std::max<std::int64_t>(newest, std::int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec);
    }
    const auto stampable =
        std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(newest) + std::chrono::milliseconds(2100)));
    std::this_thread::sleep_until(stampable);
  }
  std::string Docs() const { return dir_.Sub("docs"); }
  std::string Db() const { return dir_.Sub("kb.db"); }

  IndexSummary Index(bool build, bool compact = true, int shards = 0) {
    Result<Source> source = LoadSource(Docs());
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    IndexerOptions options;
    options.db_path = Db();
    options.compact = compact;
    options.shards = shards;
    Result<IndexSummary> s = build ? BuildIndex({*source}, options) : UpdateIndex({*source}, options);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : IndexSummary{};
  }

  std::uintmax_t Size() const {
    std::uintmax_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(Db())) {
      if (e.is_regular_file()) total += e.file_size();
    }
    return total;
  }

  std::vector<std::string> Ids(const std::string& query) {
    auto searcher = Searcher::Open({Db()});
    EXPECT_TRUE(searcher.ok()) << searcher.status().ToString();
    if (!searcher.ok()) return {};
    auto res = (*searcher)->Search({.query = query});
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    std::vector<std::string> ids;
    if (res.ok()) {
      for (const SearchHit& h : res->hits) ids.push_back(h.id);
    }
    return ids;
  }

  TempDir dir_;
};

TEST_F(CompactTest, RepeatedBuildsDoNotGrowTheDatabase) {
  WaitUntilEveryFileCanBeStamped();
  IndexSummary first = Index(/*build=*/true);
  EXPECT_TRUE(first.compacted);
  const std::uintmax_t after_one = Size();
  for (int i = 0; i < 4; ++i) Index(/*build=*/true);
  const std::uintmax_t after_five = Size();
  EXPECT_LE(after_five, after_one);
  // Without compaction the same rebuilds grow the files: the check above can fail.
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(Index(/*build=*/true, /*compact=*/false).compacted);
  EXPECT_GT(Size(), after_one);
  // No leftover copy next to the database.
  EXPECT_FALSE(fs::exists(dir_.Sub(".kb.db.compact")));
}

TEST_F(CompactTest, CompactedIndexKeepsItemsSpellingSynonymsAndUpdatesIncrementally) {
  Index(/*build=*/true, /*compact=*/false);
  Index(/*build=*/true, /*compact=*/false);  // the second build's documents are 301..600
  EXPECT_EQ(Xapian::Database(Db()).get_lastdocid(), 600u);
  const std::vector<std::string> before = Ids("printer E42");
  Result<CompactSummary> c = CompactIndex(Db());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_LT(c->bytes_after, c->bytes_before);
  EXPECT_EQ(Xapian::Database(Db()).get_lastdocid(), 300u);  // renumbered from 1
  EXPECT_EQ(Ids("printer E42"), before);
  EXPECT_EQ(Ids("marker42").size(), 1u);
  Xapian::Database db(Db());
  EXPECT_EQ(db.get_spelling_suggestion("spooller"), "spooler");
  EXPECT_NE(db.synonyms_begin("spooler"), db.synonyms_end("spooler"));
  EXPECT_EQ(db.get_metadata("kb:schema"), std::to_string(kSchemaVersion));
  // update stays incremental on the compacted database: nothing changed, nothing parsed.
  IndexSummary u = Index(/*build=*/false);
  EXPECT_EQ(u.parsed, 0u);
  EXPECT_FALSE(u.compacted);
  WriteFile(Docs() + "/new.md", Article("Fresh", "freshmarker"));
  u = Index(/*build=*/false);
  EXPECT_EQ(u.parsed, 1u);
  EXPECT_EQ(u.added, 1u);
  EXPECT_EQ(Ids("freshmarker"), std::vector<std::string>{"new"});
}

TEST_F(CompactTest, BuildSwapsInANewDirectoryThatOpenSearchersSurvive) {
  Index(/*build=*/true);
  struct stat before {};
  ASSERT_EQ(::stat(Db().c_str(), &before), 0);
  auto old_searcher = Searcher::Open({Db()});
  ASSERT_TRUE(old_searcher.ok());
  Index(/*build=*/true);
  struct stat after {};
  ASSERT_EQ(::stat(Db().c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);  // what kb::LiveSearcher watches
  // The old searcher still answers from the files it holds, and moves to the new directory on reopen.
  auto res = (*old_searcher)->Search({.query = "marker7"});
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->hits.size(), 1u);
  Result<bool> reopened = (*old_searcher)->Reopen();
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  res = (*old_searcher)->Search({.query = "marker8"});
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->hits.size(), 1u);
}

TEST_F(CompactTest, ShardedBuildCompactsEveryShard) {
  WaitUntilEveryFileCanBeStamped();
  Index(/*build=*/true, /*compact=*/true, /*shards=*/3);
  const std::uintmax_t after_one = Size();
  Index(/*build=*/true);
  Index(/*build=*/true);
  EXPECT_LE(Size(), after_one);
  EXPECT_EQ(Ids("marker299").size(), 1u);
  Result<CompactSummary> c = CompactIndex(Db());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(Ids("marker1").size(), 1u);
}

TEST_F(CompactTest, CompactReportsMissingAndBusyDatabases) {
  Result<CompactSummary> missing = CompactIndex(dir_.Sub("nothing"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("kb-index build"), std::string::npos) << missing.status().message();
  Index(/*build=*/true);
  auto writer = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ(CompactIndex(Db()).status().code(), StatusCode::kBusy);
}

// Writes kb:schema = `version` into the database directly, as an older or newer kb would have left it.
void SetSchema(const std::string& db, const std::string& version) {
  Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
  w.set_metadata("kb:schema", version);
  w.commit();
}

TEST_F(CompactTest, OlderSchemaIsRefusedByReadersAndRebuiltByUpdate) {
  Index(/*build=*/true);
  SetSchema(Db(), "0");
  auto searcher = Searcher::Open({Db()});
  ASSERT_FALSE(searcher.ok());
  EXPECT_EQ(searcher.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = searcher.status().message();
  EXPECT_NE(m.find("older kb (index schema 0"), std::string::npos) << m;
  EXPECT_NE(m.find("kb-index build SOURCE... --db " + Db()), std::string::npos) << m;

  // The sources an update is given are the whole index, so it rebuilds from them (what CI's and the timer's
  // `kb-index update` run after kb is upgraded), and says so.
  const IndexSummary update = Index(/*build=*/false);
  EXPECT_EQ(update.rebuilt_from_schema, "0");
  EXPECT_EQ(update.added, 300u);
  EXPECT_EQ(update.items, 300u);
  EXPECT_TRUE(update.committed);
  EXPECT_EQ(Ids("marker7"), std::vector<std::string>{"area0/item7"});
  // The next update is an ordinary one.
  const IndexSummary again = Index(/*build=*/false);
  EXPECT_EQ(again.rebuilt_from_schema, "");
  EXPECT_EQ(again.unchanged, 300u);
  EXPECT_FALSE(again.committed);
}

TEST_F(CompactTest, NewerSchemaSaysToUpgrade) {
  Index(/*build=*/true);
  SetSchema(Db(), std::to_string(kSchemaVersion + 1));
  auto searcher = Searcher::Open({Db()});
  ASSERT_FALSE(searcher.ok());
  EXPECT_NE(searcher.status().message().find("newer kb"), std::string::npos) << searcher.status().message();
  EXPECT_NE(searcher.status().message().find("upgrade kb"), std::string::npos) << searcher.status().message();
  // An update does not rebuild an index a newer kb wrote: it would lose what the newer kb stored.
  Result<Source> source = LoadSource(Docs());
  ASSERT_TRUE(source.ok());
  IndexerOptions options;
  options.db_path = Db();
  Result<IndexSummary> update = UpdateIndex({*source}, options);
  ASSERT_FALSE(update.ok());
  EXPECT_NE(update.status().message().find("newer kb"), std::string::npos) << update.status().message();
}

}  // namespace
}  // namespace kb
