#include "kb/index_writer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "kb/searcher.h"
#include "test_util.h"

namespace kb {
namespace {

using testing::MustParse;
using testing::TempDir;
using testing::WriteFile;

constexpr char kRefund[] = R"(---
title: Refunds
kind: article
owner: payments-team
tier: L1
tags: [refunds]
---
# Refunds

A refund returns money to the customer's card.
)";

constexpr char kWebhooks[] = R"(---
title: Webhooks
kind: article
owner: platform-team
tier: L2
tags: [webhooks]
---
# Webhooks

Webhook deliveries are retried with exponential backoff.
)";

class IndexWriterTest : public ::testing::Test {
 protected:
  std::string Db() const { return dir_.Sub("db"); }
  std::size_t SearchCount(const std::string& q) {
    auto searcher = Searcher::Open({Db()});
    EXPECT_TRUE(searcher.ok()) << searcher.status().ToString();
    if (!searcher.ok()) return 0;
    auto res = (*searcher)->Search({.query = q});
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? res->hits.size() : 0;
  }
  TempDir dir_;
};

TEST_F(IndexWriterTest, UpsertAndCommitMakesItemSearchable) {
  auto w = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Upsert(MustParse("refunds.md", kRefund)).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(SearchCount("refund"), 1u);
}

TEST_F(IndexWriterTest, AnErrorCodeIsAlsoIndexedAsItsWords) {
  // A scripted answer that lists ERR_INSUFFICIENT_FUNDS and ERR_DO_NOT_HONOR but never writes their words.
  constexpr char kAnswer[] = R"(---
title: Explaining a declined card
kind: answer
owner: payments-team
---
# Explaining a declined card

Use it for ERR_INSUFFICIENT_FUNDS or ERR_DO_NOT_HONOR, not for refund_failed or batch 2026_11.
)";
  for (const bool code_words : {true, false}) {
    TempDir dir;
    WriterOptions options;
    options.code_words = code_words;
    auto w = IndexWriter::Open(dir.Sub("db"), options);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Upsert(MustParse("answers/declined.md", kAnswer)).ok());
    ASSERT_TRUE((*w)->Commit().ok());
    auto searcher = Searcher::Open({dir.Sub("db")});
    ASSERT_TRUE(searcher.ok()) << searcher.status().ToString();
    auto count = [&](const std::string& q) {
      auto res = (*searcher)->Search({.query = q});
      EXPECT_TRUE(res.ok()) << q;
      return res.ok() ? res->hits.size() : 0u;
    };
    EXPECT_EQ(count("insufficient funds"), code_words ? 1u : 0u) << code_words;
    EXPECT_EQ(count("\"do not honor\""), code_words ? 1u : 0u) << code_words;
    EXPECT_EQ(count("ERR_INSUFFICIENT_FUNDS"), 1u) << code_words;  // the code itself, either way
    // A lowercase identifier is not split, nor one without a capital: "failed" and "2026" are no words of it.
    EXPECT_EQ(count("failed"), 0u) << code_words;
    EXPECT_EQ(count("2026"), 0u) << code_words;
  }
}

