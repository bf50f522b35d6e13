// POST /api/assist and POST /slack/commands through the real kb-server, over an index that kb::BuildIndex
// made from tests/data/assist (so the owners registry travels in the index as it does in production).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>

#include "server_test_util.h"

namespace kb::testing {
namespace {

constexpr const char* kAssistToken = "assist-token-0123456789abcdef";
constexpr const char* kSearchToken = "search-token-0123456789abcdef";
constexpr const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";

std::string SlackSignature(const std::string& secret, const std::string& timestamp, const std::string& body) {
  const std::string base = "v0:" + timestamp + ":" + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac, &len);
  std::string hex = "v0=";
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    hex += buf;
  }
  return hex;
}

std::string FormEncode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string SlackBody(const std::string& text) {
  return "token=legacy&team_id=T1&team_domain=acme&channel_id=C1&channel_name=support&user_id=U1&user_name=sam"
         "&command=%2Fkb&text=" +
         FormEncode(text) +
         "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1"
         "&trigger_id=1.2.3";
}

std::string Now(long offset = 0) { return std::to_string(static_cast<long>(std::time(nullptr)) + offset); }

class AssistTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    Result<Source> source = LoadSource(std::string(KB_TEST_DATA) + "/assist");
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    IndexerOptions options;
    options.db_path = dir_->Sub("db");
    Result<IndexSummary> built = BuildIndex({*source}, options);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    WriteFile(dir_->Sub("tokens"),
              std::string("assist-bot ") + kAssistToken + " assist,search\nsearch-bot " + kSearchToken + " search\n");
    WriteFile(dir_->Sub("slack-secret"), std::string(kSecret) + "\n");
    server_ = new ServerProcess(dir_->Sub("server.log"));
    ASSERT_TRUE(server_->Start({"--db", dir_->Sub("db"), "--threads", "4", "--access-log", "off", "--usage-log", "off",
                                "--tokens-file", dir_->Sub("tokens"), "--slack-signing-secret-file",
                                dir_->Sub("slack-secret"), "--public-url", "https://kb.example.com/"}));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    if (server_ == nullptr || server_->port() == 0) GTEST_FAIL() << "server did not start";
    cli_ = server_->Client();
  }

  json Assist(const json& body, int expect = 200, const char* token = kAssistToken) {
    httplib::Headers headers = {{"Authorization", std::string("Bearer ") + token}};
    auto res = cli_->Post("/api/assist", headers, body.dump(), "application/json");
    EXPECT_TRUE(res) << "no response";
    if (!res) return json();
    EXPECT_EQ(res->status, expect) << res->body;
    return json::parse(res->body, nullptr, false);
  }

  httplib::Result Slack(const std::string& body, httplib::Headers headers) {
    return cli_->Post("/slack/commands", headers, body, "application/x-www-form-urlencoded");
  }
  httplib::Result SignedSlack(const std::string& body, const std::string& secret = kSecret, long offset = 0) {
    const std::string ts = Now(offset);
    return Slack(body, {{"X-Slack-Request-Timestamp", ts}, {"X-Slack-Signature", SlackSignature(secret, ts, body)}});
  }

  static TempDir* dir_;
  static ServerProcess* server_;
  std::unique_ptr<httplib::Client> cli_;
};
TempDir* AssistTest::dir_ = nullptr;
ServerProcess* AssistTest::server_ = nullptr;

const char kTicket[] =
    "Hi, I'm Ana from Acme.\n\nSince this morning our checkout fails with ERR_CARD_DECLINED for payment "
    "pay_3Fk9Qm2Lx. The customer says the card works elsewhere. What can we tell them?\n";

