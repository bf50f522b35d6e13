// Shards on loopback: the starter knowledge base (content/) built as 3 shards, two of them served by
// xapian-tcpsrv and one opened locally, must answer exactly like one database built from the same items;
// a shard server that dies or hangs must fail the search fast, or leave it partial when allowed.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "../libkb/test_util.h"
#include "item_walk.h"
#include "kb/kb.h"
#include "shard_layout.h"

namespace kb {
namespace {

using testing::Child;
using testing::TempDir;

constexpr char kTcpsrv[] = KB_XAPIAN_TCPSRV;

// The fixed query list: words, phrases, error codes, filters, sorting and pages.
struct Case {
  std::string query;
  std::map<std::string, std::vector<std::string>> filters = {};
  SortOrder sort = SortOrder::kRelevance;
  int page = 1;
};
const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"refund"},
      {"partial refund"},
      {"card declined"},
      {"\"leaked api key\""},
      {"webhook signature"},
      {"E2001"},
      {"HTTP 429"},
      {"payout failed bank details"},
      {"ticket escalation"},
      {"currency conversion fee"},
      {"3-D Secure"},
      {"refund", {{"kind", {"answer"}}}},
      {"card", {{"tag", {"cards"}}}},
      {"refund", {}, SortOrder::kTitle},
      {"payment", {}, SortOrder::kVerified},
      {"payment", {}, SortOrder::kRelevance, 2},
      {"tag:refunds"},
      {"customer"},
  };
  return cases;
}

std::string ContentDir() { return std::string(KB_SOURCE_DIR) + "/content"; }

void Build(const std::string& db, int shards) {
  Result<Source> source = LoadSource(ContentDir());
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  IndexerOptions options;
  options.db_path = db;
  options.shards = shards;
  Result<IndexSummary> summary = BuildIndex({*source}, options);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
}

// One xapian-tcpsrv serving `db` on a free loopback port.
struct ShardServer {
  int port = 0;
  std::unique_ptr<Child> process;
  std::string location() const { return "remote:127.0.0.1:" + std::to_string(port); }
};

ShardServer Serve(const std::string& db, const std::string& log) {
  ShardServer s;
  s.port = testing::FreePort();
  s.process = std::make_unique<Child>(
      std::vector<std::string>{kTcpsrv, "--interface", "127.0.0.1", "--port", std::to_string(s.port), db},
      testing::ChildOptions{.log_path = log, .own_group = true});
  return s;
}

class ShardLoopbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kTcpsrv[0] != '\0' && ::access(kTcpsrv, X_OK) == 0)
        << "xapian-tcpsrv is not installed (Debian: apt-get install xapian-tools; scripts/install-deps.sh)";
    ASSERT_NO_FATAL_FAILURE(Build(dir_.Sub("one"), 1));
    ASSERT_NO_FATAL_FAILURE(Build(dir_.Sub("sharded"), 3));
    for (int k = 0; k < 2; ++k) {
      servers_.push_back(Serve(dir_.Sub("sharded/shard-" + std::to_string(k)), dir_.Sub("tcpsrv.log")));
      ASSERT_TRUE(servers_.back().process->started());
    }
    for (const ShardServer& s : servers_) {
      ASSERT_TRUE(testing::WaitForPort(s.port, std::chrono::seconds(10)))
          << "xapian-tcpsrv did not listen on " << s.port;
    }
  }

  std::vector<std::string> Locations() const {
    return {servers_[0].location(), servers_[1].location(), dir_.Sub("sharded/shard-2")};
  }

  TempDir dir_;
  std::vector<ShardServer> servers_;
};

