// kb-server under index faults and hostile input, on loopback. A database directory deleted or corrupted
// under the running server: it keeps answering from the revision it has open (one worker, so "it has" is
// certain), and serves the rebuilt index once the fault is repaired. A query that would expand to too many
// terms gets a quick 400 that says why.
#include <gtest/gtest.h>

#include "server_test_util.h"

namespace kb::testing {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The fixture plus one article carrying `marker`, as a source tree under `root`.
void WriteTreeWith(const std::string& root, const std::string& marker) {
  fs::copy(FixtureDir(), root, fs::copy_options::recursive);
  WriteFile(root + "/extra/" + marker + ".md",
            "---\ntitle: Rebuilt article\nkind: article\nowner: test-team\ntier: L1\nlang: en\n---\n"
            "# Rebuilt article\n\nThis article carries " +
                marker + " in its body.\n");
}

struct Answer {
  int status = 0;
  std::string body;
};

Answer Get(const ServerProcess& server, const std::string& path) {
  auto cli = server.Client();
  auto res = cli->Get(path);
  if (!res) return {0, httplib::to_string(res.error())};
  return {res->status, res->body};
}

int Hits(const Answer& a) {
  json j = json::parse(a.body, nullptr, false);
  return a.status == 200 && j.is_object() && j["results"].is_array() ? static_cast<int>(j["results"].size()) : -1;
}

// Polls until `path` answers 200 with at least one result, or `limit` passes.
::testing::AssertionResult EventuallyFinds(const ServerProcess& server, const std::string& path,
                                           std::chrono::milliseconds limit) {
  return WaitFor([&] { return Hits(Get(server, path)) > 0; }, limit, "results for " + path);
}

// kb_index_reload_errors_total from /metrics; -1 when it is missing.
long ReloadErrors(const ServerProcess& server) {
  const std::string metrics = Get(server, "/metrics").body;
  const std::size_t at = metrics.find("\nkb_index_reload_errors_total ");
  return at == std::string::npos ? -1 : std::atol(metrics.c_str() + at + 30);
}

// Searches (each search lets its worker check for a new revision) until a reload check has failed, every
// search meanwhile answered from the revision that was open.
::testing::AssertionResult ServesThroughAFailedReload(const ServerProcess& server) {
  return WaitFor(
      [&] {
        EXPECT_EQ(Hits(Get(server, "/api/search?q=alphamarker")), 1) << "the open revision is still served";
        return ReloadErrors(server) > 0;
      },
      std::chrono::seconds(10), "a failed reload check (kb_index_reload_errors_total > 0)");
}

class ServerFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteTreeWith(dir_.Sub("src-a"), "alphamarker");
    BuildDbFromDir(db(), dir_.Sub("src-a"));
    ASSERT_TRUE(server_.Start({"--db", db(), "--threads", "1", "--reload-interval-ms", "100", "--access-log", "off"}));
    ASSERT_EQ(Hits(Get(server_, "/api/search?q=alphamarker")), 1) << server_.Log();
  }
  void TearDown() override { EXPECT_EQ(server_.child().Stop(), 0) << server_.Log(); }

  // Repairs the fault the way an operator would: a fresh build at the same path.
  void Rebuild() {
    std::error_code ec;
    fs::remove_all(db(), ec);
    WriteTreeWith(dir_.Sub("src-b"), "phoenixmarker");
    BuildDbFromDir(db(), dir_.Sub("src-b"));
  }

  std::string db() const { return dir_.Sub("db"); }
  TempDir dir_;
  ServerProcess server_{dir_.Sub("server.log")};
};

TEST_F(ServerFaultTest, DeletedDatabaseKeepsServingThenServesTheRebuiltOne) {
  fs::remove_all(db());
  ASSERT_TRUE(ServesThroughAFailedReload(server_)) << server_.Log();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Hits(Get(server_, "/api/search?q=alphamarker")), 1) << "the open revision is still served";
  }
  EXPECT_EQ(Get(server_, "/readyz").status, 200);

  Rebuild();
  EXPECT_TRUE(EventuallyFinds(server_, "/api/search?q=phoenixmarker", std::chrono::seconds(3))) << server_.Log();
  EXPECT_EQ(Hits(Get(server_, "/api/search?q=alphamarker")), 0);
  EXPECT_EQ(Get(server_, "/readyz").status, 200);
}

TEST_F(ServerFaultTest, CorruptDatabaseKeepsServingThePreviousRevisionThenRecovers) {
  WriteFile(db() + "/iamglass", "this is not a glass version file");
  ASSERT_TRUE(ServesThroughAFailedReload(server_)) << server_.Log();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Hits(Get(server_, "/api/search?q=alphamarker")), 1) << "the previous revision is still served";
  }
  EXPECT_EQ(Get(server_, "/readyz").status, 200);
  const std::string log = server_.Log();
  EXPECT_NE(log.find("serving the previous revision"), std::string::npos) << log;
  EXPECT_GT(ReloadErrors(server_), 0) << "the failed reopen is counted";

  Rebuild();
  EXPECT_TRUE(EventuallyFinds(server_, "/api/search?q=phoenixmarker", std::chrono::seconds(3))) << server_.Log();
  EXPECT_EQ(Get(server_, "/readyz").status, 200);
}

TEST(ServerInputLimitsTest, QueriesExpandingToTooManyTermsGetAQuick400) {
  TempDir dir;
  BuildDbFromDir(dir.Sub("db"), FixtureDir());
  ServerProcess server(dir.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", dir.Sub("db"), "--threads", "2", "--access-log", "off"}));

  std::string hostile;  // 26 wildcards: up to 26 × 50 terms, over the default limit of 1000
  for (char c = 'a'; c <= 'z'; ++c) hostile += std::string(1, c) + "* ";
  const auto start = Clock::now();
  Answer a = Get(server, "/api/search?q=" + httplib::detail::encode_query_param(hostile));
  const double ms = Ms(Clock::now() - start);
  std::printf("[ limits ] 26-wildcard query answered %d in %.1f ms\n", a.status, ms);
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_NE(a.body.find("the limit is 1000"), std::string::npos) << a.body;

  EXPECT_EQ(Get(server, "/api/search?q=pass*").status, 200);
  EXPECT_EQ(Get(server, "/api/search?q=" + httplib::detail::encode_query_param("a* b* c* password")).status, 200);
  EXPECT_EQ(server.child().Stop(), 0) << server.Log();
}

TEST(ServerInputLimitsTest, MaxQueryTermsIsConfigurable) {
  TempDir dir;
  BuildDbFromDir(dir.Sub("db"), FixtureDir());
  ServerProcess server(dir.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", dir.Sub("db"), "--max-query-terms", "20", "--access-log", "off"}));
  EXPECT_EQ(Get(server, "/api/search?q=pass*").status, 400);  // one wildcard counts as 50
  EXPECT_EQ(Get(server, "/api/search?q=password+reset").status, 200);
  EXPECT_EQ(server.child().Stop(), 0) << server.Log();
}

}  // namespace
}  // namespace kb::testing