TEST_F(AssistTest, TicketGetsArticleFilledAnswerAndContact) {
  json r = Assist({{"text", kTicket}, {"subject", "Checkout declined"}, {"agent", "Sam"}});
  EXPECT_EQ(r["language"], "en");
  EXPECT_EQ(r["signals"]["error_codes"], json::array({"ERR_CARD_DECLINED"}));
  EXPECT_EQ(r["signals"]["identifiers"], json::array({"pay_3Fk9Qm2Lx"}));
  EXPECT_EQ(r["article"]["id"], "payments/declined-cards");
  EXPECT_TRUE(r["article"]["section"].contains("anchor"));
  const json& a = r["answer"];
  EXPECT_EQ(a["id"], "payments/answers/card-declined");
  EXPECT_EQ(a["values"]["customer_name"], json({{"value", "Ana"}, {"from", "greeting"}}));
  EXPECT_EQ(a["values"]["payment_id"], json({{"value", "pay_3Fk9Qm2Lx"}, {"from", "pattern"}}));
  EXPECT_EQ(a["values"]["agent_name"], json({{"value", "Sam"}, {"from", "agent"}}));
  EXPECT_EQ(a["missing"], json::array({"decline_reason"}));
  const std::string text = a["text"];
  EXPECT_EQ(text.rfind("Hi Ana,", 0), 0u) << text;
  EXPECT_NE(text.find("payment pay_3Fk9Qm2Lx:"), std::string::npos) << text;
  EXPECT_NE(text.find("{{decline_reason}}"), std::string::npos) << text;
  EXPECT_EQ(text.find("When to use"), std::string::npos) << text;  // only the part sent to the customer
  EXPECT_EQ(r["escalation"]["owner"], "payments-team");
  EXPECT_EQ(r["escalation"]["contact"], "#payments-support, mention @payments-l2");
  EXPECT_EQ(r["escalation"]["hours"], "Mon-Fri 08:00-18:00 CET");
  EXPECT_EQ(r["escalation"]["tier"], "L1");
  EXPECT_EQ(r["escalation"]["note"]["text"],
            "Escalating to Payments: ERR_CARD_DECLINED on pay_3Fk9Qm2Lx (Declined cards) for Ana.");
  for (const json& hit : r["results"]) {
    EXPECT_NE(hit["id"], r["article"]["id"]);
    EXPECT_NE(hit["id"], a["id"]);
    EXPECT_TRUE(hit.contains("escalation"));
  }
}

TEST_F(AssistTest, TicketWithoutANameFillsNoName) {
  json r = Assist({{"text", "Hi team,\nI'm getting ERR_CARD_DECLINED on pay_3Fk9Qm2Lx, please help.\nThanks!"}});
  const json& a = r["answer"];
  EXPECT_EQ(a["id"], "payments/answers/card-declined");
  EXPECT_FALSE(a["values"].contains("customer_name")) << a.dump();
  EXPECT_FALSE(a["values"].contains("agent_name")) << a.dump();
  EXPECT_EQ(a["missing"], json::array({"customer_name", "decline_reason", "agent_name"}));
  EXPECT_NE(a["text"].get<std::string>().find("Hi {{customer_name}},"), std::string::npos);
}

TEST_F(AssistTest, NameFromTheFromFieldOrTheSignature) {
  json r = Assist({{"text", "Payments fail with ERR_CARD_DECLINED."}, {"from", "Ana Souza <ana@example.com>"}});
  EXPECT_EQ(r["answer"]["values"]["customer_name"], json({{"value", "Ana"}, {"from", "from_header"}}));
  r = Assist({{"text", "Payments fail with ERR_CARD_DECLINED.\n\nBest regards,\nBruno Lima\nAcme"},
              {"from", "ana@example.com"}});
  EXPECT_EQ(r["answer"]["values"]["customer_name"], json({{"value", "Bruno"}, {"from", "signature"}}));
}

TEST_F(AssistTest, OtherTeamsContactFollowsTheArticle) {
  json r = Assist({{"text", "Our payment pay_9Hh2Kk1Ll was blocked: ERR_FRAUD_BLOCKED. Can you review it?"}});
  EXPECT_EQ(r["article"]["id"], "payments/fraud-blocks");
  EXPECT_EQ(r["escalation"]["owner"], "risk-team");
  EXPECT_EQ(r["escalation"]["contact"], "PagerDuty: risk-primary");  // no contact: the on-call
  EXPECT_EQ(r["escalation"]["tier"], "L2");
}

