// The web page end to end, in real headless Chromium driven through chromedriver: type a query, see
// results, open one at its section, fill and copy a scripted answer, all with the keyboard.
//
// Needs Debian's `chromium` and `chromium-driver` (or KB_CHROMIUM / KB_CHROMEDRIVER). Without them the tests
// FAIL: CI installs both, and a silently skipped browser test would hide a broken page.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <fstream>

#include "server_test_util.h"
#include "webdriver.h"

namespace kb::testing {
namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

class WebPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string chromium = EnvOr("KB_CHROMIUM", "/usr/bin/chromium");
    const std::string chromedriver = EnvOr("KB_CHROMEDRIVER", "/usr/bin/chromedriver");
    ASSERT_TRUE(fs::exists(chromium)) << chromium << " is missing: apt-get install chromium chromium-driver";
    ASSERT_TRUE(fs::exists(chromedriver)) << chromedriver << " is missing: apt-get install chromium chromium-driver";

    BuildDbFromDir(dir_.Sub("db"), FixtureDir());
    ASSERT_TRUE(server_.Start({"--db", dir_.Sub("db"), "--threads", "8", "--access-log", "off"}));

    const int port = FreePort();
    ASSERT_GT(port, 0);
    ASSERT_TRUE(driver_process_.Start({chromedriver, "--port=" + std::to_string(port)}, dir_.Sub("chromedriver.log")));
    driver_ = std::make_unique<WebDriver>(port);
    ASSERT_TRUE(driver_->WaitReady(std::chrono::seconds(20))) << driver_process_.Log();
    const std::string error = driver_->NewSession(
        chromium, {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--disable-dev-shm-usage", "--window-size=1200,900", "--user-data-dir=" + dir_.Sub("profile")});
    ASSERT_EQ(error, "") << driver_process_.Log();
    // Let the page use the clipboard as a person's browser would after a click.
    driver_->Cdp("Browser.grantPermissions", {{"origin", server_.url()},
                                              {"permissions", {"clipboardReadWrite", "clipboardSanitizedWrite"}}});
  }

  void TearDown() override {
    if (HasFailure() && driver_) {
      // Leave a screenshot next to the test binary for CI artifacts.
      const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      const std::string png = driver_->Screenshot();
      std::ofstream(std::string(KB_BINARY_DIR) + "/web-failure-" + name + ".png", std::ios::binary) << png;
      std::cerr << "browser console: " << driver_->ConsoleLog().dump() << "\nserver log:\n" << server_.Log();
    }
    driver_.reset();  // closes the browser session before chromedriver goes
    driver_process_.Stop(SIGTERM, std::chrono::seconds(5));
    driver_process_.Kill();
  }

  // Opens the page and waits until the search box has focus.
  void Open(const std::string& hash = "") {
    driver_->Navigate(server_.url() + "/" + hash);
    ASSERT_EQ(driver_->error(), "");
    ASSERT_FALSE(driver_->WaitFor("document.readyState === 'complete' && document.getElementById('q') !== null").is_null());
  }

  std::string Js(const std::string& expression) {
    nlohmann::json v = driver_->Eval("return (" + expression + ");");
    EXPECT_EQ(driver_->error(), "") << expression;
    return v.is_string() ? v.get<std::string>() : v.dump();
  }

  // Waits for a JavaScript condition, failing the test with `what` after the timeout.
  void Await(const std::string& condition, const std::string& what) {
    nlohmann::json v = driver_->WaitFor(condition);
    ASSERT_FALSE(v.is_null()) << "timed out waiting for " << what << " (" << condition << ") " << driver_->error();
  }

  // Types a query into the focused search box and waits for its results (or for nothing found).
  void TypeQuery(const std::string& q) {
    driver_->Type(q);
    Await("document.getElementById('results').dataset.query === " + nlohmann::json(q).dump(), "results for '" + q + "'");
  }

  // Moves the selection with the arrow keys to the result with this id, then opens it with Enter.
  void OpenResultWithKeyboard(const std::string& id) {
    const std::string index = Js("[...document.querySelectorAll('#results li')].findIndex(li => li.dataset.id === '" + id + "')");
    ASSERT_NE(index, "-1") << id << " not among the results: " << Js("document.getElementById('results').innerText");
    for (int i = 0; i <= std::stoi(index); ++i) driver_->Type(kKeyArrowDown);
    ASSERT_EQ(Js("document.querySelector('#results li[aria-selected=true]').dataset.id"), id);
    driver_->Type(kKeyEnter);
    Await("!document.getElementById('item').hidden && document.getElementById('item-title') !== null", "the item view");
  }

  TempDir dir_;
  ServerProcess server_{dir_.Sub("server.log")};
  Child driver_process_;
  std::unique_ptr<WebDriver> driver_;
};

TEST_F(WebPageTest, SearchOpenFillAndCopyAnAnswerWithTheKeyboard) {
  Open();
  // "/" focuses the search box from anywhere.
  driver_->Eval("document.activeElement.blur(); document.body.focus();");
  driver_->Type("/");
  ASSERT_EQ(Js("document.activeElement.id"), "q");

  TypeQuery("refund stat");
  ASSERT_NE(Js("document.querySelectorAll('#results li').length"), "0") << "results as you type";
  EXPECT_NE(Js("document.querySelector('#results .snippet mark') !== null"), "false") << "highlighted snippets";
  EXPECT_NE(Js("document.getElementById('results').innerText").find("payments-team"), std::string::npos) << "owner badge";

  OpenResultWithKeyboard("payments/answers/refund-status");
  EXPECT_EQ(Js("document.getElementById('item-title').textContent"), "Refund status update");
  Await("!document.getElementById('answer-panel').hidden", "the scripted-answer panel");
  Await("document.activeElement.dataset.name === 'customer_name'", "focus on the first placeholder");
  EXPECT_EQ(Js("[...document.querySelectorAll('#answer-fields input')].map(i => i.dataset.name).join(',')"),
            "customer_name,refund_id,refund_amount,agent_name");
  Await("document.getElementById('answer-missing').textContent.includes('Customer name')", "missing placeholders listed");

  driver_->Type("Ana");
  driver_->Type(kKeyTab);
  driver_->Type("re_123");
  driver_->Type(kKeyTab);
  driver_->Type("5.00 EUR");
  driver_->Type(kKeyTab);
  driver_->Type("Bo");
  Await("document.getElementById('answer-text').value.startsWith('Hi Ana,') && "
        "document.getElementById('answer-text').value.includes('Bo') && document.getElementById('answer-missing').hidden",
        "the filled answer");
  const std::string text = Js("document.getElementById('answer-text').value");
  EXPECT_NE(text.find("Refund: re_123"), std::string::npos) << text;
  EXPECT_NE(text.find("Amount: 5.00 EUR"), std::string::npos) << text;
  EXPECT_EQ(text.find("{{"), std::string::npos) << text;

  // Tab past the text to the copy button and press Enter.
  for (int i = 0; i < 4 && Js("document.activeElement.id") != "copy"; ++i) driver_->Type(kKeyTab);
  ASSERT_EQ(Js("document.activeElement.id"), "copy");
  driver_->Type(kKeyEnter);
  Await("document.getElementById('copy-status').textContent.startsWith('Copied')", "the copy confirmation");
  nlohmann::json clip = driver_->EvalAsync(
      "const done = arguments[arguments.length - 1];"
      "navigator.clipboard.readText().then(done, e => done('clipboard error: ' + e));");
  EXPECT_EQ(clip, text) << "the clipboard holds the filled answer";

  // Escape returns to the results, with the query kept.
  driver_->Type(kKeyEscape);
  Await("document.getElementById('item').hidden && !document.getElementById('list').hidden", "back to the results");
  EXPECT_EQ(Js("document.getElementById('q').value"), "refund stat");
  EXPECT_EQ(Js("document.activeElement.id"), "q");
}

TEST_F(WebPageTest, OpensAnItemAtTheMatchingSection) {
  Open();
  TypeQuery("partial refunds");
  ASSERT_EQ(Js("document.querySelector('#results li').dataset.id"), "payments/refunds");
  EXPECT_EQ(Js("document.querySelector('#results .section').textContent"), "› Partial refunds");
  OpenResultWithKeyboard("payments/refunds");
  EXPECT_NE(Js("location.hash").find("s=partial-refunds"), std::string::npos);
  Await("document.querySelector('#item-body [id=\"partial-refunds\"]') !== null", "the section heading");
  EXPECT_EQ(Js("document.querySelector('#item-body [id=\"partial-refunds\"]').classList.contains('target')"), "true");
  const int top = std::stoi(Js("Math.round(document.querySelector('#item-body [id=\"partial-refunds\"]').getBoundingClientRect().top)"));
  EXPECT_GE(top, 0);
  EXPECT_LT(top, 300) << "the section is scrolled into view";
  EXPECT_EQ(Js("document.getElementById('answer-panel').hidden"), "true") << "articles have no answer panel";
  // A reload of the same address shows the same item (the state lives in the URL).
  driver_->Eval("location.reload();");
  Await("document.getElementById('item-title') && document.getElementById('item-title').textContent === 'Refunding a payment'",
        "the item after a reload");
}

TEST_F(WebPageTest, StaleBadgeFacetsDidYouMeanAndNothingFound) {
  Open();
  TypeQuery("webhook retries");
  Await("document.querySelector('#results .badge.stale') !== null", "a stale badge");
  EXPECT_EQ(Js("document.querySelector('#results .badge.stale').textContent"),
            "Stale since 2020-03-31 · integrations-team should verify");
  EXPECT_EQ(Js("getComputedStyle(document.querySelector('#results .badge.stale')).color"), "rgb(179, 38, 30)") << "red";

  // Facets: tick kind=answer.
  driver_->Eval("const q = document.getElementById('q'); q.focus(); q.select();");
  TypeQuery("refund");
  Await("document.querySelector('#facets input[data-field=kind][data-value=answer]') !== null", "the kind facet");
  driver_->Eval("document.querySelector('#facets input[data-field=kind][data-value=answer]').click();");
  Await("document.querySelectorAll('#results li').length === 1", "one answer");
  EXPECT_EQ(Js("document.querySelector('#results li').dataset.id"), "payments/answers/refund-status");
  EXPECT_NE(Js("document.getElementById('active-filters').textContent").find("kind: answer"), std::string::npos);

  // Did you mean.
  Open();
  TypeQuery("refnud");
  Await("!document.getElementById('did-you-mean').hidden", "did you mean");
  EXPECT_NE(Js("document.getElementById('did-you-mean').textContent").find("refund"), std::string::npos);

  // Nothing found, with an owner filter: name the team and record the gap.
  Open("#owner=payments-team");
  TypeQuery("zebra invoices");
  Await("!document.getElementById('empty').hidden && !document.getElementById('empty-owner').hidden", "next steps");
  EXPECT_NE(Js("document.getElementById('empty-owner').textContent").find("payments-team"), std::string::npos);
  driver_->Eval("document.getElementById('report-gap').focus();");
  driver_->Type(kKeyEnter);
  Await("document.getElementById('report-status').textContent.startsWith('Recorded')", "the gap recorded");
  auto metrics = server_.Client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("kb_feedback_total{kind=\"no_answer\"} 1"), std::string::npos);
}

