// The command lines of the real kb-server and kb-report binaries: every flag and environment variable is
// taken and has its effect, --help and --version exit 0, and bad numbers, unknown options and missing values
// exit 2 with a message naming the option. (kb-index's: tests/indexer/flags_test.cc.)
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "server_test_util.h"

namespace kb::testing {
namespace {

constexpr char kToken[] = "cli-token-0123456789abcdef";

struct ProgramRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `binary args...` to its end (10 s at most) with `env` on top of an environment without KB_*.
ProgramRun RunProgram(const std::string& binary, const std::vector<std::string>& args, const std::string& log,
                      const std::map<std::string, std::string>& env = {}) {
  std::filesystem::remove(log);
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  Child child;
  ProgramRun run;
  if (!child.Start(argv, log, env)) return run;
  run.exit_code = child.Wait(std::chrono::seconds(10));
  run.output = child.Log();
  return run;
}

class KbServerCommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BuildDbFromDir(dir_.Sub("db"), FixtureDir());
    WriteFile(dir_.Sub("token"), std::string(kToken) + "\n");
    WriteFile(dir_.Sub("tokens"), "ci-bot  other-token-0123456789ab  search\n");
    WriteFile(dir_.Sub("slack-secret"), "slack-secret-0123456789\n");
    WriteFile(dir_.Sub("empty.conf"), "# nothing\n");
  }

  ProgramRun Server(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    return RunProgram(KB_SERVER_BINARY, args, dir_.Sub("run.log"), env);
  }

  // Every setting but --host and --port (ServerProcess passes those), with values other than the defaults.
  std::map<std::string, std::string> Settings() {
    return {{"db", dir_.Sub("db")},
            {"token", kToken},
            {"token-file", dir_.Sub("token")},
            {"tokens-file", dir_.Sub("tokens")},
            {"trusted-proxy", "127.0.0.1/32"},
            {"user-header", "X-User"},
            {"group-header", "X-Groups"},
            {"mask-pattern", "tkt-[0-9]+"},
            {"threads", "3"},
            {"web-root", std::string(KB_SOURCE_DIR) + "/server/web"},
            {"config", dir_.Sub("empty.conf")},
            {"allow-public", "true"},
            {"access-log", dir_.Sub("access.log")},
            {"max-query-bytes", "100"},
            {"max-body-bytes", "2048"},
            {"request-timeout", "5"},
            {"keep-alive", "3"},
            {"reload-interval-ms", "100"},
            {"rate-limit", "1000"},
            {"rate-burst", "100"},
            {"usage-log", dir_.Sub("usage.sqlite")},
            {"usage-retention-days", "5"},
            {"popularity-boost", "0.5"},
            {"max-queue", "8"},
            {"header-timeout", "5"},
            {"max-query-terms", "100"},
            {"remote-timeout-ms", "2000"},
            {"allow-partial", "true"},
            {"slack-signing-secret-file", dir_.Sub("slack-secret")},
            {"public-url", "https://kb.example.com"}};
  }

  // A server started with Settings() answers as they say: the token guards /api, the query limit is 100
  // bytes, requests go to the access log and the usage log, and SIGTERM stops it cleanly.
  void ExpectSettingsTookEffect(ServerProcess& server) {
    auto client = server.Client();
    auto health = client->Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    auto anonymous = client->Get("/api/search?q=refund");
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401) << "--token";
    const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
    auto search = client->Get("/api/search?q=refund", auth);
    ASSERT_TRUE(search);
    EXPECT_EQ(search->status, 200) << search->body;
    auto scoped = client->Get("/api/search?q=refund", {{"Authorization", "Bearer other-token-0123456789ab"}});
    ASSERT_TRUE(scoped);
    EXPECT_EQ(scoped->status, 200) << "--tokens-file: " << scoped->body;
    auto long_query = client->Get("/api/search?q=" + std::string(101, 'a'), auth);
    ASSERT_TRUE(long_query);
    EXPECT_EQ(long_query->status, 414) << "--max-query-bytes 100";
    EXPECT_TRUE(Contains(long_query->body, "the limit is 100")) << long_query->body;
    EXPECT_EQ(server.child().Stop(), 0) << server.Log();
    EXPECT_TRUE(Contains(ReadFile(dir_.Sub("access.log")), "/api/search")) << "--access-log";
    EXPECT_TRUE(std::filesystem::exists(dir_.Sub("usage.sqlite"))) << "--usage-log";
    const std::vector<json> listening = LogLines(server.Log(), "listening");
    ASSERT_EQ(listening.size(), 1u) << server.Log();
    EXPECT_EQ(listening[0]["threads"], 3);
    EXPECT_EQ(listening[0]["user_header"], "X-User");
    EXPECT_EQ(listening[0]["trusted_proxy"], "127.0.0.1/32");
    EXPECT_EQ(listening[0]["auth"], "bearer");
  }

  TempDir dir_;
};

