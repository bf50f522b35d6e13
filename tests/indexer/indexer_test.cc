#include "kb/indexer.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>

#include "indexer_test_util.h"
#include "kb/index_writer.h"
#include "kb/searcher.h"

namespace kb {
namespace {

using testing::Article;
using testing::CopyTree;
using testing::Fixture;
using testing::TempDir;
using testing::WriteFile;

class IndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CopyTree(Fixture("sources/docs"), Docs());
    CopyTree(Fixture("sources/extra"), Extra());
  }
  std::string Docs() const { return dir_.Sub("docs"); }
  std::string Extra() const { return dir_.Sub("extra"); }
  std::string Db() const { return dir_.Sub("db"); }

  std::vector<Source> Load(const std::vector<std::string>& args) {
    std::vector<Source> sources;
    for (const std::string& a : args) {
      Result<Source> s = LoadSource(a);
      EXPECT_TRUE(s.ok()) << s.status().ToString();
      if (s.ok()) sources.push_back(std::move(s).value());
    }
    return sources;
  }

  IndexSummary Run(bool build, const std::vector<std::string>& args, std::vector<FileEvent>* events = nullptr,
                   const std::string& db = "") {
    IndexerOptions options;
    options.db_path = db.empty() ? Db() : db;
    if (events) options.on_file = [events](const FileEvent& e) { events->push_back(e); };
    Result<IndexSummary> summary = build ? BuildIndex(Load(args), options) : UpdateIndex(Load(args), options);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? std::move(summary).value() : IndexSummary{};
  }

  std::vector<std::string> SearchIds(const std::string& query, const std::string& db = "") {
    auto searcher = Searcher::Open({db.empty() ? Db() : db});
    EXPECT_TRUE(searcher.ok()) << searcher.status().ToString();
    if (!searcher.ok()) return {};
    SearchRequest request;
    request.query = query;
    request.size = kMaxPageSize;
    request.today = "2026-11-23";
    auto res = (*searcher)->Search(request);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    std::vector<std::string> ids;
    if (res.ok()) {
      for (const SearchHit& h : res->hits) ids.push_back(h.id);
    }
    return ids;
  }

  std::map<std::string, IndexedItem> Indexed() {
    auto writer = IndexWriter::Open(Db(), {});
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    std::map<std::string, IndexedItem> out;
    if (!writer.ok()) return out;
    auto items = (*writer)->ListItems();
    EXPECT_TRUE(items.ok());
    for (IndexedItem& i : *items) out[i.id] = i;
    return out;
  }

  std::string Metadata(const std::string& key) { return Xapian::Database(Db()).get_metadata(key); }

  TempDir dir_;
};

TEST_F(IndexerTest, BuildIndexesSourcesAndExplainsEverySkippedFile) {
  std::vector<FileEvent> events;
  IndexSummary s = Run(true, {Docs(), Extra()}, &events);
  EXPECT_EQ(s.files, 8u);
  EXPECT_EQ(s.parsed, 8u);
  EXPECT_EQ(s.items, 6u);  // 5 of docs (broken.md skipped) + platform/webhooks (refunds-copy.md skipped)
  EXPECT_EQ(s.answers, 1u);
  EXPECT_EQ(s.added, 6u);
  EXPECT_TRUE(s.committed);
  ASSERT_EQ(s.skipped.size(), 2u);
  EXPECT_EQ(s.skipped[0].path, "handbook/broken.md");
  EXPECT_NE(s.skipped[0].reason.find("front matter is not valid YAML"), std::string::npos) << s.skipped[0].reason;
  EXPECT_EQ(s.skipped[1].source, "extra");
  EXPECT_EQ(s.skipped[1].reason, "duplicate id 'payments/refunds' (already used by docs:payments/refunds.md)");
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].items, 5u);
  EXPECT_EQ(s.sources[1].items, 1u);
  EXPECT_EQ(
      std::count_if(events.begin(), events.end(), [](const FileEvent& e) { return e.action == FileAction::kSkipped; }),
      2);

  auto indexed = Indexed();
  ASSERT_TRUE(indexed.count("payments/refunds"));
  EXPECT_EQ(indexed["payments/refunds"].source, "docs");
  EXPECT_TRUE(indexed.count("platform/webhooks"));  // id_prefix from extra/kb-source.yaml
  EXPECT_TRUE(indexed.count("includes/note"));      // includes/ directories are indexed normally
  EXPECT_EQ(SearchIds("turquoisenote"), std::vector<std::string>{"includes/note"});
  // The source config's default owner applies to items that name none.
  std::vector<std::string> support_ops = SearchIds("owner:support-ops");
  std::sort(support_ops.begin(), support_ops.end());
  EXPECT_EQ(support_ops,
            (std::vector<std::string>{"handbook/escalation", "includes/note", "payments/answers/refund-delayed"}));
  EXPECT_EQ(Metadata("sources"), "docs\nextra\n");
  EXPECT_EQ(Metadata("source:docs:root"), std::filesystem::canonical(Docs()).string());
}

