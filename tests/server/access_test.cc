// Who may see what, through the real server: scoped tokens from a tokens file (reloaded without a restart),
// the identity a trusted proxy sets, /metrics, the access log (labels, never tokens) and the masking of
// customer text in the usage log (read back from its SQLite file).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

#include "server_test_util.h"

namespace kb::testing {
namespace {

constexpr const char* kSearchToken = "search-token-0123456789abcdef";
constexpr const char* kInsightsToken = "insights-token-0123456789abcdef";
constexpr const char* kEventsToken = "events-token-0123456789abcdef";
constexpr const char* kAdminToken = "admin-token-0123456789abcdef";
constexpr const char* kHashedToken = "hashed-token-0123456789abcdef";
constexpr const char* kUnknownToken = "unknown-token-0123456789abcdef";

std::string Sha256Hex(const std::string& s) {
  unsigned char d[32];
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), d, &n, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", d[i]);
    hex += buf;
  }
  return hex;
}

// Every row of the first column of `sql`.
std::vector<std::string> SqlColumn(const std::string& path, const char* sql) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(stmt, 0);
        out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

std::string AllTokensFile() {
  // Laid out as the file is: one line of it per source line, its columns aligned.
  // clang-format off
  return std::string("# label      token                                   scopes\n") +
         "search-bot   " + kSearchToken + "   search\n" +
         "gaps-reader  " + kInsightsToken + "   insights   # the support leads' report\n" +
         "\n"
         "web-events   " + kEventsToken + "   events\n" +
         "grafana      " + kAdminToken + "   admin\n" +
         "hashed-bot   sha256:" + Sha256Hex(kHashedToken) + "   search,events\n" +
         "@user:ana              search\n"
         "@group:support-leads   insights,search\n";
  // clang-format on
}

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override { BuildDbFromDir(dir_.Sub("db"), FixtureDir()); }

  ::testing::AssertionResult Start(std::vector<std::string> extra) {
    server_ = std::make_unique<ServerProcess>(dir_.Sub("server-" + std::to_string(++starts_) + ".log"));
    std::vector<std::string> args = {"--db",         dir_.Sub("db"), "--threads",   "4",
                                     "--access-log", access_log(),   "--usage-log", usage_log()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto started = server_->Start(args);
    if (started) cli_ = server_->Client();
    return started;
  }

  std::string tokens() const { return dir_.Sub("tokens"); }
  std::string access_log() const { return dir_.Sub("access.log"); }
  std::string usage_log() const { return dir_.Sub("usage.sqlite"); }

  httplib::Headers Bearer(const std::string& token, httplib::Headers h = {}) {
    h.emplace("Authorization", "Bearer " + token);
    return h;
  }

  int Get(const std::string& path, const httplib::Headers& headers = {}, json* body = nullptr) {
    auto res = cli_->Get(path, headers);
    if (!res) return 0;
    if (body) *body = json::parse(res->body, nullptr, false);
    return res->status;
  }

  int Post(const std::string& path, const json& body, const httplib::Headers& headers = {}) {
    auto res = cli_->Post(path, headers, body.dump(), "application/json");
    return res ? res->status : 0;
  }

  TempDir dir_;
  int starts_ = 0;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> cli_;
};