TEST_F(WebPageTest, HostileContentAndQueriesDoNotRun) {
  Open();
  driver_->Eval("window.__pwned = 0; window.alert = () => { window.__pwned++; };");
  TypeQuery("xylophone <img src=x onerror=alert(1)>");
  ASSERT_NE(Js("document.querySelectorAll('#results li').length"), "0");
  EXPECT_EQ(Js("document.querySelectorAll('#results script, #results img, #results iframe, #results svg').length"), "0");
  EXPECT_NE(Js("document.querySelector('#results li[data-id=\"hostile/xss\"] .result-title').textContent").find("<script>"),
            std::string::npos)
      << "a title with markup shows as text";
  OpenResultWithKeyboard("hostile/xss");
  EXPECT_EQ(Js("document.querySelectorAll('#item script, #item img, #item iframe, #item svg, #item [onerror], #item [onload]').length"), "0");
  EXPECT_EQ(Js("[...document.querySelectorAll('#item-body a')].filter(a => /javascript:/i.test(a.getAttribute('href') || '')).length"), "0");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Js("String(window.__pwned)"), "0");
  for (const auto& entry : driver_->ConsoleLog()) {
    const std::string message = entry.value("message", "");
    EXPECT_EQ(message.find("Content Security Policy"), std::string::npos) << message;
    EXPECT_NE(entry.value("level", ""), "SEVERE") << message;
  }
}

}  // namespace
}  // namespace kb::testing