TEST_F(ShardLoopbackTest, TwoRemoteAndOneLocalShardAnswerLikeOneDatabase) {
  auto one = Searcher::Open({dir_.Sub("one")});
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  auto sharded = Searcher::Open(Locations());
  ASSERT_TRUE(sharded.ok()) << sharded.status().ToString();
  EXPECT_EQ((*one)->DocCount(), (*sharded)->DocCount());
  // Every shard holds items: the split is real.
  for (int k = 0; k < 3; ++k) {
    auto shard = Searcher::Open({dir_.Sub("sharded/shard-" + std::to_string(k))});
    ASSERT_TRUE(shard.ok());
    EXPECT_GT((*shard)->DocCount(), 5u) << "shard " << k;
  }
  int compared = 0;
  // The second pass reads the remote shards' documents from those the Searcher kept in the first.
  for (int pass = 0; pass < 2; ++pass) {
    for (const Case& c : Cases()) {
      SearchRequest req{.query = c.query,
                        .filters = c.filters,
                        .page = c.page,
                        .size = 10,
                        .facets = {"tag", "owner", "kind"},
                        .sort = c.sort,
                        .today = "2026-11-23"};
      auto a = (*one)->Search(req);
      auto b = (*sharded)->Search(req);
      ASSERT_TRUE(a.ok()) << c.query << ": " << a.status().ToString();
      ASSERT_TRUE(b.ok()) << c.query << ": " << b.status().ToString();
      EXPECT_FALSE(b->partial_results);
      EXPECT_EQ(testing::Ids(*a), testing::Ids(*b)) << c.query;
      EXPECT_EQ(a->total, b->total) << c.query;
      ASSERT_EQ(a->hits.size(), b->hits.size());
      for (std::size_t i = 0; i < a->hits.size(); ++i) {
        EXPECT_EQ(a->hits[i].snippet, b->hits[i].snippet) << c.query << " #" << i;
        EXPECT_EQ(a->hits[i].section_anchor, b->hits[i].section_anchor) << c.query << " #" << i;
        // Not the scores themselves: Xapian estimates the frequency of a synonym group (OP_SYNONYM) per shard,
        // so "card" with its synonyms weighs a few percent differently in shards; the order stays the same.
        EXPECT_NEAR(a->hits[i].score, b->hits[i].score, 0.1 * a->hits[i].score) << c.query << " #" << i;
      }
      for (const char* f : {"tag", "owner", "kind"}) {
        ASSERT_EQ(a->facets[f].size(), b->facets[f].size()) << c.query << " " << f;
        for (std::size_t i = 0; i < a->facets[f].size(); ++i) {
          EXPECT_EQ(a->facets[f][i].value, b->facets[f][i].value) << c.query << " " << f;
          EXPECT_EQ(a->facets[f][i].count, b->facets[f][i].count) << c.query << " " << f;
        }
      }
      compared += a->hits.empty() || pass > 0 ? 0 : 1;
    }
  }
  EXPECT_GE(compared, 15) << "most queries of the list must find something";
  // Spelling comes from the local shard: a typo still gets its suggestion over remote shards.
  auto typo = (*sharded)->Search({.query = "refnud", .today = "2026-11-23"});
  ASSERT_TRUE(typo.ok());
  EXPECT_FALSE(typo->suggestion.empty());
}

// The Searcher keeps the documents it read from remote shards; an item changed in a shard must show once the
// Searcher takes up the new revision, not as it was kept.
TEST_F(ShardLoopbackTest, ChangedRemoteItemShowsAfterReopen) {
  auto sharded = Searcher::Open(Locations());
  ASSERT_TRUE(sharded.ok()) << sharded.status().ToString();
  const SearchRequest req{.query = "refund", .today = "2026-11-23"};
  Result<SearchResponse> before = (*sharded)->Search(req);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_FALSE(before->hits.empty());
  ASSERT_TRUE((*sharded)->Search(req).ok());  // read again, from the kept documents
  // Retitle every item of the result in a copy of the sources, and update the shards from it.
  const std::string src = dir_.Sub("src/content");
  std::filesystem::create_directories(src);
  std::filesystem::copy(ContentDir(), src, std::filesystem::copy_options::recursive);
  for (const SearchHit& hit : before->hits) {
    const std::string file = src + "/" + hit.path;
    std::ifstream in(file);
    ASSERT_TRUE(in.good()) << file;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t title = text.find("\ntitle: ");
    ASSERT_NE(title, std::string::npos) << file;
    text.insert(text.find('\n', title + 1), " (revised)");
    std::ofstream(file, std::ios::trunc) << text;
  }
  Result<Source> source = LoadSource(src);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  Result<IndexSummary> updated = UpdateIndex({*source}, IndexerOptions{.db_path = dir_.Sub("sharded")});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  ASSERT_GE(updated->updated, before->hits.size());
  Result<bool> reopened = (*sharded)->Reopen();
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_TRUE(*reopened);
  Result<SearchResponse> after = (*sharded)->Search(req);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  int seen = 0;
  for (const SearchHit& hit : after->hits) {
    bool retitled = false;
    for (const SearchHit& old : before->hits) retitled = retitled || old.id == hit.id;
    if (!retitled) continue;  // another item the changed lengths let in
    EXPECT_NE(hit.title.find("(revised)"), std::string::npos) << hit.id << ": " << hit.title;
    ++seen;
  }
  EXPECT_GE(seen, 5);
}