TEST_F(AccessTest, EachTokenReachesOnlyItsScopes) {
  WriteFile(tokens(), AllTokensFile());
  ASSERT_TRUE(Start({"--tokens-file", tokens()}));
  json body;
  EXPECT_EQ(Get("/api/search?q=refund", Bearer(kSearchToken)), 200);
  EXPECT_EQ(Get("/api/suggest?q=ref", Bearer(kSearchToken)), 200);
  EXPECT_EQ(Get("/api/items/payments/refunds", Bearer(kSearchToken)), 200);
  EXPECT_EQ(Get("/api/insights", Bearer(kSearchToken), &body), 403);
  EXPECT_EQ(body["error"]["code"], "forbidden");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("insights"), std::string::npos) << body.dump();
  EXPECT_EQ(Get("/api/verification", Bearer(kSearchToken)), 403);
  EXPECT_EQ(Post("/api/events", {{"type", "kb_lacks"}, {"query", "x"}}, Bearer(kSearchToken)), 403);

  EXPECT_EQ(Get("/api/insights?days=1", Bearer(kInsightsToken), &body), 200);
  EXPECT_TRUE(body.contains("no_result_queries")) << body.dump();
  EXPECT_EQ(Get("/api/verification", Bearer(kInsightsToken)), 200);
  EXPECT_EQ(Get("/api/search?q=refund", Bearer(kInsightsToken)), 403);

  EXPECT_EQ(Post("/api/events", {{"type", "kb_lacks"}, {"query", "x"}}, Bearer(kEventsToken)), 202);
  EXPECT_EQ(Post("/api/feedback", {{"kind", "no_answer"}, {"query", "x"}}, Bearer(kEventsToken)), 202);
  EXPECT_EQ(Get("/api/search?q=refund", Bearer(kHashedToken)), 200) << "sha256: entries take the token itself";
  EXPECT_EQ(Get("/api/search?q=refund", Bearer(Sha256Hex(kHashedToken))), 401) << "the hash is not a token";

  for (const httplib::Headers& h : {httplib::Headers{}, Bearer(kUnknownToken), Bearer(""),
                                    httplib::Headers{{"Authorization", std::string("Basic ") + kSearchToken}}}) {
    EXPECT_EQ(Get("/api/search?q=refund", h, &body), 401);
    EXPECT_EQ(body["error"]["code"], "unauthorized");
  }
  EXPECT_EQ(Get("/api/whoami", Bearer(kSearchToken), &body), 200);
  EXPECT_EQ(body["auth"], "token");
  EXPECT_EQ(body["label"], "search-bot");
  EXPECT_EQ(body["scopes"], json::array({"search"}));
  EXPECT_EQ(Get("/api/whoami"), 401);

  // /metrics: open to a scraper on this host; relayed (X-Forwarded-For) it needs the admin scope.
  const httplib::Headers relayed = {{"X-Forwarded-For", "203.0.113.9"}};
  EXPECT_EQ(Get("/metrics"), 200);
  EXPECT_EQ(Get("/metrics", relayed), 401);
  EXPECT_EQ(Get("/metrics", Bearer(kSearchToken, relayed)), 403);
  EXPECT_EQ(Get("/metrics", Bearer(kAdminToken, relayed)), 200);
  EXPECT_EQ(Get("/healthz", relayed), 200);
  EXPECT_EQ(Get("/", relayed), 200);
}

TEST_F(AccessTest, AccessLogNamesLabelsAndNeverATokenOrThePersonalData) {
  WriteFile(tokens(), AllTokensFile());
  ASSERT_TRUE(Start({"--tokens-file", tokens(), "--user-header", "X-Forwarded-User"}));
  ASSERT_EQ(Get("/api/search?q=refund", Bearer(kSearchToken)), 200);
  ASSERT_EQ(Get("/api/search?q=refund", Bearer(kHashedToken)), 200);
  ASSERT_EQ(Get("/api/insights", Bearer(kSearchToken)), 403);
  ASSERT_EQ(Get("/api/search?q=refund", Bearer(kUnknownToken)), 401);
  ASSERT_EQ(Get("/api/search?q=refund", {{"X-Forwarded-User", "ana"}}), 200);
  // The logger writes after the response: wait for all five lines.
  std::vector<json> lines;
  ASSERT_TRUE(WaitFor([&] { return (lines = LogLines(ReadFile(access_log()))).size() >= 5; }, std::chrono::seconds(10),
                      "five access log lines"))
      << ReadFile(access_log());
  ASSERT_EQ(lines.size(), 5u) << ReadFile(access_log());
  std::vector<std::string> who;
  for (const json& j : lines) who.push_back(j.value("auth", "?"));
  // Lines are written after each response, so two requests in a row may log in either order.
  std::sort(who.begin(), who.end());
  EXPECT_EQ(who, (std::vector<std::string>{"", "hashed-bot", "search-bot", "search-bot", "user:ana"}));
  const std::string all_logs = ReadFile(access_log()) + server_->Log();
  for (const char* token : {kSearchToken, kHashedToken, kUnknownToken, kInsightsToken, kAdminToken}) {
    EXPECT_EQ(all_logs.find(token), std::string::npos) << "a token reached a log: " << token;
  }
}