namespace kb::testing {
namespace {

// Searches, an opened result and a "did not help" report made on the page show up on its knowledge-gap view.
TEST_F(WebPageTest, OpensAndReportsReachTheKnowledgeGapView) {
  Open();
  TypeQuery("teleport quantum widgets");
  driver_->Type(kKeyEnter);  // a complete search: as-you-type requests are not logged
  Await("!document.getElementById('empty').hidden", "nothing found");

  Open("#q=refund");
  Await("document.getElementById('results').dataset.query === 'refund'", "results for 'refund'");
  OpenResultWithKeyboard("payments/refunds");
  Js("(document.getElementById('not-helpful-comment').value = 'no partial refunds', "
     "document.getElementById('not-helpful').click(), true)");
  Await("document.getElementById('not-helpful-status').textContent.startsWith('Recorded')", "the report to be stored");

  driver_->Navigate(server_.url() + "/#view=insights");
  Await("!document.getElementById('insights').hidden && "
        "document.getElementById('insights-body').innerText.includes('teleport quantum widgets')",
        "the no-result query on the insights view");
  const std::string text = Js("document.getElementById('insights-body').innerText");
  EXPECT_NE(text.find("no partial refunds"), std::string::npos) << text;
  EXPECT_NE(Js("document.getElementById('insights-status').textContent").find("searches"), std::string::npos);
}

TEST_F(WebPageTest, GapsLinkOnlyForReadersWithTheInsightsScope) {
  Open();
  Await("document.body.dataset.scopes === 'search assist insights events admin' && "
        "!document.getElementById('insights-link').hidden",
        "the gaps link on a server without tokens");

  WriteFile(dir_.Sub("tokens"), "reader reader-token-0123456789abcdef search,events\n"
                                "lead lead-token-0123456789abcdef search,insights\n");
  ServerProcess guarded(dir_.Sub("guarded.log"));
  ASSERT_TRUE(guarded.Start({"--db", dir_.Sub("db"), "--threads", "4", "--access-log", "off", "--tokens-file",
                             dir_.Sub("tokens")}));
  driver_->Navigate(guarded.url() + "/");
  Await("document.readyState === 'complete'", "the page of the guarded server");
  driver_->Eval("sessionStorage.setItem('kb-token', 'reader-token-0123456789abcdef');");
  driver_->Navigate(guarded.url() + "/");
  Await("document.body.dataset.scopes === 'search events' && document.getElementById('insights-link').hidden",
        "the gaps link hidden from a token without insights");
  driver_->Eval("sessionStorage.setItem('kb-token', 'lead-token-0123456789abcdef');");
  driver_->Navigate(guarded.url() + "/");
  Await("document.body.dataset.scopes === 'search insights' && !document.getElementById('insights-link').hidden",
        "the gaps link for a token with insights");
}

}  // namespace
}  // namespace kb::testing
