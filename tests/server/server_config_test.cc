// LoadConfig without a process: precedence, list handling and the public-address rule (which the process
// tests cannot exercise, as they only ever bind loopback).
#include <gtest/gtest.h>

#include <map>

#include "config.h"
#include "server_test_util.h"

namespace kb::server {
namespace {

using kb::testing::TempDir;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.Sub("db1"));
    std::filesystem::create_directories(dir_.Sub("db2"));
  }

  Result<Invocation> Load(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    std::vector<const char*> argv = {"kb-server"};
    for (const std::string& a : args) argv.push_back(a.c_str());
    return LoadConfig(static_cast<int>(argv.size()), argv.data(), [&](const char* name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    });
  }

  TempDir dir_;
};

TEST_F(ConfigTest, DefaultsAreSafe) {
  auto inv = Load({"--db", dir_.Sub("db1")});
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  const Config& c = inv->config;
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_TRUE(c.token.empty());
  EXPECT_FALSE(c.allow_public);
  EXPECT_EQ(c.searcher.max_query_bytes, 1024u);
  EXPECT_EQ(c.max_body_bytes, 65536u);
  EXPECT_EQ(c.reload_interval_ms, 200);
  EXPECT_TRUE(std::filesystem::exists(c.web_root + "/index.html")) << c.web_root;
}

TEST_F(ConfigTest, RepeatedDbFlagsAccumulateAndReplaceOtherSources) {
  auto inv = Load({"--db", dir_.Sub("db1"), "--db=" + dir_.Sub("db2")}, {{"KB_DB", dir_.Sub("missing")}});
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->config.dbs, (std::vector<std::string>{dir_.Sub("db1"), dir_.Sub("db2")}));
  auto from_env = Load({}, {{"KB_DB", dir_.Sub("db1") + "," + dir_.Sub("db2") + ",remote:127.0.0.1:33333"}});
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->config.dbs.size(), 3u);
}

TEST_F(ConfigTest, PublicAddressNeedsATokenOrAllowPublic) {
  auto refused = Load({"--db", dir_.Sub("db1"), "--host", "0.0.0.0"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--allow-public"), std::string::npos);
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--host", "10.1.2.3"}).ok());
  EXPECT_TRUE(Load({"--db", dir_.Sub("db1"), "--host", "0.0.0.0", "--token", "0123456789abcdef"}).ok());
  EXPECT_TRUE(Load({"--db", dir_.Sub("db1"), "--host", "0.0.0.0"}, {{"KB_TOKEN", "0123456789abcdef"}}).ok());
  EXPECT_TRUE(Load({"--db", dir_.Sub("db1"), "--host", "0.0.0.0", "--allow-public"}).ok());
  EXPECT_TRUE(Load({"--db", dir_.Sub("db1"), "--host", "::1"}).ok());
  EXPECT_TRUE(Load({"--db", dir_.Sub("db1"), "--host", "localhost"}).ok());
  EXPECT_TRUE(Load({"--db", dir_.Sub("db1"), "--host", "127.0.0.2"}).ok());
}

TEST_F(ConfigTest, RefusalSaysHowToPutTlsInFront) {
  auto refused = Load({"--db", dir_.Sub("db1"), "--host", "0.0.0.0"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("TLS proxy in front"), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("nginx-kb.conf"), std::string::npos) << refused.status().message();
  EXPECT_NE(Usage().find("docs/deploy/nginx-kb.conf"), std::string::npos);
}

// The systemd unit hands the token over as a credential file; without the file its fallback is a newline.
TEST_F(ConfigTest, TokenFileGivesTheTokenAndAnEmptyOneGivesNone) {
  kb::testing::WriteFile(dir_.Sub("token"), "0123456789abcdef0123\n");
  auto inv = Load({"--db", dir_.Sub("db1"), "--host", "0.0.0.0"}, {{"KB_TOKEN_FILE", dir_.Sub("token")}});
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->config.token, "0123456789abcdef0123");
  kb::testing::WriteFile(dir_.Sub("empty"), "\n");
  inv = Load({"--db", dir_.Sub("db1"), "--token-file", dir_.Sub("empty")});
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_TRUE(inv->config.token.empty());
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--host", "0.0.0.0", "--token-file", dir_.Sub("empty")}).ok());
  kb::testing::WriteFile(dir_.Sub("short"), "short\n");
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--token-file", dir_.Sub("short")}).ok());
  auto missing = Load({"--db", dir_.Sub("db1"), "--token-file", dir_.Sub("nope")});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot read token file"), std::string::npos);
  auto both = Load({"--db", dir_.Sub("db1"), "--token", "another-token-0123", "--token-file", dir_.Sub("token")});
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("keep one"), std::string::npos);
}

TEST_F(ConfigTest, LimitsAreRangeChecked) {
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--max-query-bytes", "100000"}).ok());
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--max-body-bytes", "1"}).ok());
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--request-timeout", "0"}).ok());
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--rate-limit", "-1"}).ok());
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--threads", "2x"}).ok());
  auto ok = Load({"--db", dir_.Sub("db1"), "--rate-limit", "2.5", "--max-query-bytes", "200"});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_DOUBLE_EQ(ok->config.rate_limit, 2.5);
  EXPECT_EQ(ok->config.searcher.max_query_bytes, 200u);
}

TEST_F(ConfigTest, OverloadSettingsAreRangeChecked) {
  auto defaults = Load({"--db", dir_.Sub("db1")});
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->config.max_queue, 64);
  EXPECT_EQ(defaults->config.header_timeout_s, 5);
  EXPECT_EQ(defaults->config.searcher.max_query_terms, 1000);
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--max-queue", "-1"}).ok());
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--header-timeout", "0"}).ok());
  EXPECT_FALSE(Load({"--db", dir_.Sub("db1"), "--max-query-terms", "5"}).ok());
  auto ok = Load({"--db", dir_.Sub("db1"), "--max-queue", "0", "--header-timeout", "30", "--max-query-terms", "200"});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->config.max_queue, 0);
  EXPECT_EQ(ok->config.header_timeout_s, 30);
  EXPECT_EQ(ok->config.searcher.max_query_terms, 200);
}

TEST_F(ConfigTest, FileSettingsWithLineNumbers) {
  kb::testing::WriteFile(dir_.Sub("kb.conf"), "# kb\n\ndb = " + dir_.Sub("db1") + "\nport=9090\n  token = 0123456789abcdef  \n");
  auto inv = Load({"--config", dir_.Sub("kb.conf")});
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->config.port, 9090);
  EXPECT_EQ(inv->config.token, "0123456789abcdef");
  kb::testing::WriteFile(dir_.Sub("bad.conf"), "db = " + dir_.Sub("db1") + "\nport 9090\n");
  auto bad = Load({"--config", dir_.Sub("bad.conf")});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.conf:2: expected 'key = value'"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace kb::server
