// Operating kb-server: configuration (flags, env, file, validation), the bearer token, rate limits, the
// access log, and a graceful stop on SIGTERM/SIGINT.
#include <gtest/gtest.h>

#include "server_test_util.h"

namespace kb::testing {
namespace {

constexpr const char* kToken = "s3cret-token-for-tests-0123456789";

class ServerOpsTest : public ::testing::Test {
 protected:
  void SetUp() override { BuildDbFromDir(db(), FixtureDir()); }
  std::string db() const { return dir_.Sub("db"); }

  // Runs kb-server to completion (it is expected to exit by itself); returns {exit code, output}.
  std::pair<int, std::string> Run(const std::vector<std::string>& args,
                                  const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv = {KB_SERVER_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string log = dir_.Sub("run-" + std::to_string(++runs_) + ".log");
    Child child;
    EXPECT_TRUE(child.Start(argv, log, env));
    const int code = child.Wait(std::chrono::seconds(20));
    return {code, child.Log()};
  }

  // Starts a server with these args and returns the "threads" of its listening line.
  int ThreadsOf(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    ServerProcess server(dir_.Sub("threads-" + std::to_string(++runs_) + ".log"));
    EXPECT_TRUE(server.Start(args, env));
    int threads = 0;
    for (const json& j : LogLines(server.Log(), "listening")) threads = j.value("threads", 0);
    EXPECT_EQ(server.child().Stop(), 0);
    return threads;
  }

  TempDir dir_;
  int runs_ = 0;
};

TEST_F(ServerOpsTest, HelpAndVersion) {
  auto [code, out] = Run({"--help"});
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("Usage: kb-server --db PATH"), std::string::npos) << out;
  EXPECT_NE(out.find("KB_TOKEN"), std::string::npos) << out;
  auto [vcode, vout] = Run({"--version"});
  EXPECT_EQ(vcode, 0);
  EXPECT_EQ(vout.rfind("kb-server ", 0), 0u) << vout;
}

TEST_F(ServerOpsTest, InvalidConfigurationIsRefusedWithAClearMessage) {
  const std::string conf = dir_.Sub("bad.conf");
  WriteFile(conf, "# comment\nport = 9000\ncolour = blue\n");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "no database given"},
      {{"--db", dir_.Sub("missing")}, "kb-index build"},
      {{"--db", db(), "--port", "abc"}, "--port: 'abc' is not a number between 0 and 65535"},
      {{"--db", db(), "--port", "70000"}, "--port: '70000' is not a number"},
      {{"--db", db(), "--threads", "0"}, "--threads: '0' is not a number between 1 and 256"},
      {{"--db", db(), "--bogus"}, "unknown option '--bogus'"},
      {{"--db", db(), "--port"}, "--port needs a value"},
      {{"--db", db(), "--host", "0.0.0.0"}, "refusing to listen on 0.0.0.0 without a token"},
      {{"--db", db(), "--token", "short"}, "token is too short"},
      {{"--db", db(), "--web-root", dir_.path()}, "is not a directory with index.html"},
      {{"--db", db(), "--config", conf}, "bad.conf:3: unknown setting 'colour'"},
      {{"--db", db(), "--config", dir_.Sub("none.conf")}, "cannot read config file"},
      {{"--db", db(), "--access-log", dir_.Sub("no/such/dir/log")}, "cannot open log file"},
      {{"--db", db(), "--allow-public=maybe"}, "not a boolean"},
  };
  for (const Case& c : cases) {
    auto [code, out] = Run(c.args);
    EXPECT_EQ(code, 2) << out;
    EXPECT_EQ(out.rfind("kb-server: ", 0), 0u) << out;
    EXPECT_NE(out.find(c.message), std::string::npos) << "expected '" << c.message << "' in: " << out;
  }
  auto [env_code, env_out] = Run({}, {{"KB_DB", db()}, {"KB_PORT", "x"}});
  EXPECT_EQ(env_code, 2);
  EXPECT_NE(env_out.find("env KB_PORT: 'x' is not a number"), std::string::npos) << env_out;
}

