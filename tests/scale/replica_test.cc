// Replication on loopback: the indexer's database is published by xapian-replicate-server, a search host's
// copy is kept by xapian-replicate, and kb::LiveSearcher (kb-server's) follows the copy while it changes: an update
// on the master is searchable on the replica within a few seconds, and no search fails meanwhile.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "../libkb/test_util.h"
#include "kb/kb.h"

namespace kb {
namespace {

using testing::Child;
using testing::TempDir;

constexpr char kReplicate[] = KB_XAPIAN_REPLICATE;
constexpr char kReplicateServer[] = KB_XAPIAN_REPLICATE_SERVER;

bool Installed(const char* tool) { return tool[0] != '\0' && ::access(tool, X_OK) == 0; }

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Installed(kReplicate) && Installed(kReplicateServer))
        << "xapian-replicate / xapian-replicate-server are not installed (Debian: apt-get install xapian-tools; "
           "scripts/install-deps.sh)";
    // Changesets let the replica catch up by applying changes instead of copying the whole database.
    ::setenv("XAPIAN_MAX_CHANGESETS", "10", 1);
    std::filesystem::copy(std::string(KB_TEST_DATA) + "/sources/docs", src_, std::filesystem::copy_options::recursive);
    std::filesystem::create_directories(dir_.Sub("master"));
    std::filesystem::create_directories(dir_.Sub("replica"));
    ASSERT_TRUE(Index(/*build=*/true).ok());
  }

  Result<IndexSummary> Index(bool build) {
    Result<Source> source = LoadSource("docs=" + src_);
    if (!source.ok()) return source.status();
    IndexerOptions options{.db_path = master_};
    return build ? BuildIndex({*source}, options) : UpdateIndex({*source}, options);
  }

  TempDir dir_;
  const std::string src_ = dir_.Sub("src");
  const std::string master_ = dir_.Sub("master/kb");
  const std::string replica_ = dir_.Sub("replica/kb");
};

int Total(LiveSearcher& index, const std::string& query) {
  Result<Searcher*> s = index.Acquire();
  if (!s.ok()) return -1;
  Result<SearchResponse> r = (*s)->Search({.query = query, .today = "2026-11-23"});
  return r.ok() ? r->total : -1;
}

TEST_F(ReplicaTest, LiveSearcherFollowsAReplicaWithoutAFailedSearch) {
  const int port = testing::FreePort();
  Child server({kReplicateServer, dir_.Sub("master"), "-I", "127.0.0.1", "-p", std::to_string(port)},
               testing::ChildOptions{.log_path = dir_.Sub("replicate-server.log"), .own_group = true});
  ASSERT_TRUE(testing::WaitForPort(port, std::chrono::seconds(10))) << "xapian-replicate-server did not listen";
  Child client({kReplicate, "-h", "127.0.0.1", "-p", std::to_string(port), "-m", "kb", "-i", "1", "-r", "1", replica_},
               testing::ChildOptions{.log_path = dir_.Sub("replicate.log"), .own_group = true});
  std::size_t master_docs = 0;
  {
    auto m = Searcher::Open({master_});
    ASSERT_TRUE(m.ok());
    master_docs = (*m)->DocCount();
  }
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto r = Searcher::Open({replica_});
        return r.ok() && (*r)->DocCount() == master_docs;
      },
      std::chrono::seconds(15), "the first copy to arrive"));

  std::vector<std::string> logged;
  std::mutex log_mu;
  const SearcherOptions options;
  LiveSearcher index(
      {replica_}, options,
      {.check_interval = std::chrono::milliseconds(100), .log = [&](const std::string& level, const std::string& msg) {
         std::lock_guard<std::mutex> lock(log_mu);
         logged.push_back(level + ": " + msg);
       }});
  ASSERT_EQ(Total(index, "zebrafish"), 0);

  // A worker searching all along, as kb-server's threads do: not one of its searches may fail.
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0}, failures{0};
  std::thread worker([&] {
    while (!stop) {
      (Total(index, "refund") > 0 ? searches : failures)++;
      // The pace of a busy worker, not a wait: it searches all along while the replica changes.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });

  {
    std::ofstream out(src_ + "/payments/zebrafish.md");
    out << "---\ntitle: Zebrafish payments\nkind: article\nowner: payments-team\ntier: L1\n---\n"
           "# Zebrafish payments\n\nA zebrafish refund example.\n";
  }
  auto added = Index(/*build=*/false);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(testing::WaitFor([&] { return Total(index, "zebrafish") == 1; }, std::chrono::seconds(15),
                               "an update on the master to reach the replica's searcher"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("update visible on the replica after %.2f s\n", seconds);

  std::filesystem::remove(src_ + "/payments/zebrafish.md");
  ASSERT_TRUE(Index(/*build=*/false).ok());
  EXPECT_TRUE(testing::WaitFor([&] { return Total(index, "zebrafish") == 0; }, std::chrono::seconds(15),
                               "a removal on the master to reach the replica"));

  stop = true;
  worker.join();
  EXPECT_EQ(failures.load(), 0) << "searches failed while the replica changed";
  EXPECT_GT(searches.load(), 10);
  std::ifstream replicate_log(dir_.Sub("replicate.log"));
  const std::string text((std::istreambuf_iterator<char>(replicate_log)), std::istreambuf_iterator<char>());
  for (const std::string& line : logged)
    ADD_FAILURE() << "LiveSearcher logged: " << line << "\nreplicate.log:\n" << text;
}

}  // namespace
}  // namespace kb
