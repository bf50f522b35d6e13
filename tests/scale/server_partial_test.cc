// kb-server over one local and one remote shard: the JSON says "partial_results": true (and which shard failed)
// when the remote shard's xapian-tcpsrv is killed and --allow-partial is set, and 503 without it; neither
// request waits past --remote-timeout-ms.
#include <gtest/gtest.h>

#include <chrono>

#include "../server/server_test_util.h"

namespace kb {
namespace {

using testing::json;

constexpr char kTcpsrv[] = KB_XAPIAN_TCPSRV;

void BuildShards(const std::string& db) {
  Result<Source> source = LoadSource(std::string(KB_SOURCE_DIR) + "/content");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  IndexerOptions options{.db_path = db, .shards = 2};
  auto built = BuildIndex({*source}, options);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
}

TEST(ServerShardTest, KilledShardGivesPartialJsonOr503) {
  ASSERT_TRUE(kTcpsrv[0] != '\0' && ::access(kTcpsrv, X_OK) == 0)
      << "xapian-tcpsrv is not installed (Debian: apt-get install xapian-tools; scripts/install-deps.sh)";
  testing::TempDir dir;
  ASSERT_NO_FATAL_FAILURE(BuildShards(dir.Sub("db")));
  const int port = testing::FreePort();
  testing::Child tcpsrv({kTcpsrv, "--interface", "127.0.0.1", "--port", std::to_string(port), dir.Sub("db/shard-0")},
                        testing::ChildOptions{.log_path = dir.Sub("tcpsrv.log"), .own_group = true});
  ASSERT_TRUE(testing::WaitForPort(port, std::chrono::seconds(10)));
  const std::string remote = "remote:127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> dbs = {"--db", dir.Sub("db/shard-1"), "--db", remote,         "--remote-timeout-ms",
                                        "1500", "--usage-log",         "off",  "--access-log", "off"};
  testing::ServerProcess partial(dir.Sub("partial.log")), strict(dir.Sub("strict.log"));
  std::vector<std::string> partial_args = dbs;
  partial_args.push_back("--allow-partial");
  ASSERT_TRUE(partial.Start(partial_args));
  ASSERT_TRUE(strict.Start(dbs));

  auto search = [](testing::ServerProcess& server, int* status) {
    auto res = server.Client()->Get("/api/search?q=refund&size=50");
    *status = res ? res->status : 0;
    return res && res->status == 200 ? json::parse(res->body) : json();
  };
  int status = 0;
  const json full = search(partial, &status);
  ASSERT_EQ(status, 200);
  EXPECT_FALSE(full["partial_results"].get<bool>());
  ASSERT_EQ(search(strict, &status)["partial_results"], false);

  tcpsrv.Kill();
  auto t0 = std::chrono::steady_clock::now();
  const json some = search(partial, &status);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(3000 + 1000));
  ASSERT_EQ(status, 200) << partial.Log();
  EXPECT_TRUE(some["partial_results"].get<bool>());
  EXPECT_FALSE(some.contains("partial")) << "one name per field: partial_results";
  ASSERT_EQ(some["failed_shards"].size(), 1u);
  EXPECT_EQ(some["failed_shards"][0].get<std::string>().rfind(remote, 0), 0u);
  EXPECT_LT(some["total"].get<int>(), full["total"].get<int>());
  EXPECT_GT(some["total"].get<int>(), 0);

  t0 = std::chrono::steady_clock::now();
  search(strict, &status);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(3000 + 1000));
  EXPECT_EQ(status, 503) << strict.Log();
}

}  // namespace
}  // namespace kb