TEST_F(AccessTest, RevokedTokenStopsWorkingWithoutARestart) {
  WriteFile(tokens(), AllTokensFile());
  ASSERT_TRUE(Start({"--tokens-file", tokens()}));
  const pid_t pid = server_->child().pid();
  ASSERT_EQ(Get("/api/search?q=refund", Bearer(kSearchToken)), 200);

  // Revoke search-bot; the edit is in place (same inode), as an editor or `sed -i` would leave it.
  std::string without = AllTokensFile();
  without.erase(without.find("search-bot"),
                without.find('\n', without.find("search-bot")) + 1 - without.find("search-bot"));
  WriteFile(tokens(), without);
  // The file is re-read within a second of a change (README); 2 s is that promise with room for a loaded machine.
  EXPECT_TRUE(WaitFor([&] { return Get("/api/search?q=refund", Bearer(kSearchToken)) == 401; }, std::chrono::seconds(2),
                      "the revoked token to stop working"));
  EXPECT_EQ(Get("/api/search?q=refund", Bearer(kHashedToken)), 200) << "the other tokens stay";

  // A new token, by replacing the file (new inode), works without a restart too.
  const std::string added = without + "late-bot new-token-0123456789abcdef search\n";
  WriteFile(tokens() + ".new", added);
  ASSERT_EQ(std::rename((tokens() + ".new").c_str(), tokens().c_str()), 0);
  EXPECT_TRUE(WaitFor([&] { return Get("/api/search?q=refund", Bearer("new-token-0123456789abcdef")) == 200; },
                      std::chrono::seconds(2), "the added token to work"));

  // A broken file keeps the tokens loaded before and says why, with path:line.
  WriteFile(tokens(), without + "oops-no-scopes " + kSearchToken + "\n");
  EXPECT_TRUE(WaitFor([&] { return server_->Log().find("keeping the tokens loaded before") != std::string::npos; },
                      std::chrono::seconds(5), "the broken file to be reported"))
      << server_->Log();
  EXPECT_NE(server_->Log().find(tokens() + ":"), std::string::npos) << server_->Log();
  EXPECT_EQ(Get("/api/search?q=refund", Bearer("new-token-0123456789abcdef")), 200);
  EXPECT_EQ(Get("/api/search?q=refund", Bearer(kSearchToken)), 401);
  EXPECT_EQ(server_->child().pid(), pid);
  EXPECT_TRUE(server_->child().running());
}

TEST_F(AccessTest, BrokenTokensFileIsAStartupErrorWithPathAndLine) {
  WriteFile(tokens(), "# tokens\nok-bot ok-token-0123456789abcdef search\nbad-bot short search\n");
  ServerProcess server(dir_.Sub("bad.log"));
  Child& child = server.child();
  ASSERT_TRUE(child.Start({KB_SERVER_BINARY, "--db", dir_.Sub("db"), "--port", "0", "--tokens-file", tokens()},
                          dir_.Sub("bad.log")));
  EXPECT_EQ(child.Wait(std::chrono::seconds(20)), 2);
  EXPECT_NE(child.Log().find(tokens() + ":3: token of 'bad-bot' is too short"), std::string::npos) << child.Log();

  WriteFile(tokens(), "bot tok-0123456789abcdef-0123 search,write\n");
  ASSERT_TRUE(child.Start({KB_SERVER_BINARY, "--db", dir_.Sub("db"), "--port", "0", "--tokens-file", tokens()},
                          dir_.Sub("bad2.log")));
  EXPECT_EQ(child.Wait(std::chrono::seconds(20)), 2);
  EXPECT_NE(child.Log().find(":1: unknown scope list 'search,write'"), std::string::npos) << child.Log();
}

