// LoadConfig without a process: precedence, list handling and the public-address rule (which the process
// tests cannot exercise, as they only ever bind loopback).
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <sstream>

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
  EXPECT_EQ(c.searcher.max_query_bytes, 4096u);
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
  kb::testing::WriteFile(dir_.Sub("kb.conf"),
                         "# kb\n\ndb = " + dir_.Sub("db1") + "\nport=9090\n  token = 0123456789abcdef  \n");
  auto inv = Load({"--config", dir_.Sub("kb.conf")});
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->config.port, 9090);
  EXPECT_EQ(inv->config.token, "0123456789abcdef");
  kb::testing::WriteFile(dir_.Sub("bad.conf"), "db = " + dir_.Sub("db1") + "\nport 9090\n");
  auto bad = Load({"--config", dir_.Sub("bad.conf")});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.conf:2: expected 'key = value'"), std::string::npos)
      << bad.status().message();
}

// Each setting as written in one place, and how to see that it arrived in Config.
struct SettingCase {
  std::string key;    // flag without "--", and config-file key
  std::string env;    // environment variable
  std::string value;  // a valid value other than the default
  std::function<bool(const Config&)> arrived;
  std::vector<std::string> with = {};  // other flags the value needs
  bool is_switch = false;              // --KEY alone means true
};

class EverySettingTest : public ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    kb::testing::WriteFile(dir_.Sub("token"), "  tok-0123456789abcdef\n");
    kb::testing::WriteFile(dir_.Sub("slack"), "0123456789abcdef0123\n");
    kb::testing::WriteFile(dir_.Sub("web/index.html"), "<!doctype html>");
    kb::testing::WriteFile(dir_.Sub("empty.conf"), "# nothing\n");
  }

  std::vector<SettingCase> Cases() {
    const std::string db2 = dir_.Sub("db2"), token = dir_.Sub("token"), slack = dir_.Sub("slack"),
                      web = dir_.Sub("web"), conf = dir_.Sub("empty.conf");
    return {
        {"db", "KB_DB", db2, [=](const Config& c) { return c.dbs == std::vector<std::string>{db2}; }},
        {"host", "KB_HOST", "127.0.0.5", [](const Config& c) { return c.host == "127.0.0.5"; }},
        {"port", "KB_PORT", "9191", [](const Config& c) { return c.port == 9191; }},
        {"token", "KB_TOKEN", "0123456789abcdefXYZ", [](const Config& c) { return c.token == "0123456789abcdefXYZ"; }},
        {"token-file", "KB_TOKEN_FILE", token,
         [=](const Config& c) { return c.token_file == token && c.token == "tok-0123456789abcdef"; }},
        {"tokens-file", "KB_TOKENS_FILE", "/etc/kb/tokens",
         [](const Config& c) { return c.tokens_file == "/etc/kb/tokens"; }},
        {"trusted-proxy", "KB_TRUSTED_PROXY", "10.0.0.0/8",
         [](const Config& c) { return c.trusted_proxy == "10.0.0.0/8"; }},
        {"user-header", "KB_USER_HEADER", "X-User", [](const Config& c) { return c.user_header == "X-User"; }},
        {"group-header",
         "KB_GROUP_HEADER",
         "X-Groups",
         [](const Config& c) { return c.group_header == "X-Groups"; },
         {"--user-header", "X-User"}},
        {"mask-pattern", "KB_MASK_PATTERN", "tkt-[0-9]+",
         [](const Config& c) { return c.mask_patterns == std::vector<std::string>{"tkt-[0-9]+"}; }},
        {"threads", "KB_THREADS", "3", [](const Config& c) { return c.threads == 3; }},
        {"web-root", "KB_WEB_ROOT", web, [=](const Config& c) { return c.web_root == web; }},
        {"config", "KB_CONFIG", conf, [=](const Config& c) { return c.config_file == conf; }},
        {"allow-public", "KB_ALLOW_PUBLIC", "true", [](const Config& c) { return c.allow_public; }, {}, true},
        {"access-log", "KB_ACCESS_LOG", "off", [](const Config& c) { return c.access_log == "off"; }},
        {"max-query-bytes", "KB_MAX_QUERY_BYTES", "200",
         [](const Config& c) { return c.searcher.max_query_bytes == 200; }},
        {"max-body-bytes", "KB_MAX_BODY_BYTES", "4096", [](const Config& c) { return c.max_body_bytes == 4096; }},
        {"request-timeout", "KB_REQUEST_TIMEOUT", "7", [](const Config& c) { return c.request_timeout_s == 7; }},
        {"keep-alive", "KB_KEEP_ALIVE", "3", [](const Config& c) { return c.keep_alive_s == 3; }},
        {"reload-interval-ms", "KB_RELOAD_INTERVAL_MS", "50",
         [](const Config& c) { return c.reload_interval_ms == 50; }},
        {"rate-limit", "KB_RATE_LIMIT", "2.5", [](const Config& c) { return c.rate_limit == 2.5; }},
        {"rate-burst", "KB_RATE_BURST", "7", [](const Config& c) { return c.rate_burst == 7; }},
        {"usage-log", "KB_USAGE_LOG", "off", [](const Config& c) { return c.usage_log == "off"; }},
        {"usage-retention-days", "KB_USAGE_RETENTION_DAYS", "9",
         [](const Config& c) { return c.usage_retention_days == 9; }},
        {"popularity-boost", "KB_POPULARITY_BOOST", "0.5",
         [](const Config& c) { return c.searcher.ranking.popularity_boost == 0.5; }},
        {"max-queue", "KB_MAX_QUEUE", "5", [](const Config& c) { return c.max_queue == 5; }},
        {"header-timeout", "KB_HEADER_TIMEOUT", "6", [](const Config& c) { return c.header_timeout_s == 6; }},
        {"max-query-terms", "KB_MAX_QUERY_TERMS", "77",
         [](const Config& c) { return c.searcher.max_query_terms == 77; }},
        {"remote-timeout-ms", "KB_REMOTE_TIMEOUT_MS", "500",
         [](const Config& c) { return c.searcher.remote_timeout_ms == 500; }},
        {"allow-partial",
         "KB_ALLOW_PARTIAL",
         "true",
         [](const Config& c) { return c.searcher.allow_partial; },
         {},
         true},
        {"slack-signing-secret-file", "KB_SLACK_SIGNING_SECRET_FILE", slack,
         [](const Config& c) { return c.slack_signing_secret == "0123456789abcdef0123"; }},
        {"public-url", "KB_PUBLIC_URL", "https://kb.example.com/",
         [](const Config& c) { return c.public_url == "https://kb.example.com"; }},
    };
  }

  // --db db1 (unless the case is --db itself) and what the case needs besides.
  std::vector<std::string> Base(const SettingCase& s) {
    std::vector<std::string> args =
        s.key == "db" ? std::vector<std::string>{} : std::vector<std::string>{"--db", dir_.Sub("db1")};
    args.insert(args.end(), s.with.begin(), s.with.end());
    return args;
  }
};