TEST_F(ServerOpsTest, AnUnreadableIndexFailsAtStart) {
  fs::create_directories(dir_.Sub("not-a-db"));
  auto [code, out] = Run({"--db", dir_.Sub("not-a-db"), "--port", "0"});
  EXPECT_EQ(code, 1) << out;
  EXPECT_EQ(out.rfind("kb-server: ", 0), 0u) << out;
}

TEST_F(ServerOpsTest, ABusyPortFailsAtStart) {
  ServerProcess first(dir_.Sub("first.log"));
  ASSERT_TRUE(first.Start({"--db", db()}));
  auto [code, out] = Run({"--db", db(), "--host", "127.0.0.1", "--port", std::to_string(first.port())});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos) << out;
}

TEST_F(ServerOpsTest, TheWordListsAreLoadedBeforeTheFirstRequest) {
  // The word lists spelling correction checks words against (hunspell-en-us, hunspell-tr) load at start, one per
  // language of the index, and not during a search; the listening line says how many were loaded.
  auto word_lists = [&](const std::string& db, const std::string& name) {
    ServerProcess server(dir_.Sub(name + ".log"));
    EXPECT_TRUE(server.Start({"--db", db}));
    int loaded = -1;
    for (const json& j : LogLines(server.Log(), "listening")) loaded = j.value("word_lists", -1);
    EXPECT_EQ(server.child().Stop(), 0);
    return loaded;
  };
  EXPECT_EQ(word_lists(db(), "english"), 1);
  const std::string turkish = dir_.Sub("turkish-db");
  BuildDbFromDir(turkish, std::string(KB_TEST_DATA) + "/searcher");
  EXPECT_EQ(word_lists(turkish, "turkish"), 2);  // English and Turkish items
}

TEST_F(ServerOpsTest, FlagsWinOverTheFileWhichWinsOverTheEnvironment) {
  const std::string conf = dir_.Sub("kb.conf");
  WriteFile(conf, "db = " + db() + "\nthreads = 5\n");
  const std::map<std::string, std::string> env = {{"KB_THREADS", "3"}, {"KB_DB", dir_.Sub("missing")}};
  EXPECT_EQ(ThreadsOf({"--config", conf, "--threads", "7"}, env), 7);
  EXPECT_EQ(ThreadsOf({"--config", conf}, env), 5);
  EXPECT_EQ(ThreadsOf({"--db", db()}, env), 3);
  EXPECT_EQ(ThreadsOf({}, {{"KB_CONFIG", conf}}), 5);
}