TEST_F(IndexerTest, SynonymsFileFeedsQueryExpansion) {
  Run(true, {Docs()});
  // "reimbursement" appears in no document; synonyms.txt maps it to refund.
  std::vector<std::string> ids = SearchIds("reimbursement");
  EXPECT_NE(std::find(ids.begin(), ids.end(), "payments/refunds"), ids.end());
}

TEST_F(IndexerTest, GitCommitIsRecordedPerSource) {
  const std::string sha = "0123456789abcdef0123456789abcdef01234567";
  WriteFile(Docs() + "/.git/HEAD", "ref: refs/heads/main\n");
  WriteFile(Docs() + "/.git/refs/heads/main", sha + "\n");
  IndexSummary s = Run(true, {Docs(), Extra()});
  EXPECT_EQ(s.sources[0].commit, sha);
  EXPECT_EQ(Metadata("source:docs:commit"), sha);
  EXPECT_EQ(Metadata("source:extra:commit"), "");
  // A new commit with no file change is still recorded by update.
  const std::string sha2 = "89abcdef0123456789abcdef0123456789abcdef";
  WriteFile(Docs() + "/.git/refs/heads/main", sha2 + "\n");
  IndexSummary u = Run(false, {Docs(), Extra()});
  EXPECT_EQ(u.parsed, 2u);  // only the two files that were skipped (and are again)
  EXPECT_EQ(u.unchanged, 6u);
  EXPECT_TRUE(u.committed);
  EXPECT_EQ(Metadata("source:docs:commit"), sha2);
}

TEST_F(IndexerTest, UpdateWithoutChangesParsesNothingAndCommitsNothing) {
  Run(true, {Docs(), Extra()});
  const std::string updated = Metadata("kb:updated");
  IndexSummary s = Run(false, {Docs(), Extra()});
  EXPECT_EQ(s.files, 8u);
  // The two skipped files are not in the index, so they are parsed again (and skipped again).
  EXPECT_EQ(s.parsed, 2u);
  EXPECT_EQ(s.unchanged, 6u);
  EXPECT_EQ(s.added + s.updated + s.moved + s.removed, 0u);
  EXPECT_EQ(s.skipped.size(), 2u);
  EXPECT_FALSE(s.committed);
  EXPECT_EQ(s.items, 6u);
  EXPECT_EQ(Metadata("kb:updated"), updated);
}

TEST_F(IndexerTest, UpdateReparsesOnlyTheChangedFile) {
  std::filesystem::remove(Docs() + "/handbook/broken.md");
  Run(true, {Docs()});
  WriteFile(Docs() + "/payments/refunds.md", Article("Refunds", "vermilionchange", "error_codes: [E2001]\n"));
  std::vector<FileEvent> events;
  IndexSummary s = Run(false, {Docs()}, &events);
  EXPECT_EQ(s.parsed, 1u);
  EXPECT_EQ(s.updated, 1u);
  EXPECT_EQ(s.unchanged, 4u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action, FileAction::kUpdated);
  EXPECT_EQ(events[0].path, "payments/refunds.md");
  EXPECT_EQ(SearchIds("vermilionchange"), std::vector<std::string>{"payments/refunds"});
  // Touching a file without changing its bytes is not a change: the content hash decides, not mtime.
  WriteFile(Docs() + "/payments/refund-failures.md", testing::ReadFile(Docs() + "/payments/refund-failures.md"));
  EXPECT_EQ(Run(false, {Docs()}).parsed, 0u);
}

