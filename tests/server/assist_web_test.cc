// The page's "Paste a ticket" mode (server/web/assist.js) in real headless Chromium through chromedriver:
// paste a ticket, see the article at its section, the reply with filled values marked by their source, the
// fields still to fill and the escalation contact, copy the reply; the engineer's name is remembered.
// Leaves a screenshot, assist-paste.png, next to the test binary. Needs Debian's chromium and chromium-driver.
#include <cstdlib>
#include <fstream>

#include "server_test_util.h"
#include "webdriver.h"

namespace kb::testing {
namespace {

class AssistWebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrowserPaths browser;
    ASSERT_TRUE(FindBrowser(&browser));
    const std::string& chromium = browser.chromium;
    const std::string& chromedriver = browser.chromedriver;
    Result<Source> source = LoadSource(std::string(KB_TEST_DATA) + "/assist");
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    IndexerOptions options;
    options.db_path = dir_.Sub("db");
    ASSERT_TRUE(BuildIndex({*source}, options).ok());
    ASSERT_TRUE(server_.Start({"--db", dir_.Sub("db"), "--threads", "8", "--access-log", "off", "--usage-log", "off"}));
    const int port = FreePort();
    ASSERT_GT(port, 0);
    ASSERT_TRUE(driver_process_.Start({chromedriver, "--port=" + std::to_string(port)}, dir_.Sub("chromedriver.log")));
    driver_ = std::make_unique<WebDriver>(port);
    ASSERT_TRUE(driver_->WaitReady(std::chrono::seconds(20))) << driver_process_.Log();
    ASSERT_EQ(driver_->NewSession(chromium, {"--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                             "--disable-background-networking", "--disable-component-update",
                                             "--disable-sync", "--disable-dev-shm-usage", "--window-size=1200,1100",
                                             "--user-data-dir=" + dir_.Sub("profile")}),
              "")
        << driver_process_.Log();
    driver_->Cdp("Browser.grantPermissions",
                 {{"origin", server_.url()}, {"permissions", {"clipboardReadWrite", "clipboardSanitizedWrite"}}});
  }

  void TearDown() override {
    if (HasFailure() && driver_) {
      std::cerr << "browser console: " << driver_->ConsoleLog().dump() << "\nserver log:\n" << server_.Log();
    }
    driver_.reset();
    driver_process_.Stop(SIGTERM, std::chrono::seconds(5));
    driver_process_.Kill();
  }