TEST_F(IndexWriterTest, UpsertWithSameIdReplaces) {
  auto w = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(w.ok());
  Item item = MustParse("refunds.md", kRefund);
  ASSERT_TRUE((*w)->Upsert(item).ok());
  item.title = "Refunds and reversals";
  ASSERT_TRUE((*w)->Upsert(item).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ((*w)->DocCount(), 1u);
  EXPECT_EQ(SearchCount("reversals"), 1u);
}

TEST_F(IndexWriterTest, RemoveDeletesAndMissingIsNotFound) {
  auto w = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Upsert(MustParse("refunds.md", kRefund)).ok());
  ASSERT_TRUE((*w)->Upsert(MustParse("webhooks.md", kWebhooks)).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  ASSERT_TRUE((*w)->Remove("refunds").ok());
  Status missing = (*w)->Remove("no-such-item");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(SearchCount("refund"), 0u);
  EXPECT_EQ(SearchCount("webhook"), 1u);
}

TEST_F(IndexWriterTest, UncommittedChangesAreInvisibleAndDroppedOnDestruction) {
  {
    auto w = IndexWriter::Open(Db(), {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Upsert(MustParse("refunds.md", kRefund)).ok());
    ASSERT_TRUE((*w)->Commit().ok());
    ASSERT_TRUE((*w)->Upsert(MustParse("webhooks.md", kWebhooks)).ok());
    EXPECT_EQ(SearchCount("webhook"), 0u);  // a reader sees only the committed revision
  }
  EXPECT_EQ(SearchCount("webhook"), 0u);
  EXPECT_EQ(SearchCount("refund"), 1u);
}

TEST_F(IndexWriterTest, SecondWriterFailsWithBusy) {
  auto first = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(first.ok());
  auto second = IndexWriter::Open(Db(), {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kBusy);
  EXPECT_NE(second.status().message().find("locked"), std::string::npos);
}

TEST_F(IndexWriterTest, ListItemsGivesPathsHashesAndFiltersBySource) {
  auto w = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Upsert(MustParse("refunds.md", kRefund, "payments")).ok());
  ASSERT_TRUE((*w)->Upsert(MustParse("webhooks.md", kWebhooks, "platform")).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  auto all = (*w)->ListItems();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  auto payments = (*w)->ListItems("payments");
  ASSERT_TRUE(payments.ok());
  ASSERT_EQ(payments->size(), 1u);
  EXPECT_EQ((*payments)[0].id, "refunds");
  EXPECT_EQ((*payments)[0].path, "refunds.md");
  EXPECT_EQ((*payments)[0].source, "payments");
  EXPECT_FALSE((*payments)[0].content_hash.empty());
}

TEST_F(IndexWriterTest, OverwriteDropsEverythingInTheSameCommit) {
  {
    auto w = IndexWriter::Open(Db(), {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Upsert(MustParse("refunds.md", kRefund)).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  WriterOptions opts;
  opts.overwrite = true;
  auto w = IndexWriter::Open(Db(), opts);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Upsert(MustParse("webhooks.md", kWebhooks)).ok());
  EXPECT_EQ(SearchCount("refund"), 1u);  // not yet committed: the old revision is still served
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(SearchCount("refund"), 0u);
  EXPECT_EQ(SearchCount("webhook"), 1u);
}

TEST_F(IndexWriterTest, MetadataRoundTripsAndReservedKeysAreRejected) {
  auto w = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->SetMetadata("source:docs:commit", "abc123").ok());
  EXPECT_EQ((*w)->SetMetadata("kb:schema", "9").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*w)->Commit().ok());
  auto got = (*w)->GetMetadata("source:docs:commit");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "abc123");
  auto searcher = Searcher::Open({Db()});
  ASSERT_TRUE(searcher.ok());
  EXPECT_EQ((*searcher)->GetMetadata("kb:schema"), std::to_string(kSchemaVersion));
  EXPECT_FALSE((*searcher)->GetMetadata("kb:updated").empty());
}

TEST_F(IndexWriterTest, OpenWithoutCreateOnMissingDatabaseFails) {
  WriterOptions opts;
  opts.create = false;
  auto w = IndexWriter::Open(Db(), opts);
  EXPECT_FALSE(w.ok());
}

TEST_F(IndexWriterTest, ItemWithoutIdIsRejected) {
  auto w = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(w.ok());
  Item item;
  item.path = "x.md";
  EXPECT_EQ((*w)->Upsert(item).code(), StatusCode::kInvalidArgument);
}

// A first build killed while Xapian was creating the tables leaves them without the version file (iamglass).
TEST_F(IndexWriterTest, InterruptedCreationIsStartedAgain) {
  std::filesystem::create_directories(Db());
  WriteFile(Db() + "/postlist.glass", std::string(8192, '\0'));
  WriteFile(Db() + "/flintlock", "");
  auto w = IndexWriter::Open(Db(), {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Upsert(MustParse("refunds.md", kRefund)).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(SearchCount("refund"), 1u);
}

TEST_F(IndexWriterTest, DirectoryWithOtherFilesIsNeverCleared) {
  std::filesystem::create_directories(Db());
  WriteFile(Db() + "/postlist.glass", std::string(8192, '\0'));
  WriteFile(Db() + "/notes.txt", "mine");
  auto w = IndexWriter::Open(Db(), {});
  EXPECT_FALSE(w.ok());
  EXPECT_TRUE(std::filesystem::exists(Db() + "/notes.txt"));
  EXPECT_TRUE(std::filesystem::exists(Db() + "/postlist.glass"));
}

// "Did you mean" must not offer words that only deleted or rewritten articles had.
TEST_F(IndexWriterTest, SpellingForgetsWordsOfRemovedAndReplacedItems) {
  constexpr char kV1[] = "---\ntitle: Quokka refunds\n---\n# Quokka refunds\n\nThe zanzibarian gateway refunds.\n";
  constexpr char kV2[] = "---\ntitle: Quokka refunds\n---\n# Quokka refunds\n\nThe gateway refunds.\n";
  auto suggestion = [&](const std::string& q) {
    auto searcher = Searcher::Open({Db()});
    EXPECT_TRUE(searcher.ok());
    auto res = (*searcher)->Search({.query = q});
    EXPECT_TRUE(res.ok());
    return res.ok() ? res->suggestion : std::string("?");
  };
  {
    auto w = IndexWriter::Open(Db(), {});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Upsert(MustParse("q.md", kV1)).ok());
    ASSERT_TRUE((*w)->Upsert(MustParse("refunds.md", kRefund)).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  ASSERT_EQ(suggestion("zanzibarain"), "zanzibarian");  // the fixture can fail: the word is offered first
  ASSERT_EQ(suggestion("quokk"), "quokka");
  {
    auto w = IndexWriter::Open(Db(), {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Upsert(MustParse("q.md", kV2)).ok());  // the same id without the word
    ASSERT_TRUE((*w)->Commit().ok());
  }
  EXPECT_EQ(suggestion("zanzibarain"), "");
  EXPECT_EQ(suggestion("quokk"), "quokka");  // still in the new version
  {
    auto w = IndexWriter::Open(Db(), {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Remove("q").ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  EXPECT_EQ(suggestion("quokk"), "");
  EXPECT_EQ(suggestion("refundz"), "refunds");  // words of the items that stay are kept
}

TEST(SearcherOpenTest, MissingDatabaseGivesClearError) {
  auto s = Searcher::Open({"/nonexistent/kb/db"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("/nonexistent/kb/db"), std::string::npos);
  auto none = Searcher::Open({});
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  auto bad_remote = Searcher::Open({"remote:localhost:notaport"});
  EXPECT_EQ(bad_remote.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kb