TEST_F(IndexerTest, UpdateReadsNoFileWhoseStampIsAsIndexed) {
  std::filesystem::remove(Docs() + "/handbook/broken.md");
  // Files changed under two seconds before a scan carry no stamp (a write in the same clock tick could keep
  // their times): wait until the copied tree is older than that.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  IndexSummary built = Run(true, {Docs()});
  ASSERT_GT(built.items, 0u);
  ASSERT_GT(built.bytes, 0u);
  for (const auto& [id, item] : Indexed()) EXPECT_FALSE(item.file_stamp.empty()) << id;
  IndexSummary again = Run(false, {Docs()});
  EXPECT_EQ(again.bytes, 0u) << "an unchanged tree was read";
  EXPECT_EQ(again.unchanged, built.items);
  EXPECT_EQ(again.parsed, 0u);
  // The same size and modification time after an edit: the change time still differs (and is recent), so
  // the file is read and its new words are found.
  const std::string path = Docs() + "/payments/refunds.md";
  const auto mtime = std::filesystem::last_write_time(path);
  std::string bytes = testing::ReadFile(path);
  const std::size_t at = bytes.find("five");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 4, "zqxj");
  WriteFile(path, bytes);
  std::filesystem::last_write_time(path, mtime);
  IndexSummary edited = Run(false, {Docs()});
  EXPECT_EQ(edited.updated, 1u);
  EXPECT_EQ(SearchIds("zqxj"), std::vector<std::string>{"payments/refunds"});
}

TEST_F(IndexerTest, UpdateRemovesDeletedFileFromSearch) {
  Run(true, {Docs()});
  ASSERT_EQ(SearchIds("\"issuer rejected the refund\""), std::vector<std::string>{"payments/refund-failures"});
  std::filesystem::remove(Docs() + "/payments/refund-failures.md");
  std::vector<FileEvent> events;
  IndexSummary s = Run(false, {Docs()}, &events);
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(s.items, 4u);
  EXPECT_TRUE(SearchIds("\"issuer rejected the refund\"").empty());
  EXPECT_FALSE(Indexed().count("payments/refund-failures"));
}

TEST_F(IndexerTest, UpdateMovesRenamedFile) {
  Run(true, {Docs()});
  std::filesystem::rename(Docs() + "/payments/refund-failures.md", Docs() + "/payments/failed-refunds.md");
  std::vector<FileEvent> events;
  IndexSummary s = Run(false, {Docs()}, &events);
  EXPECT_EQ(s.moved, 1u);
  EXPECT_EQ(s.added + s.removed + s.updated, 0u);
  ASSERT_EQ(events.size(), 2u);  // broken.md skipped, and the move
  EXPECT_EQ(events[1].action, FileAction::kMoved);
  EXPECT_EQ(events[1].path, "payments/failed-refunds.md");
  EXPECT_EQ(events[1].detail, "payments/refund-failures.md");
  auto indexed = Indexed();
  EXPECT_FALSE(indexed.count("payments/refund-failures"));
  ASSERT_TRUE(indexed.count("payments/failed-refunds"));
  EXPECT_EQ(indexed["payments/failed-refunds"].path, "payments/failed-refunds.md");
  EXPECT_EQ(SearchIds("\"issuer rejected the refund\""), std::vector<std::string>{"payments/failed-refunds"});
}

TEST_F(IndexerTest, RenameWithExplicitIdKeepsTheId) {
  WriteFile(Docs() + "/old-name.md", Article("Stable id", "cobaltmarker", "id: stable\n"));
  Run(true, {Docs()});
  std::filesystem::rename(Docs() + "/old-name.md", Docs() + "/new-name.md");
  IndexSummary s = Run(false, {Docs()});
  EXPECT_EQ(s.moved, 1u);
  EXPECT_EQ(Indexed()["stable"].path, "new-name.md");
}

TEST_F(IndexerTest, RemovingASourceFromTheCommandRemovesItsItems) {
  Run(true, {Docs(), Extra()});
  ASSERT_EQ(SearchIds("webhook"), std::vector<std::string>{"platform/webhooks"});
  IndexSummary s = Run(false, {Docs()});
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(s.removed_sources, std::vector<std::string>{"extra"});
  EXPECT_TRUE(SearchIds("webhook").empty());
  EXPECT_EQ(Metadata("sources"), "docs\n");
  EXPECT_EQ(Metadata("source:extra:root"), "");
}