TEST_F(EverySettingTest, HelpListsEverySettingWithItsVariable) {
  std::set<std::string> listed;
  std::istringstream usage(Usage());
  for (std::string line; std::getline(usage, line);) {
    if (line.rfind("  --", 0) == 0) listed.insert(line.substr(4, line.find_first_of(" ,", 4) - 4));
  }
  listed.erase("help");
  std::set<std::string> tested;
  for (const SettingCase& s : Cases()) {
    tested.insert(s.key);
    EXPECT_NE(Usage().find("[" + s.env), std::string::npos) << s.env;
  }
  EXPECT_EQ(listed, tested);
  EXPECT_EQ(tested.size(), 32u);
}

TEST_F(EverySettingTest, EachArrivesFromAFlagEitherSpellingTheEnvironmentAndTheFile) {
  for (const SettingCase& s : Cases()) {
    SCOPED_TRACE(s.key);
    std::vector<std::string> args = Base(s);
    args.push_back("--" + s.key);
    if (!s.is_switch) args.push_back(s.value);
    auto flag = Load(args);
    ASSERT_TRUE(flag.ok()) << flag.status().ToString();
    EXPECT_TRUE(s.arrived(flag->config)) << "--" << s.key << " " << s.value;

    args = Base(s);
    args.push_back("--" + s.key + "=" + s.value);
    auto inline_value = Load(args);
    ASSERT_TRUE(inline_value.ok()) << inline_value.status().ToString();
    EXPECT_TRUE(s.arrived(inline_value->config)) << "--" << s.key << "=" << s.value;

    auto env = Load(Base(s), {{s.env, s.value}});
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    EXPECT_TRUE(s.arrived(env->config)) << s.env << "=" << s.value;

    if (s.key == "config") continue;  // a file cannot name another file
    kb::testing::WriteFile(dir_.Sub("case.conf"), s.key + " = " + s.value + "\n");
    args = Base(s);
    args.insert(args.end(), {"--config", dir_.Sub("case.conf")});
    if (s.key == "db") args = {"--config", dir_.Sub("case.conf")};
    auto file = Load(args);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_TRUE(s.arrived(file->config)) << "file: " << s.key << " = " << s.value;
  }
}

TEST_F(ConfigTest, FlagsBeatTheFileWhichBeatsTheEnvironment) {
  kb::testing::WriteFile(dir_.Sub("kb.conf"), "port = 2002\nthreads = 5\n");
  auto inv = Load({"--db", dir_.Sub("db1"), "--config", dir_.Sub("kb.conf"), "--port", "3003", "--port", "3004"},
                  {{"KB_PORT", "1001"}, {"KB_THREADS", "4"}, {"KB_KEEP_ALIVE", "9"}});
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->config.port, 3004) << "the last flag counts";
  EXPECT_EQ(inv->config.threads, 5);
  EXPECT_EQ(inv->config.keep_alive_s, 9);
  // Switches: a later "=false" turns off what the environment turned on.
  auto off = Load({"--db", dir_.Sub("db1"), "--allow-partial=false"}, {{"KB_ALLOW_PARTIAL", "1"}});
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->config.searcher.allow_partial);
}