TEST_F(AccessTest, SingleTokenStillHasEveryScope) {
  ASSERT_TRUE(Start({"--token", kAdminToken}));
  json body;
  EXPECT_EQ(Get("/api/search?q=refund", Bearer(kAdminToken)), 200);
  EXPECT_EQ(Get("/api/insights", Bearer(kAdminToken)), 200);
  EXPECT_EQ(Post("/api/events", {{"type", "kb_lacks"}, {"query", "x"}}, Bearer(kAdminToken)), 202);
  EXPECT_EQ(Get("/api/whoami", Bearer(kAdminToken), &body), 200);
  EXPECT_EQ(body["label"], "token");
  EXPECT_EQ(body["scopes"], json::array({"search", "assist", "insights", "events", "admin"}));
}

TEST_F(AccessTest, TrustedProxyIdentityMapsUsersAndGroupsAndIsRecorded) {
  WriteFile(tokens(), AllTokensFile());
  ASSERT_TRUE(Start({"--tokens-file", tokens(), "--user-header", "X-Forwarded-User", "--group-header",
                     "X-Forwarded-Groups"}));  // trusted proxy: loopback, the default
  const httplib::Headers ana = {{"X-Forwarded-User", "ana"}, {"X-KB-User", "mallory"}};
  const httplib::Headers lead = {{"X-Forwarded-User", "bo"}, {"X-Forwarded-Groups", "staff, support-leads"}};
  const httplib::Headers nobody = {{"X-Forwarded-User", "carl"}, {"X-Forwarded-Groups", "staff"}};
  json body;
  EXPECT_EQ(Get("/api/search?q=refund", ana), 200);
  EXPECT_EQ(Get("/api/insights", ana), 403);
  EXPECT_EQ(Get("/api/insights?days=1", lead), 200);
  EXPECT_EQ(Get("/api/search?q=refund", lead), 200);
  EXPECT_EQ(Get("/api/search?q=refund", nobody, &body), 403) << "known to the proxy, granted nothing";
  EXPECT_EQ(Get("/api/whoami", lead, &body), 200);
  EXPECT_EQ(body["auth"], "proxy");
  EXPECT_EQ(body["user"], "bo");
  EXPECT_EQ(body["scopes"], json::array({"search", "insights"}));
  // The body's "user" cannot override the proxy's either.
  EXPECT_EQ(Post("/api/events", {{"type", "kb_lacks"}, {"query", "y"}, {"user", "mallory"}},
                 Bearer(kEventsToken, {{"X-Forwarded-User", "ana"}})),
            202);
  EXPECT_EQ(Get("/api/insights?days=1", lead), 200);  // flushes the usage log
  EXPECT_EQ(SqlColumn(usage_log(), "SELECT user FROM searches ORDER BY id"), (std::vector<std::string>{"ana", "bo"}));
  EXPECT_EQ(SqlColumn(usage_log(), "SELECT user FROM feedback"), (std::vector<std::string>{"ana"}));
}

TEST_F(AccessTest, IdentityHeaderFromAnUntrustedPeerIsIgnored) {
  WriteFile(tokens(), AllTokensFile());
  // The server is reached over loopback, which 10.0.0.0/8 does not include: the peer is untrusted.
  ASSERT_TRUE(Start({"--tokens-file", tokens(), "--user-header", "X-Forwarded-User", "--group-header",
                     "X-Forwarded-Groups", "--trusted-proxy", "10.0.0.0/8"}));
  const httplib::Headers forged = {{"X-Forwarded-User", "ana"}, {"X-Forwarded-Groups", "support-leads"}};
  json body;
  EXPECT_EQ(Get("/api/search?q=refund", forged), 401);
  EXPECT_EQ(Get("/api/insights", forged), 401);
  EXPECT_EQ(Get("/api/whoami", Bearer(kSearchToken, forged), &body), 200);
  EXPECT_EQ(body["user"], "") << body.dump();
  EXPECT_EQ(Get("/api/insights", Bearer(kSearchToken, forged)), 403) << "forged groups add no scope";

  // Without tokens the header still cannot name the user in the usage log: X-KB-User is recorded.
  ASSERT_TRUE(Start({"--user-header", "X-Forwarded-User", "--trusted-proxy", "10.0.0.0/8"}));
  EXPECT_EQ(Get("/api/search?q=refund", {{"X-Forwarded-User", "ana"}, {"X-KB-User", "kb-user-1"}}), 200);
  EXPECT_EQ(Get("/api/insights?days=1"), 200);
  EXPECT_EQ(SqlColumn(usage_log(), "SELECT user FROM searches ORDER BY id DESC LIMIT 1"),
            (std::vector<std::string>{"kb-user-1"}));
}