// The rerank reads what it needs from the match (each item's sort key): over remote shards a search reads the
// documents of the hits it shows, not those of its whole 50-result window (a round trip each).
TEST_F(ShardLoopbackTest, RerankReadsOnlyTheDocumentsShown) {
  auto sharded = Searcher::Open(Locations());
  ASSERT_TRUE(sharded.ok()) << sharded.status().ToString();
  std::size_t shown = 0;
  for (const char* query : {"customer", "payment", "refund", "tag:refunds", "-refund"}) {
    Result<SearchResponse> r = (*sharded)->Search({.query = query, .size = 5, .today = "2026-11-23"});
    ASSERT_TRUE(r.ok()) << query << ": " << r.status().ToString();
    EXPECT_GT(r->total, 5) << query << ": the window must hold more than the page";
    shown += r->hits.size();
    // Documents read once are kept, so the count is at most the hits shown so far.
    EXPECT_LE(internal::SearcherAccess::RemoteDocsKept(**sharded), shown) << query;
  }
  EXPECT_GT(internal::SearcherAccess::RemoteDocsKept(**sharded), 0u);
}

TEST_F(ShardLoopbackTest, KilledShardFailsFastUnlessPartialIsAllowed) {
  SearcherOptions strict;
  strict.remote_timeout_ms = 2000;
  SearcherOptions partial = strict;
  partial.allow_partial = true;
  auto a = Searcher::Open(Locations(), strict);
  auto b = Searcher::Open(Locations(), partial);
  ASSERT_TRUE(a.ok() && b.ok());
  SearchRequest req{.query = "refund", .size = 50, .today = "2026-11-23"};
  auto full = (*b)->Search(req);
  ASSERT_TRUE(full.ok());

  servers_[0].process->Kill();
  const auto t0 = std::chrono::steady_clock::now();
  auto failed = (*a)->Search(req);
  const double fail_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(failed.status().message().find(servers_[0].location()), std::string::npos) << failed.status().message();
  EXPECT_LT(fail_ms, 2000) << "a dead shard (connection refused) must fail at once";

  const auto t1 = std::chrono::steady_clock::now();
  auto some = (*b)->Search(req);
  const double partial_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  EXPECT_TRUE(some->partial_results);
  ASSERT_EQ(some->failed_shards.size(), 1u);
  EXPECT_EQ(some->failed_shards[0].rfind(servers_[0].location(), 0), 0u) << some->failed_shards[0];
  EXPECT_GT(some->total, 0);
  EXPECT_LT(some->total, full->total);
  EXPECT_LT(partial_ms, 2000);
  // Later searches do not wait on the dead shard again until its retry time.
  auto again = (*b)->Search(req);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->partial_results);

  // Opening with a shard down: an error naming it, or a partial searcher.
  auto closed = Searcher::Open(Locations(), strict);
  ASSERT_FALSE(closed.ok());
  EXPECT_NE(closed.status().message().find(servers_[0].location()), std::string::npos);
  auto open_partial = Searcher::Open(Locations(), partial);
  ASSERT_TRUE(open_partial.ok()) << open_partial.status().ToString();
  auto res = (*open_partial)->Search(req);
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->partial_results);
  EXPECT_EQ(res->total, some->total);
}