TEST_F(IndexerTest, ConfigChangeReparsesTheWholeSource) {
  Run(true, {Extra()});
  WriteFile(Extra() + "/kb-source.yaml", "owner: platform-team\nid_prefix: \"infra/\"\n");
  IndexSummary s = Run(false, {Extra()});
  EXPECT_EQ(s.parsed, 2u);
  auto indexed = Indexed();
  EXPECT_TRUE(indexed.count("infra/webhooks"));
  EXPECT_FALSE(indexed.count("platform/webhooks"));
  EXPECT_TRUE(indexed.count("payments/refunds"));  // no collision without the docs source
}

TEST_F(IndexerTest, IdCollisionResolvesTheSameWayOnUpdate) {
  Run(true, {Extra()});  // alone, extra's refunds-copy.md owns payments/refunds
  IndexSummary s = Run(false, {Docs(), Extra()});
  // docs comes first on the command line, so docs' refunds.md now owns the id, as a build would decide.
  EXPECT_EQ(Indexed()["payments/refunds"].source, "docs");
  ASSERT_FALSE(s.skipped.empty());
  EXPECT_EQ(s.skipped.back().path, "refunds-copy.md");
}

// The same tree, reached by `build` and by `update` from an older tree, searches identically.
TEST_F(IndexerTest, BuildAndUpdateGiveTheSameSearchResults) {
  TempDir other;
  const std::string fresh_db = other.Sub("fresh");
  // An older state of the tree: one file differs, one is missing, one extra file, one rename pending.
  WriteFile(Docs() + "/payments/refunds.md", Article("Refunds", "oldversion"));
  WriteFile(Docs() + "/obsolete.md", Article("Obsolete", "oldversion"));
  std::filesystem::rename(Docs() + "/payments/refund-failures.md", Docs() + "/payments/failures-old.md");
  std::filesystem::remove(Docs() + "/includes/note.md");
  Run(true, {Docs(), Extra()});
  // Now bring the tree to its final state and update; build the same final state from scratch elsewhere.
  std::filesystem::remove_all(Docs());
  CopyTree(Fixture("sources/docs"), Docs());
  Run(false, {Docs(), Extra()});
  Run(true, {Docs(), Extra()}, nullptr, fresh_db);

  for (const char* q :
       {"refund", "refunds card", "webhook", "escalation", "oldversion", "E2002", "\"business days\"", "tag:refunds",
        "kind:answer", "owner:payments-team", "turquoisenote", "reimbursement", "issuer OR webhook"}) {
    auto a = Searcher::Open({Db()});
    auto b = Searcher::Open({fresh_db});
    ASSERT_TRUE(a.ok() && b.ok());
    SearchRequest request;
    request.query = q;
    request.size = kMaxPageSize;
    request.today = "2026-11-23";
    auto ra = (*a)->Search(request);
    auto rb = (*b)->Search(request);
    ASSERT_TRUE(ra.ok() && rb.ok()) << q;
    EXPECT_EQ(ra->total, rb->total) << q;
    ASSERT_EQ(ra->hits.size(), rb->hits.size()) << q;
    // Document ids differ between the two databases, so equal scores may tie-break differently.
    auto key = [](const SearchResponse& r) {
      std::vector<std::pair<long, std::string>> out;
      for (const SearchHit& h : r.hits) out.emplace_back(std::lround(h.score * 1e6), h.id);
      std::sort(out.begin(), out.end());
      return out;
    };
    EXPECT_EQ(key(*ra), key(*rb)) << q;
    for (std::size_t i = 0; i < ra->hits.size(); ++i) {
      EXPECT_EQ(ra->hits[i].section_anchor.empty(), rb->hits[i].section_anchor.empty()) << q;
    }
  }
  EXPECT_EQ(Indexed().size(), 6u);
}

TEST_F(IndexerTest, NothingIndexableKeepsThePreviousIndex) {
  Run(true, {Docs()});
  TempDir empty_tree;
  WriteFile(empty_tree.Sub("bad.md"), "---\ntitle: [x\n---\n");
  for (bool build : {true, false}) {
    IndexerOptions options;
    options.db_path = Db();
    std::vector<Source> sources = Load({"docs=" + empty_tree.path()});
    Result<IndexSummary> s = build ? BuildIndex(sources, options) : UpdateIndex(sources, options);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
    EXPECT_NE(s.status().message().find("nothing could be indexed"), std::string::npos);
    EXPECT_EQ(Indexed().size(), 5u);
  }
}

