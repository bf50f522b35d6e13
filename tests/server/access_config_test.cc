// The pieces of access control without a process: tokens-file parsing, scope mapping, trusted networks, and
// the new settings' validation.
#include <gtest/gtest.h>

#include <map>

#include "config.h"
#include "identity.h"
#include "server_test_util.h"
#include "tokens.h"

namespace kb::server {
namespace {

TEST(TokensFileTest, ParsesTokensHashesAndMappings) {
  const std::string hash(64, 'a');
  // One line of the tokens file per source line.
  // clang-format off
  Result<TokenSet> set = ParseTokens(
      "# comment\n\n  ci   ci-token-0123456789abcdef   search,events  # trailing\n"
      "hashed sha256:" + hash + " insights\n"
      "root root-token-0123456789abcdef all\n"
      "@user:ana search\n@user:ana events\n@user:* assist\n@group:support-leads insights,search\n",
      "t");
  // clang-format on
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->tokens.size(), 3u);
  const TokenEntry* ci = set->Find("ci-token-0123456789abcdef");
  ASSERT_NE(ci, nullptr);
  EXPECT_EQ(ci->label, "ci");
  EXPECT_EQ(ci->scopes, kSearch | kEvents);
  EXPECT_EQ(set->Find("root-token-0123456789abcdef")->scopes, kAllScopes);
  EXPECT_EQ(set->Find("ci-token-0123456789abcdeX"), nullptr);
  EXPECT_EQ(set->Find(""), nullptr);
  EXPECT_EQ(set->Find("sha256:" + hash), nullptr);
  EXPECT_EQ(set->ScopesFor("ana", {}), kSearch | kEvents | kAssist);
  EXPECT_EQ(set->ScopesFor("bo", {"staff", "support-leads"}), kInsights | kSearch | kAssist);
  EXPECT_EQ(set->ScopesFor("", {"support-leads"}), 0u) << "groups without a user count for nothing";
  EXPECT_EQ(ScopeNames(kSearch | kAdmin), (std::vector<std::string>{"search", "admin"}));
}

TEST(TokensFileTest, ErrorsNamePathAndLine) {
  const std::map<std::string, std::string> cases = {
      {"a short search\n", "f:1: token of 'a' is too short"},
      {"\n\na tok-0123456789abcdef\n", "f:3: expected 'LABEL TOKEN SCOPE[,SCOPE...]'"},
      {"a tok-0123456789abcdef search,\n", "f:1: unknown scope list 'search,'"},
      {"a tok-0123456789abcdef read\n", "f:1: unknown scope list 'read'"},
      {"a b c d\n", "f:1: expected 'LABEL TOKEN"},
      {"a tok-0123456789abcdef search\na tok-0123456789abcdeg search\n", "f:2: label 'a' is used twice"},
      {"a tok-0123456789abcdef search\nb tok-0123456789abcdef search\n", "f:2: the token of 'b' is also"},
      {"a sha256:abc search\n", "f:1: token of 'a': sha256: needs 64 hex digits"},
      {"bad/label tok-0123456789abcdef search\n", "f:1: label 'bad/label' must be"},
      {"@team:x search\n", "f:1: '@team:x' is neither"},
      {"@user: search\n", "f:1: '@user:' is neither"},
      {"@user:ana\n", "f:1: expected '@user:NAME SCOPES'"},
  };
  for (const auto& [text, want] : cases) {
    Result<TokenSet> set = ParseTokens(text, "f");
    ASSERT_FALSE(set.ok()) << text;
    EXPECT_EQ(set.status().message().rfind(want, 0), 0u) << set.status().message();
  }
}

TEST(TrustedProxyTest, MatchesIpv4Ipv6AndMappedAddresses) {
  Result<std::vector<Cidr>> nets = ParseCidrs("10.0.0.0/8, 192.168.1.7,fd00::/8,::1");
  ASSERT_TRUE(nets.ok()) << nets.status().ToString();
  EXPECT_TRUE(InNetworks(*nets, "10.200.3.4"));
  EXPECT_TRUE(InNetworks(*nets, "::ffff:10.1.1.1"));
  EXPECT_TRUE(InNetworks(*nets, "192.168.1.7"));
  EXPECT_FALSE(InNetworks(*nets, "192.168.1.8"));
  EXPECT_FALSE(InNetworks(*nets, "11.0.0.1"));
  EXPECT_FALSE(InNetworks(*nets, "127.0.0.1"));
  EXPECT_TRUE(InNetworks(*nets, "fd12:3456::1"));
  EXPECT_TRUE(InNetworks(*nets, "::1"));
  EXPECT_FALSE(InNetworks(*nets, "fe80::1"));
  EXPECT_FALSE(InNetworks(*nets, "not an address"));
  EXPECT_FALSE(InNetworks(*nets, ""));
  Result<std::vector<Cidr>> everyone = ParseCidrs("0.0.0.0/0");
  ASSERT_TRUE(everyone.ok());
  EXPECT_TRUE(InNetworks(*everyone, "203.0.113.5"));
  EXPECT_FALSE(InNetworks(*everyone, "2001:db8::1")) << "an IPv4 range holds no IPv6 address";
  for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "::1/129", "host.example", "10.0.0.0/", "10.0.0.0/-1"}) {
    EXPECT_FALSE(ParseCidrs(bad).ok()) << bad;
  }
}

class AccessConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_.Sub("db")); }
  Result<Invocation> Load(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"kb-server", "--db", dir_.Sub("db")});
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    return LoadConfig(static_cast<int>(argv.size()), argv.data(), [&](const char* name) -> std::optional<std::string> {
      auto it = env.find(name);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
  }
  kb::testing::TempDir dir_;
};

TEST_F(AccessConfigTest, NewSettingsAndTheirDefaults) {
  auto inv = Load({});
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->config.trusted_proxy, "127.0.0.0/8,::1");
  EXPECT_TRUE(inv->config.user_header.empty());
  EXPECT_TRUE(inv->config.mask_patterns.empty());

  auto set = Load({"--tokens-file", "/etc/kb/tokens", "--user-header", "X-Forwarded-User", "--group-header",
                   "X-Forwarded-Groups", "--trusted-proxy", "10.0.0.0/8", "--mask-pattern", "pay_[A-Za-z0-9]+",
                   "--mask-pattern=cus_[0-9]+", "--host", "0.0.0.0"},
                  {{"KB_MASK_PATTERN", "ignored_[0-9]+"}});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->config.tokens_file, "/etc/kb/tokens");
  EXPECT_EQ(set->config.mask_patterns, (std::vector<std::string>{"pay_[A-Za-z0-9]+", "cus_[0-9]+"}));
  auto env = Load({}, {{"KB_MASK_PATTERN", "pay_[0-9]+"}, {"KB_TRUSTED_PROXY", "::1"}});
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->config.mask_patterns, std::vector<std::string>{"pay_[0-9]+"});
}

TEST_F(AccessConfigTest, BadValuesAreRefusedUpFront) {
  const std::map<std::vector<std::string>, std::string> cases = {
      {{"--trusted-proxy", "10.0.0.0/40"}, "--trusted-proxy: trusted proxy '10.0.0.0/40'"},
      {{"--user-header", "X Forwarded"}, "--user-header: 'X Forwarded' is not a header name"},
      {{"--group-header", "X-Groups"}, "--group-header needs --user-header"},
      {{"--mask-pattern", "pay_[A-Z"}, "--mask-pattern: id pattern 'pay_[A-Z' is not a valid regular expression"},
      {{"--mask-pattern", ".*"}, "--mask-pattern: id pattern '.*' matches the empty string"},
  };
  for (const auto& [args, want] : cases) {
    auto inv = Load(args);
    ASSERT_FALSE(inv.ok()) << args[0];
    EXPECT_EQ(inv.status().message().rfind(want, 0), 0u) << inv.status().message();
  }
  EXPECT_TRUE(Load({"--host", "0.0.0.0", "--tokens-file", "x"}).ok()) << "a tokens file guards a public address";
}

}  // namespace
}  // namespace kb::server