// Every number setting with values out of range and not numbers at all: from a flag, the environment or
// the file, the message names the setting, where it came from, the value and the range.
TEST_F(ConfigTest, BadNumbersNameTheSettingTheSourceAndTheRange) {
  const std::vector<std::pair<std::string, std::string>> ranges = {{"port", "0 and 65535"},
                                                                   {"threads", "1 and 256"},
                                                                   {"max-query-bytes", "16 and 4096"},
                                                                   {"max-body-bytes", "1024 and 67108864"},
                                                                   {"request-timeout", "1 and 300"},
                                                                   {"keep-alive", "1 and 60"},
                                                                   {"reload-interval-ms", "10 and 60000"},
                                                                   {"rate-limit", "0 and 1e+06"},
                                                                   {"rate-burst", "1 and 1000000"},
                                                                   {"usage-retention-days", "1 and 3650"},
                                                                   {"popularity-boost", "0 and 10"},
                                                                   {"max-queue", "0 and 100000"},
                                                                   {"header-timeout", "1 and 300"},
                                                                   {"max-query-terms", "10 and 100000"},
                                                                   {"remote-timeout-ms", "10 and 600000"}};
  for (const auto& [key, range] : ranges) {
    std::string env = "KB_" + key;
    for (char& ch : env) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    for (const std::string bad : {"12x", "", "0x10", " 5", "+5", "-99999999", "99999999999", "nan"}) {
      SCOPED_TRACE(key + " '" + bad + "'");
      const std::string expected = "'" + bad + "' is not a number between " + range;
      auto flag = Load({"--db", dir_.Sub("db1"), "--" + key, bad});
      ASSERT_FALSE(flag.ok());
      EXPECT_EQ(flag.status().message(), "--" + key + ": " + expected);
      auto inline_value = Load({"--db", dir_.Sub("db1"), "--" + key + "=" + bad});
      ASSERT_FALSE(inline_value.ok());
      EXPECT_EQ(inline_value.status().message(), "--" + key + ": " + expected);
      auto from_env = Load({"--db", dir_.Sub("db1")}, {{env, bad}});
      ASSERT_FALSE(from_env.ok());
      EXPECT_EQ(from_env.status().message(), "env " + env + ": " + expected);
      if (bad.empty() || bad[0] == ' ') continue;  // the file trims values
      kb::testing::WriteFile(dir_.Sub("bad.conf"), "\n" + key + " = " + bad + "\n");
      auto from_file = Load({"--db", dir_.Sub("db1"), "--config", dir_.Sub("bad.conf")});
      ASSERT_FALSE(from_file.ok());
      EXPECT_EQ(from_file.status().message(), dir_.Sub("bad.conf") + ":2: " + expected);
    }
  }
  // Decimal only: a leading zero is not octal.
  auto decimal = Load({"--db", dir_.Sub("db1"), "--port", "010", "--threads=08"});
  ASSERT_TRUE(decimal.ok()) << decimal.status().ToString();
  EXPECT_EQ(decimal->config.port, 10);
  EXPECT_EQ(decimal->config.threads, 8);
}

TEST_F(ConfigTest, HelpVersionUnknownOptionsAndMissingValues) {
  for (const char* help : {"--help", "-h"}) {
    auto inv = Load({"--port", "abc", help, "--bogus"});
    ASSERT_TRUE(inv.ok()) << help;
    EXPECT_EQ(inv->action, Invocation::Action::kHelp) << help;
  }
  auto version = Load({"--version"});
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->action, Invocation::Action::kVersion);
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--db", dir_.Sub("db1"), "--bogus"}, "unknown option '--bogus' (see kb-server --help)"},
      {{"--db", dir_.Sub("db1"), "--bogus=1"}, "unknown option '--bogus' (see kb-server --help)"},
      {{"--db", dir_.Sub("db1"), "stray"}, "unexpected argument 'stray' (see kb-server --help)"},
      {{"--db", dir_.Sub("db1"), "-x"}, "unexpected argument '-x' (see kb-server --help)"},
      {{"--db", dir_.Sub("db1"), "--version=1"}, "--version"},
      {{"--db", dir_.Sub("db1"), "--port"}, "--port"},
      {{"--db", dir_.Sub("db1"), "--allow-public=maybe"}, "--allow-public: 'maybe' is not a boolean (true or false)"},
  };
  for (const auto& [args, message] : bad) {
    auto inv = Load(args);
    ASSERT_FALSE(inv.ok()) << message;
    EXPECT_EQ(inv.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(inv.status().message().find(message), std::string::npos) << inv.status().message();
  }
  // A value may start with '-' (a token, a pattern) when it follows its option.
  auto dash = Load({"--db", dir_.Sub("db1"), "--token", "-0123456789abcdef", "--mask-pattern", "-[0-9]+"});
  ASSERT_TRUE(dash.ok()) << dash.status().ToString();
  EXPECT_EQ(dash->config.token, "-0123456789abcdef");
}

}  // namespace
}  // namespace kb::server