TEST_F(ShardLoopbackTest, HungShardNeverHoldsASearchPastTheTimeout) {
  constexpr int kTimeoutMs = 1000;
  SearcherOptions strict;
  strict.remote_timeout_ms = kTimeoutMs;
  SearcherOptions partial = strict;
  partial.allow_partial = true;
  auto a = Searcher::Open(Locations(), strict);
  auto b = Searcher::Open(Locations(), partial);
  ASSERT_TRUE(a.ok() && b.ok());
  SearchRequest req{.query = "card declined", .today = "2026-11-23"};
  ASSERT_TRUE((*a)->Search(req).ok());
  ASSERT_TRUE((*b)->Search(req).ok());

  servers_[1].process->Signal(SIGSTOP);  // accepts TCP (the kernel's backlog) but never replies
  auto t0 = std::chrono::steady_clock::now();
  auto failed = (*a)->Search(req);
  const double fail_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  // Limits in whole timeouts, generous for a sanitized build: what they rule out is a second wait.
  EXPECT_LT(fail_ms, 2 * kTimeoutMs) << "a hung shard fails the search after the timeout, not later";
  // The next search reconnects, finds the hung shard (one more timeout) and names it.
  auto named = (*a)->Search(req);
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.status().message().find(servers_[1].location()), std::string::npos) << named.status().message();
  t0 = std::chrono::steady_clock::now();
  auto fast = (*a)->Search(req);
  EXPECT_FALSE(fast.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(kTimeoutMs / 2))
      << "then it fails at once";

  t0 = std::chrono::steady_clock::now();
  auto some = (*b)->Search(req);
  const double partial_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  EXPECT_TRUE(some->partial_results);
  // The timeout, then one reconnection attempt bounded by the same timeout.
  EXPECT_LT(partial_ms, 2 * kTimeoutMs + 1000);
  // Marked down: the next search does not wait at all.
  t0 = std::chrono::steady_clock::now();
  auto next = (*b)->Search(req);
  const double next_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(next.ok());
  EXPECT_LT(next_ms, kTimeoutMs / 2);
  servers_[1].process->Kill();
}

TEST(ShardIndexTest, UpdateKeepsEachItemInItsShard) {
  TempDir dir;
  // A copy of the test source whose files we can change and move.
  const std::string src = dir.Sub("src");
  std::filesystem::copy(std::string(KB_TEST_DATA) + "/sources/docs", src, std::filesystem::copy_options::recursive);
  const std::string db = dir.Sub("db");
  auto run = [&](bool build, int shards) {
    Result<Source> source = LoadSource("docs=" + src);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    IndexerOptions options{.db_path = db, .shards = shards};
    return build ? BuildIndex({*source}, options) : UpdateIndex({*source}, options);
  };
  auto built = run(true, 4);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  auto check_placement = [&] {
    std::size_t total = 0;
    for (int k = 0; k < 4; ++k) {
      auto w = IndexWriter::Open(db + "/shard-" + std::to_string(k), {});
      ASSERT_TRUE(w.ok()) << w.status().ToString();
      auto items = (*w)->ListItems();
      ASSERT_TRUE(items.ok());
      for (const IndexedItem& item : *items) EXPECT_EQ(internal::ShardOf(item.id, 4), k) << item.id;
      total += items->size();
    }
    auto whole = Searcher::Open({db});  // the stub opens every shard
    ASSERT_TRUE(whole.ok()) << whole.status().ToString();
    EXPECT_EQ((*whole)->DocCount(), total);
  };
  check_placement();

  // Move a file and add one; update without --shards follows the existing layout.
  std::filesystem::create_directories(src + "/moved");
  std::filesystem::rename(src + "/payments/refunds.md", src + "/moved/refunds.md");
  {
    std::ofstream out(src + "/payments/new-item.md");
    out << "---\ntitle: Brand new item\nkind: article\nowner: payments-team\ntier: L1\n---\n# Brand new\n\nzebrafish\n";
  }
  auto updated = run(false, 0);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->added, 1u);
  EXPECT_EQ(updated->items, built->items + 1);
  check_placement();

  // Another shard count, or an unsharded run, over a sharded database is a usage error.
  auto wrong = run(false, 2);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("4 shards"), std::string::npos) << wrong.status().message();
}

TEST(ShardIndexTest, ShardOfIsStableAndSpreads) {
  EXPECT_EQ(internal::ShardOf("anything", 1), 0);
  EXPECT_EQ(internal::ShardOf("payments/refunds", 4), internal::ShardOf("payments/refunds", 4));
  // FNV-1a is fixed: these values must never change, or existing shards would be misplaced.
  EXPECT_EQ(internal::ShardOf("", 7), static_cast<int>(14695981039346656037ull % 7));
  std::vector<int> counts(4);
  for (int i = 0; i < 4000; ++i) ++counts[internal::ShardOf("item-" + std::to_string(i), 4)];
  for (int c : counts) EXPECT_GT(c, 850);
}

}  // namespace
}  // namespace kb