TEST_F(AssistTest, NeedsTheAssistScopeAndValidInput) {
  Assist({{"text", kTicket}}, 403, kSearchToken);
  auto none = cli_->Post("/api/assist", json({{"text", kTicket}}).dump(), "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  Assist({{"subject", "no text"}}, 400);
  Assist({{"text", "   "}}, 400);
  Assist({{"text", 42}}, 400);
  Assist({{"text", "x"}, {"lang", "english"}}, 400);
  Assist({{"text", std::string(20000, 'a')}}, 400);
  httplib::Headers headers = {{"Authorization", std::string("Bearer ") + kAssistToken}};
  auto bad = cli_->Post("/api/assist", headers, "{not json", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  // A ticket nothing matches still answers, with nulls.
  json r = Assist({{"text", "zzqx wvvy"}});
  EXPECT_TRUE(r["article"].is_null());
  EXPECT_TRUE(r["answer"].is_null());
}

TEST_F(AssistTest, SearchResultsAndItemViewShowTheContact) {
  httplib::Headers headers = {{"Authorization", std::string("Bearer ") + kSearchToken}};
  auto res = cli_->Get("/api/search?q=ERR_FRAUD_BLOCKED", headers);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json j = json::parse(res->body);
  ASSERT_FALSE(j["results"].empty());
  EXPECT_EQ(j["results"][0]["escalation"]["contact"], "PagerDuty: risk-primary");
  EXPECT_EQ(j["results"][0]["escalation"]["team"], "Risk");
  auto item = cli_->Get("/api/items/payments/declined-cards", headers);
  ASSERT_TRUE(item);
  ASSERT_EQ(item->status, 200);
  EXPECT_EQ(json::parse(item->body)["escalation"]["contact"], "#payments-support, mention @payments-l2");
}

// Block Kit as documented (api.slack.com/reference/block-kit/blocks): `blocks` is an array of objects with
// a `type`; section text is a mrkdwn or plain_text object of at most 3,000 characters; context has elements.
void ExpectBlockKit(const json& j) {
  ASSERT_TRUE(j.is_object()) << j;
  EXPECT_TRUE(j["response_type"] == "ephemeral" || j["response_type"] == "in_channel");
  EXPECT_TRUE(j["text"].is_string());
  ASSERT_TRUE(j["blocks"].is_array());
  EXPECT_FALSE(j["blocks"].empty());
  EXPECT_LE(j["blocks"].size(), 50u);
  for (const json& b : j["blocks"]) {
    ASSERT_TRUE(b["type"].is_string()) << b;
    if (b["type"] == "section") {
      EXPECT_EQ(b["text"]["type"], "mrkdwn");
      EXPECT_LE(b["text"]["text"].get<std::string>().size(), 3000u);
    } else {
      EXPECT_EQ(b["type"], "context") << b;
      ASSERT_TRUE(b["elements"].is_array());
      EXPECT_LE(b["elements"].size(), 10u);
      for (const json& e : b["elements"]) EXPECT_EQ(e["type"], "mrkdwn");
    }
  }
}

TEST_F(AssistTest, SlackSearchAnswersWithBlockKit) {
  auto res = SignedSlack(SlackBody("card declined"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json j = json::parse(res->body);
  ExpectBlockKit(j);
  EXPECT_EQ(j["response_type"], "ephemeral");
  EXPECT_LE(j["blocks"].size(), 4u);  // a heading and the top 3
  const std::string all = j["blocks"].dump();
  EXPECT_NE(all.find("<https://kb.example.com/#item=payments/declined-cards"), std::string::npos) << all;
  EXPECT_NE(all.find("owner: payments-team"), std::string::npos) << all;
  EXPECT_NE(all.find("tier: L1"), std::string::npos) << all;
  EXPECT_NE(all.find("contact: #payments-support"), std::string::npos) << all;

  auto shared = SignedSlack(SlackBody("share card declined"));
  ASSERT_TRUE(shared);
  EXPECT_EQ(json::parse(shared->body)["response_type"], "in_channel");
}

TEST_F(AssistTest, SlackAssistGivesTheFilledReplyAndWhatIsMissing) {
  auto res = SignedSlack(SlackBody(std::string("assist ") + kTicket));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json j = json::parse(res->body);
  ExpectBlockKit(j);
  const std::string all = j["blocks"].dump();
  EXPECT_NE(all.find("```Hi Ana,"), std::string::npos) << all;
  EXPECT_NE(all.find("pay_3Fk9Qm2Lx"), std::string::npos) << all;
  EXPECT_NE(all.find("Still to fill: `decline_reason`"), std::string::npos) << all;
  EXPECT_NE(all.find("sam"), std::string::npos) << all;  // agent_name from the Slack user
  EXPECT_NE(all.find("#payments-support, mention @payments-l2"), std::string::npos) << all;

  // An article with no scripted answer written for it: Slack says to write the reply, and quotes none.
  auto fraud =
      SignedSlack(SlackBody("assist our payment was blocked with ERR_FRAUD_BLOCKED although the card is fine"));
  ASSERT_TRUE(fraud);
  ASSERT_EQ(fraud->status, 200) << fraud->body;
  const std::string blocks = json::parse(fraud->body)["blocks"].dump();
  EXPECT_NE(blocks.find("No scripted answer is written for this article: write the reply yourself."), std::string::npos)
      << blocks;
  EXPECT_EQ(blocks.find("```"), std::string::npos) << blocks;
}

TEST_F(AssistTest, SlackRefusesWhatSlackDidNotSign) {
  const std::string body = SlackBody("declined card soft declines");  // a body no other test signs
  auto wrong = SignedSlack(body, "another-secret-0123456789abcdef");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(wrong->body.find("does not match"), std::string::npos) << wrong->body;

  auto stale = SignedSlack(body, kSecret, -600);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 401);
  EXPECT_NE(stale->body.find("stale"), std::string::npos) << stale->body;

  auto missing = Slack(body, {});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_NE(missing->body.find("missing"), std::string::npos) << missing->body;
  const std::string ts = Now();
  auto no_signature = Slack(body, {{"X-Slack-Request-Timestamp", ts}});
  ASSERT_TRUE(no_signature);
  EXPECT_EQ(no_signature->status, 401);

  // The body is part of what is signed: the same headers on another body fail.
  const httplib::Headers signed_headers = {{"X-Slack-Request-Timestamp", ts},
                                           {"X-Slack-Signature", SlackSignature(kSecret, ts, body)}};
  auto tampered = Slack(SlackBody("assist something else"), signed_headers);
  ASSERT_TRUE(tampered);
  EXPECT_EQ(tampered->status, 401);
  auto first = Slack(body, signed_headers);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  auto replay = Slack(body, signed_headers);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 401);
  EXPECT_NE(replay->body.find("replay"), std::string::npos) << replay->body;

  auto oversized = SignedSlack(SlackBody(std::string(10000, 'a')));
  ASSERT_TRUE(oversized);
  EXPECT_EQ(oversized->status, 413);

  // The server kept serving throughout.
  auto health = cli_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto again = SignedSlack(SlackBody("refunds"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

// The starter content/ itself, its owners.yaml, articles and replies, served once for the tests below.
class AssistContentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    Result<Source> source = LoadSource(std::string(KB_SOURCE_DIR) + "/content");
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    IndexerOptions options;
    options.db_path = dir_->Sub("db");
    ASSERT_TRUE(BuildIndex({*source}, options).ok());
    server_ = new ServerProcess(dir_->Sub("server.log"));
    ASSERT_TRUE(
        server_->Start({"--db", dir_->Sub("db"), "--threads", "2", "--access-log", "off", "--usage-log", "off"}));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    if (server_ == nullptr || server_->port() == 0) GTEST_FAIL() << "server did not start";
  }
  static json Assist(const json& body) {
    auto res = server_->Client()->Post("/api/assist", body.dump(), "application/json");
    EXPECT_TRUE(res && res->status == 200) << body.dump() << ": " << (res ? res->body : "no response");
    return res && res->status == 200 ? json::parse(res->body) : json();
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* AssistContentTest::dir_ = nullptr;
ServerProcess* AssistContentTest::server_ = nullptr;

// The acceptance case: the declined-card article and reply.
TEST_F(AssistContentTest, DeclinedCardTicketOnTheStarterContent) {
  const json r = Assist({{"text",
                          "Hi, I'm Ana from Acme.\nOur customer's payment pay_3Fk9Qm2Lx failed with ERR_CARD_DECLINED. "
                          "What can we tell them?"},
                         {"agent", "Sam"}});
  EXPECT_EQ(r["article"]["id"], "payments/declined-cards");
  EXPECT_EQ(r["answer"]["id"], "payments/answers/card-declined");
  EXPECT_EQ(r["answer"]["values"]["customer_name"]["value"], "Ana");
  EXPECT_EQ(r["answer"]["values"]["payment_id"]["from"], "pattern");
  EXPECT_EQ(r["answer"]["missing"], json::array({"decline_reason"}));
  EXPECT_EQ(r["escalation"]["contact"], "#payments-support, mention @payments-l2");
}

// An answer goes with the article only when it was written for it (a shared tag or error code, or a link). The
// ticket's words alone picked a card-decline reply for a payment the risk engine blocked and, in Turkish, where
// few answers exist, a webhook reply for rate limits and a refund-status reply for a leaked key: no answer is
// better than one about something else.
TEST_F(AssistContentTest, NoReplyRatherThanOneWrittenForSomethingElse) {
  const std::pair<const char*, const char*> tickets[] = {
      {"Hi,\na customer's payment was blocked by your risk checks even though the card is fine. Why does Paylane "
       "block payments?\nThanks, Ana",
       "payments/fraud-blocks"},
      {"Merhaba,\nAPI isteklerimiz 429 hatası alıyor, saniyede kaç istek atabiliriz?\nTeşekkürler", "tr/istek-siniri"},
      {"Merhaba,\n\nCanlı API anahtarımızı yanlışlıkla herkese açık bir GitHub deposuna gönderdik. Ne yapmalıyız?",
       "tr/sizdirilan-api-anahtari"}};
  for (const auto& [text, article] : tickets) {
    const json r = Assist({{"text", text}});
    EXPECT_EQ(r["article"]["id"], article) << text;
    EXPECT_TRUE(r["answer"].is_null()) << text << ": " << r["answer"].dump();
  }
  // A reply written for the article is still found, here through their shared tags and links.
  const json dispute = Assist(
      {{"text", "Hi, we received a dispute notification for payment pay_99ZZ, reason fraudulent. How do we respond?"}});
  EXPECT_EQ(dispute["article"]["id"], "payments/disputes");
  EXPECT_EQ(dispute["answer"]["id"], "payments/answers/dispute-received");
}

TEST(AssistSlackOffTest, EndpointIsOffWithoutASecret) {
  TempDir dir;
  BuildDbFromDir(dir.Sub("db"), std::string(KB_TEST_DATA) + "/assist");
  ServerProcess server(dir.Sub("server.log"));
  ASSERT_TRUE(server.Start({"--db", dir.Sub("db"), "--threads", "2", "--access-log", "off", "--usage-log", "off"}));
  const std::string body = SlackBody("card declined");
  const std::string ts = Now();
  auto res = server.Client()->Post(
      "/slack/commands", {{"X-Slack-Request-Timestamp", ts}, {"X-Slack-Signature", SlackSignature(kSecret, ts, body)}},
      body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(res->body.find("--slack-signing-secret-file"), std::string::npos) << res->body;
}

}  // namespace
}  // namespace kb::testing