TEST_F(IndexerTest, SecondWriterFailsWithBusyOrWaits) {
  Run(true, {Docs()});
  auto holder = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(holder.ok());
  IndexerOptions options;
  options.db_path = Db();
  Result<IndexSummary> s = UpdateIndex(Load({Docs()}), options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kBusy);
  EXPECT_NE(s.status().message().find("locked"), std::string::npos) << s.status().message();
  holder->reset();
  EXPECT_TRUE(UpdateIndex(Load({Docs()}), options).ok());
}

TEST_F(IndexerTest, RejectsDuplicateSourceNamesAndNoDb) {
  IndexerOptions options;
  options.db_path = Db();
  auto twice = UpdateIndex(Load({"a=" + Docs(), "a=" + Extra()}), options);
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument);
  auto same_dir = UpdateIndex(Load({"a=" + Docs(), "b=" + Docs()}), options);
  EXPECT_EQ(same_dir.status().code(), StatusCode::kInvalidArgument);
  options.db_path.clear();
  EXPECT_EQ(BuildIndex(Load({Docs()}), options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(IndexerTest, ProgressReportsEveryFileAndThePhases) {
  std::vector<IndexProgress> seen;
  IndexerOptions options;
  options.db_path = Db();
  options.progress = [&](const IndexProgress& p) { seen.push_back(p); };
  bool locked = false;
  options.on_locked = [&] { locked = true; };
  ASSERT_TRUE(BuildIndex(Load({Docs()}), options).ok());
  EXPECT_TRUE(locked);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().phase, IndexProgress::Phase::kScanning);
  EXPECT_EQ(seen.back().phase, IndexProgress::Phase::kDone);
  EXPECT_EQ(seen.back().files_done, 6u);
  EXPECT_EQ(seen.back().files_total, 6u);
  EXPECT_EQ(seen.back().bytes_done, seen.back().bytes_total);
  EXPECT_TRUE(std::any_of(seen.begin(), seen.end(),
                          [](const IndexProgress& p) { return p.phase == IndexProgress::Phase::kCommitting; }));
}

TEST_F(IndexerTest, StatsCountFacetsStaleItemsAndSources) {
  const std::string sha = "0123456789abcdef0123456789abcdef01234567";
  WriteFile(Docs() + "/.git/HEAD", sha + "\n");
  Run(true, {Docs(), Extra()});
  auto stats = ReadIndexStats(Db(), "2026-11-23");
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->items, 6u);
  EXPECT_EQ(stats->by_kind.at("article"), 5u);
  EXPECT_EQ(stats->by_kind.at("answer"), 1u);
  EXPECT_EQ(stats->by_owner.at("payments-team"), 2u);
  EXPECT_EQ(stats->by_owner.at("support-ops"), 3u);
  EXPECT_EQ(stats->by_owner.at("platform-team"), 1u);
  EXPECT_EQ(stats->by_tier.at("L1"), 3u);
  EXPECT_EQ(stats->by_tier.at("L2"), 2u);
  EXPECT_EQ(stats->by_tier.at(""), 1u);  // includes/note.md names no tier
  EXPECT_EQ(stats->by_lang.at("en"), 6u);
  EXPECT_EQ(stats->by_source.at("docs"), 5u);
  // refund-failures.md: verified 2026-01-01 + 30 days; refunds.md is fresh until 2026-12-30.
  EXPECT_EQ(stats->stale, 1u);
  EXPECT_EQ(stats->stale_by_owner.at("payments-team"), 1u);
  EXPECT_EQ(stats->schema, std::to_string(kSchemaVersion));
  EXPECT_FALSE(stats->updated.empty());
  EXPECT_GT(stats->size_bytes, 0u);
  ASSERT_EQ(stats->sources.size(), 2u);
  EXPECT_EQ(stats->sources[0].name, "docs");
  EXPECT_EQ(stats->sources[0].commit, sha);
  EXPECT_EQ(ReadIndexStats(Db(), "2027-06-01")->stale, 2u);
  EXPECT_FALSE(ReadIndexStats(dir_.Sub("missing")).ok());
}

}  // namespace
}  // namespace kb
