// kb-index build over the database a live kb-server reads: the build commits, compacts and swaps in a new
// directory, and the server keeps answering every request throughout, then serves the new revision. And an
// index of an older schema: kb-server refuses it, naming the command that rebuilds it.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <xapian.h>

#include <atomic>
#include <thread>

#include "server_test_util.h"

namespace kb::testing {
namespace {

class RebuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(FixtureDir(), dir_.Sub("docs"), fs::copy_options::recursive);
    Build();
    ASSERT_TRUE(server_.Start({"--db", dir_.Sub("db"), "--reload-interval-ms", "20", "--threads", "4"}));
  }

  void Build() {
    Result<Source> source = LoadSource(dir_.Sub("docs"));
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    IndexerOptions options;
    options.db_path = dir_.Sub("db");
    Result<IndexSummary> summary = BuildIndex({*source}, options);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    ASSERT_TRUE(summary->compacted);
  }

  ino_t Inode() {
    struct stat st {};
    EXPECT_EQ(::stat(dir_.Sub("db").c_str(), &st), 0);
    return st.st_ino;
  }

  TempDir dir_;
  ServerProcess server_{dir_.Sub("server.log")};
};

TEST_F(RebuildTest, ServerAnswersEveryRequestAcrossBuilds) {
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, failed{0};
  std::string first_failure;
  auto hammer = [&] {
    auto client = server_.Client();
    while (!stop) {
      auto res = client->Get("/api/search?q=refund");
      json j = res ? json::parse(res->body, nullptr, false) : json();
      if (res && res->status == 200 && j.is_object() && !j["results"].empty()) {
        ++answered;
      } else if (failed++ == 0) {
        first_failure = res ? std::to_string(res->status) + " " + res->body : httplib::to_string(res.error());
      }
    }
  };
  std::thread a(hammer), b(hammer);
  const ino_t before = Inode();
  for (int i = 0; i < 3; ++i) {
    const int seen = answered;
    ASSERT_NO_FATAL_FAILURE(Build());
    // Requests ran during and after this build.
    EXPECT_TRUE(WaitFor([&] { return answered >= seen + 20 || failed > 0; }, std::chrono::seconds(20),
                        "20 more answers after build " + std::to_string(i)));
  }
  EXPECT_NE(Inode(), before);

  // A new article reaches the running server through the next build.
  WriteFile(
      dir_.Sub("docs/payments/rebuild-marker.md"),
      "---\ntitle: Zanzibar settlement\nkind: article\nowner: payments-team\ntier: L1\n---\n# Zanzibar settlement\n\n"
      "Settlements to Zanzibar accounts take two days.\n");
  ASSERT_NO_FATAL_FAILURE(Build());
  auto client = server_.Client();
  const ::testing::AssertionResult found = WaitFor(
      [&] {
        auto res = client->Get("/api/search?q=zanzibar");
        return res && res->status == 200 && res->body.find("rebuild-marker") != std::string::npos;
      },
      std::chrono::seconds(20), "the new article to be found");
  stop = true;
  a.join();
  b.join();
  EXPECT_TRUE(found) << server_.Log();
  EXPECT_EQ(failed, 0) << "first failure: " << first_failure << "\n" << server_.Log();
  EXPECT_GT(answered, 60);
}

TEST_F(RebuildTest, AnIndexOfAnOlderSchemaIsRefusedWithTheCommandThatFixesIt) {
  {
    Xapian::WritableDatabase w(dir_.Sub("db"), Xapian::DB_OPEN);
    w.set_metadata("kb:schema", "0");
    w.commit();
  }
  ServerProcess old_index(dir_.Sub("old.log"));
  EXPECT_FALSE(old_index.Start({"--db", dir_.Sub("db")}));
  EXPECT_EQ(old_index.child().Wait(std::chrono::seconds(10)), 1);
  EXPECT_NE(old_index.Log().find("written by an older kb (index schema 0"), std::string::npos) << old_index.Log();
  EXPECT_NE(old_index.Log().find("kb-index build SOURCE... --db " + dir_.Sub("db")), std::string::npos)
      << old_index.Log();
  // Running it fixes it.
  ASSERT_NO_FATAL_FAILURE(Build());
  ServerProcess rebuilt(dir_.Sub("rebuilt.log"));
  EXPECT_TRUE(rebuilt.Start({"--db", dir_.Sub("db")}));
}

}  // namespace
}  // namespace kb::testing