  std::string Js(const std::string& expression) {
    nlohmann::json v = driver_->Eval("return (" + expression + ");");
    EXPECT_EQ(driver_->error(), "") << expression;
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  void Await(const std::string& condition, const std::string& what) {
    ASSERT_FALSE(driver_->WaitFor(condition).is_null()) << "timed out waiting for " << what << " " << driver_->error();
  }

  TempDir dir_;
  ServerProcess server_{dir_.Sub("server.log")};
  Child driver_process_;
  std::unique_ptr<WebDriver> driver_;
};

TEST_F(AssistWebTest, PasteATicketFillsTheReplyAndShowsWhoToEscalateTo) {
  driver_->Navigate(server_.url() + "/");
  Await("document.readyState === 'complete' && document.body.dataset.scopes !== undefined", "the page");
  Await("getComputedStyle(document.getElementById('assist-link')).display !== 'none'", "the paste link");
  Js("document.getElementById('assist-link').click() || true");
  Await(
      "document.getElementById('assist') && !document.getElementById('assist').hidden && "
      "document.getElementById('list').hidden && document.activeElement.id === 'assist-text'",
      "the paste view with the ticket box focused");

  driver_->Type(
      "Hi, I'm Ana from Acme.\nCheckout fails with ERR_CARD_DECLINED for payment pay_3Fk9Qm2Lx. "
      "What should we tell the customer?");
  Js("document.getElementById('assist-agent').focus() || true");
  driver_->Type("Sam");
  Js("document.getElementById('assist-submit').click() || true");
  Await("document.getElementById('assist-result').dataset.done !== undefined", "the assist result");

  EXPECT_EQ(Js("document.querySelector('.assist-article a').dataset.id"), "payments/declined-cards");
  EXPECT_NE(Js("document.querySelector('.assist-article a').getAttribute('href')"), "#item=payments%2Fdeclined-cards")
      << "the link opens the article at its section";
  EXPECT_EQ(Js("[...document.querySelectorAll('#assist-reply mark.filled')].map(m => m.dataset.name + '=' + "
               "m.textContent + '@' + m.dataset.from).join(',')"),
            "customer_name=Ana@greeting,payment_id=pay_3Fk9Qm2Lx@pattern,agent_name=Sam@agent");
  EXPECT_EQ(Js("[...document.querySelectorAll('#assist-reply .to-fill')].map(m => m.dataset.name).join(',')"),
            "decline_reason");
  EXPECT_EQ(Js("document.getElementById('assist-missing').textContent"), "Still to fill: Decline reason");
  EXPECT_NE(Js("document.getElementById('assist-values').innerText").find("(from the greeting)"), std::string::npos);
  EXPECT_NE(Js("document.getElementById('assist-contact').textContent").find("#payments-support, mention @payments-l2"),
            std::string::npos);

  std::ofstream(std::string(KB_BINARY_DIR) + "/assist-paste.png", std::ios::binary) << driver_->Screenshot();

  Js("document.getElementById('assist-copy').click() || true");
  Await("document.getElementById('assist-copy-status').textContent.startsWith('Copied.')", "the copy status");
  const nlohmann::json clip = driver_->EvalAsync(
      "const done = arguments[arguments.length - 1];"
      "navigator.clipboard.readText().then(done, e => done('clipboard error: ' + e));");
  ASSERT_TRUE(clip.is_string());
  EXPECT_EQ(clip.get<std::string>().rfind("Hi Ana,", 0), 0u) << clip;
  EXPECT_NE(clip.get<std::string>().find("{{decline_reason}}"), std::string::npos) << clip;

  // The article link opens the item view, which shows the owning team's contact.
  Js("document.querySelector('.assist-article a').click() || true");
  Await("!document.getElementById('item').hidden && document.querySelector('#item-head .badge.contact') !== null",
        "the item view with the contact");
  EXPECT_EQ(Js("document.querySelector('#item-head .badge.contact').textContent"),
            "Escalate: #payments-support, mention @payments-l2");
  EXPECT_TRUE(Js("document.getElementById('assist').hidden") == "true") << "the paste view gives way to the item";

  // The engineer's name is remembered: a new visit to the paste view has it filled in.
  driver_->Navigate(server_.url() + "/#view=assist");
  Await("document.getElementById('assist-agent') !== null", "the paste view again");
  EXPECT_EQ(Js("document.getElementById('assist-agent').value"), "Sam");
  // Searching leaves the paste view.
  Js("document.getElementById('q').focus() || true");
  driver_->Type("refunds");
  Await("document.getElementById('assist').hidden && !document.getElementById('list').hidden", "the result list");

  // A ticket whose article has no scripted answer written for it: the page says to write the reply, and offers
  // no other article's reply to copy.
  driver_->Navigate(server_.url() + "/#view=assist");
  Await("document.getElementById('assist-text') !== null && !document.getElementById('assist').hidden",
        "the paste view once more");
  Js("(document.getElementById('assist-text').value = '', document.getElementById('assist-text').focus(), true)");
  driver_->Type("Hello,\nour payment was blocked with ERR_FRAUD_BLOCKED although the card is fine. Why?\nThanks, Ana");
  Js("document.getElementById('assist-submit').click() || true");
  Await(
      "document.querySelector('.assist-article a') !== null && "
      "document.querySelector('.assist-article a').dataset.id === 'payments/fraud-blocks'",
      "the fraud article");
  EXPECT_EQ(Js("document.getElementById('assist-no-reply').textContent"),
            "No scripted answer is written for this article: write the reply yourself.");
  EXPECT_EQ(Js("String(document.getElementById('assist-copy'))"), "null");
  std::ofstream(std::string(KB_BINARY_DIR) + "/assist-no-reply.png", std::ios::binary) << driver_->Screenshot();
}

}  // namespace
}  // namespace kb::testing