TEST_F(KbServerCommandLineTest, EveryFlag) {
  std::vector<std::string> args;
  for (const auto& [key, value] : Settings()) {
    if (key == "allow-public" || key == "allow-partial") {
      args.push_back("--" + key);
    } else if (key == "threads") {
      args.push_back("--threads=" + value);  // the other spelling
    } else {
      args.insert(args.end(), {"--" + key, value});
    }
  }
  ServerProcess server(dir_.Sub("server.log"));
  ASSERT_TRUE(server.Start(args));
  ExpectSettingsTookEffect(server);
}

TEST_F(KbServerCommandLineTest, EveryEnvironmentVariable) {
  std::map<std::string, std::string> env;
  for (const auto& [key, value] : Settings()) {
    std::string name = "KB_" + key;
    for (char& ch : name) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    env[name] = value;
  }
  ServerProcess server(dir_.Sub("server.log"));
  ASSERT_TRUE(server.Start({}, env));
  ExpectSettingsTookEffect(server);
}

TEST_F(KbServerCommandLineTest, HelpAndVersionExitZero) {
  const ProgramRun help = Server({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Contains(help.output, "Usage: kb-server --db PATH"));
  for (const auto& [key, value] : Settings()) {
    EXPECT_TRUE(Contains(help.output, "\n  --" + key + " ")) << key;
  }
  EXPECT_TRUE(Contains(help.output, "[KB_SLACK_SIGNING_SECRET_FILE]"));
  EXPECT_EQ(Server({"-h"}).output, help.output);
  EXPECT_EQ(Server({"--db", "/nonexistent", "--port", "x", "--help"}).output, help.output);
  const ProgramRun version = Server({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(Contains(version.output, "kb-server ")) << version.output;
  EXPECT_TRUE(Contains(version.output, "\nallocator: " KB_PROGRAM_ALLOCATOR)) << version.output;
}

TEST_F(KbServerCommandLineTest, BadInputExitsTwoWithTheReason) {
  const std::string db = dir_.Sub("db");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--db", db, "--port", "abc"}, "kb-server: --port: 'abc' is not a number between 0 and 65535"},
      {{"--db", db, "--port=70000"}, "kb-server: --port: '70000' is not a number between 0 and 65535"},
      {{"--db", db, "--threads", "0"}, "kb-server: --threads: '0' is not a number between 1 and 256"},
      {{"--db", db, "--rate-limit", "-1"}, "kb-server: --rate-limit: '-1' is not a number between 0 and 1e+06"},
      {{"--db", db, "--max-query-bytes", "5000"}, "'5000' is not a number between 16 and 4096"},
      {{"--db", db, "--allow-public=maybe"}, "--allow-public: 'maybe' is not a boolean (true or false)"},
      {{"--db", db, "--bogus"}, "kb-server: unknown option '--bogus' (see kb-server --help)"},
      {{"--db", db, "stray"}, "kb-server: unexpected argument 'stray' (see kb-server --help)"},
      {{"--db", db, "--port"}, "kb-server: --port"},
      {{}, "kb-server: no database given"},
      {{"--db", dir_.Sub("missing")}, "database '" + dir_.Sub("missing") + "' does not exist"},
      {{"--db", db, "--host", "0.0.0.0"}, "refusing to listen on 0.0.0.0 without a token"},
  };
  for (const auto& [args, message] : cases) {
    const ProgramRun run = Server(args);
    EXPECT_EQ(run.exit_code, 2) << Joined(args) << run.output;
    EXPECT_TRUE(Contains(run.output, message)) << Joined(args) << "\n" << run.output;
  }
  const ProgramRun env = Server({"--db", db}, {{"KB_THREADS", "-3"}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_TRUE(Contains(env.output, "kb-server: env KB_THREADS: '-3' is not a number between 1 and 256")) << env.output;
}

class KbReportCommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BuildDbFromDir(db(), FixtureDir());
    auto log = UsageLog::Open(log_path());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (const char* query : {"refund failed", "refund failed", "webhook retries", "password reset"}) {
      SearchEvent event;
      event.query = query;  // no results
      (*log)->RecordSearch(std::move(event));
    }
    ASSERT_TRUE((*log)->Flush().ok());
  }

  std::string db() const { return dir_.Sub("db"); }
  std::string log_path() const { return dir_.Sub("usage.sqlite"); }
  ProgramRun Report(const std::vector<std::string>& args) {
    return RunProgram(KB_REPORT_BINARY, args, dir_.Sub("report.log"));
  }
  json ReportJson(const std::vector<std::string>& args) {
    const ProgramRun run = Report(args);
    EXPECT_EQ(run.exit_code, 0) << Joined(args) << run.output;
    return json::parse(run.output, nullptr, false);
  }

  TempDir dir_;
};

TEST_F(KbReportCommandLineTest, InsightsFlags) {
  const json all = ReportJson({"insights", "--log", log_path(), "--db", db(), "--days", "7", "--limit", "2", "--today",
                               Today(), "--format", "json"});
  EXPECT_EQ(all["days"], 7);
  EXPECT_EQ(all["searches"], 4);
  EXPECT_EQ(all["top_queries"].size(), 2u) << "--limit 2";
  EXPECT_GT(all["items"].get<int>(), 0) << "--db";
  EXPECT_EQ(ReportJson({"insights", "--log=" + log_path(), "--limit=1", "--format=json"})["top_queries"].size(), 1u);
  EXPECT_EQ(ReportJson({"insights", "--log", log_path(), "--today", "2020-01-01", "--format", "json"})["searches"], 0)
      << "--today";
  const ProgramRun markdown = Report({"insights", "--log", log_path()});
  EXPECT_EQ(markdown.exit_code, 0);
  EXPECT_TRUE(Contains(markdown.output, "# Knowledge gaps")) << markdown.output;
}

TEST_F(KbReportCommandLineTest, VerifyFlags) {
  const json plan = ReportJson({"verify", "--db", db(), "--owner", "payments-team", "--within", "10", "--limit", "1",
                                "--today", "2040-01-01", "--format", "json"});
  EXPECT_EQ(plan["today"], "2040-01-01");
  EXPECT_EQ(plan["horizon_days"], 10);
  ASSERT_EQ(plan["owners"].size(), 1u) << plan.dump();
  EXPECT_EQ(plan["owners"][0]["owner"], "payments-team");
  EXPECT_EQ(plan["owners"][0]["items"].size(), 1u) << "--limit 1";
  EXPECT_GT(plan["owners"][0]["more"].get<int>(), 0);
  const ProgramRun markdown = Report({"verify", "--db=" + db(), "--within=0", "--today=2030-01-01"});
  EXPECT_EQ(markdown.exit_code, 0);
  EXPECT_TRUE(Contains(markdown.output, "# What to verify next (2030-01-01)")) << markdown.output;
}

TEST_F(KbReportCommandLineTest, HelpExitsZero) {
  const ProgramRun help = Report({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Contains(help.output, "kb-report insights --log PATH"));
  EXPECT_TRUE(Contains(help.output, "Exit codes: 0 ok, 2 usage error, 3"));
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{{"-h"},
                                                                                    {"help"},
                                                                                    {"insights", "--help"},
                                                                                    {"verify", "-h"},
                                                                                    {"insights", "help"},
                                                                                    {"verify", "--limit", "x", "-h"}}) {
    EXPECT_EQ(Report(args).output, help.output) << Joined(args);
  }
}

TEST_F(KbReportCommandLineTest, BadInputExitsTwoAndAnUnreadableIndexThree) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "no command; use insights or verify"},
      {{"frob"}, "unknown command 'frob'; use insights or verify"},
      {{"--log", log_path(), "insights"}, "give the command (insights or verify) before --log"},
      {{"insights", "--bogus", "1"}, "unknown option --bogus for insights"},
      {{"verify", "--db", db(), "--log", log_path()}, "unknown option --log for verify"},
      {{"insights", "--owner", "x", "--log", log_path()}, "unknown option --owner for insights"},
      {{"insights", "--log"}, "--log"},
      {{"insights", "--log", log_path(), "extra"}, "unexpected argument 'extra'"},
      {{"insights"}, "insights needs --log PATH"},
      {{"verify"}, "verify needs --db PATH"},
      {{"insights", "--log", log_path(), "--format", "xml"}, "--format must be markdown or json"},
      {{"insights", "--log", log_path(), "--today", "2020-13-01"}, "--today must be YYYY-MM-DD"},
      {{"insights", "--log", log_path(), "--limit", "0"}, "--limit: '0' is not a number between 1 and 1000"},
      {{"insights", "--log", log_path(), "--limit=1001"}, "--limit: '1001' is not a number between 1 and 1000"},
      {{"insights", "--log", log_path(), "--limit", "abc"}, "--limit: 'abc' is not a number between 1 and 1000"},
      {{"insights", "--log", log_path(), "--limit", " 5"}, "--limit: ' 5' is not a number between 1 and 1000"},
      {{"insights", "--log", log_path(), "--days", "0"}, "--days: '0' is not a number between 1 and 3650"},
      {{"insights", "--log", log_path(), "--days="}, "--days: '' is not a number between 1 and 3650"},
      {{"verify", "--db", db(), "--limit", "-1"}, "--limit: '-1' is not a number between 1 and 1000"},
      {{"verify", "--db", db(), "--within", "-1"}, "--within: '-1' is not a number between 0 and 3650"},
      {{"verify", "--db", db(), "--within", "3651"}, "--within: '3651' is not a number between 0 and 3650"},
  };
  for (const auto& [args, message] : cases) {
    const ProgramRun run = Report(args);
    EXPECT_EQ(run.exit_code, 2) << Joined(args) << "\n" << run.output;
    EXPECT_TRUE(Contains(run.output, "kb-report: " + message)) << Joined(args) << "\n" << run.output;
    EXPECT_TRUE(Contains(run.output, "Run kb-report --help for usage.")) << Joined(args);
  }
  EXPECT_EQ(Report({"verify", "--db", dir_.Sub("missing")}).exit_code, 3);
  EXPECT_EQ(Report({"insights", "--log", dir_.Sub("missing.sqlite")}).exit_code, 3);
}

}  // namespace
}  // namespace kb::testing