TEST_F(ServerOpsTest, TokenGuardsEveryApiRoute) {
  ServerProcess server(dir_.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", db(), "--token", kToken}));
  auto cli = server.Client();
  for (const char* path : {"/api/search?q=refund", "/api/suggest?q=re", "/api/items/payments/refunds", "/api/nope"}) {
    auto res = cli->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(json::parse(res->body)["error"]["code"], "unauthorized") << path;
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer realm=\"kb\"");
  }
  auto post = cli->Post("/api/feedback", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 401);
  const std::string token = kToken;
  for (const std::string& bad :
       std::vector<std::string>{"Bearer wrong", "Bearer ", "Basic " + token, "Bearer " + token + "x", token}) {
    auto res = cli->Get("/api/search?q=refund", {{"Authorization", bad}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << bad;
  }
  for (const std::string& good : std::vector<std::string>{"Bearer " + token, "bearer " + token}) {
    auto res = cli->Get("/api/search?q=refund", {{"Authorization", good}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << good;
  }
  // The page, health and metrics stay open (the page asks for the token when /api answers 401).
  for (const char* path : {"/", "/app.js", "/healthz", "/readyz", "/metrics", "/openapi.json"}) {
    auto res = cli->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path;
  }
  EXPECT_EQ(server.Log().find(kToken), std::string::npos) << "the token never reaches the log";
}

TEST_F(ServerOpsTest, TokenFromTheEnvironment) {
  ServerProcess server(dir_.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", db()}, {{"KB_TOKEN", kToken}}));
  auto res = server.Client()->Get("/api/search?q=refund");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  for (const json& j : LogLines(server.Log(), "listening")) EXPECT_EQ(j["auth"], "bearer");
}

TEST_F(ServerOpsTest, RateLimitAnswers429) {
  ServerProcess server(dir_.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", db(), "--rate-limit", "2", "--rate-burst", "5"}));
  auto cli = server.Client();
  int ok = 0, limited = 0;
  for (int i = 0; i < 20; ++i) {
    auto res = cli->Get("/api/search?q=refund");
    ASSERT_TRUE(res);
    if (res->status == 200) ++ok;
    if (res->status == 429) {
      ++limited;
      EXPECT_EQ(res->get_header_value("Retry-After"), "1");
      EXPECT_EQ(json::parse(res->body)["error"]["code"], "rate_limited");
    }
  }
  EXPECT_GE(ok, 5);
  EXPECT_LE(ok, 8);
  EXPECT_EQ(ok + limited, 20);
  auto health = cli->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << "only /api is limited";
}

TEST_F(ServerOpsTest, AccessLogToAFile) {
  const std::string access = dir_.Sub("access.log");
  ServerProcess server(dir_.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", db(), "--access-log", access}));
  auto cli = server.Client();
  ASSERT_TRUE(cli->Get("/api/search?q=refund"));
  ASSERT_TRUE(cli->Get("/api/items/nope"));
  // Each line is written after its response: wait for both.
  std::vector<json> lines;
  ASSERT_TRUE(WaitFor([&] { return (lines = LogLines(ReadFile(access))).size() >= 2; }, std::chrono::seconds(10),
                      "two access log lines"))
      << ReadFile(access);
  ASSERT_EQ(lines.size(), 2u) << ReadFile(access);
  // Each line is written after its response, by the worker that served it: the order may differ.
  std::map<std::string, int> status;
  for (const json& line : lines) status[line["route"]] = line["status"];
  EXPECT_EQ(status["/api/search"], 200);
  EXPECT_EQ(status["/api/items/{id}"], 404);
  EXPECT_EQ(server.Log().find("\"type\":\"access\""), std::string::npos) << "access lines go to the file only";
}

// A request whose body is still arriving when SIGTERM comes is answered before the process exits.
TEST_F(ServerOpsTest, SigtermLetsRequestsInFlightFinish) {
  ServerProcess server(dir_.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", db(), "--keep-alive", "1"}));
  const std::string body = R"({"kind":"no_answer","query":"in flight"})";
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string head =
      "POST /api/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  const std::string first = head + body.substr(0, 10);
  ASSERT_EQ(::send(fd, first.data(), first.size(), MSG_NOSIGNAL), static_cast<ssize_t>(first.size()));
  // The request is in flight once the server has accepted the connection and read what was sent.
  ASSERT_TRUE(WaitFor([&] { return ServerHasRead(fd); }, std::chrono::seconds(10),
                      "the server to read the start of the request"));
  ASSERT_EQ(::kill(server.child().pid(), SIGTERM), 0);
  ASSERT_TRUE(WaitFor([&] { return !LogLines(server.Log(), "stopping: finishing requests in flight").empty(); },
                      std::chrono::seconds(10), "the server to begin stopping"))
      << server.Log();
  EXPECT_TRUE(server.child().running()) << "waits for the request in flight";
  const std::string rest = body.substr(10);
  ASSERT_EQ(::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL), static_cast<ssize_t>(rest.size()));
  std::string response;
  char buf[4096];
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  EXPECT_EQ(RawStatus(response), 202) << response;
  EXPECT_NE(response.find("\"recorded\":true"), std::string::npos) << response;
  EXPECT_EQ(server.child().Wait(std::chrono::seconds(10)), 0) << server.Log();
  EXPECT_EQ(LogLines(server.Log(), "stopping: finishing requests in flight").size(), 1u) << server.Log();
  EXPECT_EQ(LogLines(server.Log(), "stopped").size(), 1u) << server.Log();
}

TEST_F(ServerOpsTest, SigintStopsPromptlyWithIdleKeepAliveClients) {
  ServerProcess server(dir_.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", db(), "--keep-alive", "1"}));
  auto cli = server.Client();
  cli->set_keep_alive(true);
  ASSERT_TRUE(cli->Get("/healthz"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.child().Stop(SIGINT, std::chrono::seconds(10)), 0) << server.Log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_FALSE(cli->Get("/healthz")) << "no longer accepting";
}

}  // namespace
}  // namespace kb::testing