TEST_F(AccessTest, PastedCustomerMessageIsStoredMasked) {
  ASSERT_TRUE(Start({"--mask-pattern", "pay_[A-Za-z0-9]+"}));
  const std::string pasted =
      "Hi Ana, my card 4111 1111 1111 1111 was declined for order 8812 on 2026-11-23, payment pay_Q7d9x2. "
      "Refund to GB82 WEST 1234 5698 7654 32 or call me on 0532 123 45 67. Thanks, Maria Souza";
  json found;
  ASSERT_EQ(Get("/api/search?q=" + httplib::detail::encode_query_param(pasted), {}, &found), 200);
  ASSERT_FALSE(found["results"].empty());
  const json& top = found["results"][0];  // what the message matched: the insights' topic
  ASSERT_EQ(Post("/api/events", {{"type", "kb_lacks"}, {"query", pasted}, {"comment", pasted}}), 202);
  ASSERT_EQ(Post("/api/feedback", {{"kind", "no_answer"}, {"query", pasted}, {"comment", pasted}}), 202);
  ASSERT_EQ(Get("/api/insights?days=1"), 200);  // flushes the usage log

  std::vector<std::string> stored = SqlColumn(usage_log(), "SELECT query FROM searches");
  for (const std::string& s : SqlColumn(usage_log(), "SELECT query FROM feedback")) stored.push_back(s);
  for (const std::string& s : SqlColumn(usage_log(), "SELECT comment FROM feedback")) stored.push_back(s);
  ASSERT_EQ(stored.size(), 5u);
  const std::string expected =
      "Hi <name>, my card <card> was declined for order 8812 on 2026-11-23, payment <id>. "
      "Refund to <iban> or call me on <phone>. Thanks, <name>";
  for (const std::string& s : stored) EXPECT_EQ(s, expected);
  // Insights name the pasted message by the item it matched, with a short masked excerpt.
  json in;
  ASSERT_EQ(Get("/api/insights?days=1", {}, &in), 200);
  ASSERT_EQ(in["top_queries"].size(), 1u) << in.dump(2);
  const json& g = in["top_queries"][0];
  EXPECT_TRUE(g["pasted"].get<bool>());
  EXPECT_EQ(g["topic_id"], top["id"]) << g.dump(2);
  EXPECT_EQ(g["topic"], top["title"]);
  const std::string excerpt = g["query"];
  EXPECT_EQ(excerpt, "Hi <name>, my card <card> was declined for order 8812 on 2026-11-23, payment…");
  for (const json& e : g["examples"]) EXPECT_LE(e["query"].get<std::string>().size(), 80u + 3) << e.dump();
  EXPECT_LE(g["key"].get<std::string>().size(), 80u + 3);
  ASSERT_FALSE(in["gap_reports"].empty());
  EXPECT_TRUE(in["gap_reports"][0]["pasted"].get<bool>());
  for (const json& c : in["gap_reports"][0]["comments"]) EXPECT_LE(c.get<std::string>().size(), 80u + 3);
  auto md = cli_->Get("/api/insights?days=1&format=markdown");
  ASSERT_TRUE(md);
  EXPECT_NE(md->body.find("pasted message about **" + top["title"].get<std::string>() + "**"), std::string::npos)
      << md->body;
  EXPECT_EQ(md->body.find("Thanks, <name>"), std::string::npos) << "only the excerpt, never the whole message";

  // Nor does the server's own log keep them (the feedback route logs what it received).
  const std::string log = server_->Log();
  for (const char* raw : {"Ana", "4111 1111", "GB82", "0532", "pay_Q7d9x2", "Maria"}) {
    EXPECT_EQ(log.find(raw), std::string::npos) << raw;
  }
}

}  // namespace
}  // namespace kb::testing
