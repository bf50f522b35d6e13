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

class WebPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrowserPaths browser;
    ASSERT_TRUE(FindBrowser(&browser));
    const std::string& chromium = browser.chromium;
    const std::string& chromedriver = browser.chromedriver;

    BuildDbFromDir(dir_.Sub("db"), FixtureDir());
    // A few more items for the page: a code block wider than a phone, a Turkish article.
    BuildDbFromDir(dir_.Sub("db"), std::string(KB_TEST_DATA) + "/web");
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
    driver_->Cdp("Browser.grantPermissions",
                 {{"origin", server_.url()}, {"permissions", {"clipboardReadWrite", "clipboardSanitizedWrite"}}});
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
    ASSERT_FALSE(
        driver_->WaitFor("document.readyState === 'complete' && document.getElementById('q') !== null").is_null());
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
    Await("document.getElementById('results').dataset.query === " + nlohmann::json(q).dump(),
          "results for '" + q + "'");
  }

  // Moves the selection with the arrow keys to the result with this id, then opens it with Enter.
  void OpenResultWithKeyboard(const std::string& id) {
    const std::string index =
        Js("[...document.querySelectorAll('#results li')].findIndex(li => li.dataset.id === '" + id + "')");
    ASSERT_NE(index, "-1") << id << " not among the results: " << Js("document.getElementById('results').innerText");
    for (int i = 0; i <= std::stoi(index); ++i) driver_->Type(kKeyArrowDown);
    ASSERT_EQ(Js("document.querySelector('#results li[aria-current=true]').dataset.id"), id);
    ASSERT_EQ(Js("document.activeElement.closest('li') && document.activeElement.closest('li').dataset.id"), id);
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
  EXPECT_NE(Js("document.getElementById('results').innerText").find("payments-team"), std::string::npos)
      << "owner badge";

  OpenResultWithKeyboard("payments/answers/refund-status");
  EXPECT_EQ(Js("document.getElementById('item-title').textContent"), "Refund status update");
  Await("!document.getElementById('answer-panel').hidden", "the scripted-answer panel");
  Await("document.activeElement.dataset.name === 'customer_name'", "focus on the first placeholder");
  EXPECT_EQ(Js("[...document.querySelectorAll('#answer-fields input')].map(i => i.dataset.name).join(',')"),
            "customer_name,refund_id,refund_amount,agent_name");
  Await("document.getElementById('answer-missing').textContent.includes('Customer name')",
        "missing placeholders listed");

  driver_->Type("Ana");
  driver_->Type(kKeyTab);
  driver_->Type("re_123");
  driver_->Type(kKeyTab);
  driver_->Type("5.00 EUR");
  driver_->Type(kKeyTab);
  driver_->Type("Bo");
  Await(
      "document.getElementById('answer-text').value.startsWith('Hi Ana,') && "
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
  const int top = std::stoi(
      Js("Math.round(document.querySelector('#item-body [id=\"partial-refunds\"]').getBoundingClientRect().top)"));
  EXPECT_GE(top, 0);
  EXPECT_LT(top, 300) << "the section is scrolled into view";
  EXPECT_EQ(Js("document.getElementById('answer-panel').hidden"), "true") << "articles have no answer panel";
  // A reload of the same address shows the same item (the state lives in the URL).
  driver_->Eval("location.reload();");
  Await(
      "document.getElementById('item-title') && document.getElementById('item-title').textContent === 'Refunding a payment'",
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

  // Results for the other words only: say which word no item mentions, and record it as a gap.
  Open();
  TypeQuery("zebra refund");
  Await("!document.getElementById('missing-words').hidden", "the missing word");
  EXPECT_EQ(Js("document.getElementById('missing-words').querySelector('strong').textContent"), "zebra");
  EXPECT_NE(Js("document.getElementById('results').children.length"), "0");
  driver_->Eval("document.getElementById('report-missing').click();");
  Await("document.getElementById('missing-words').textContent.includes('Recorded')", "the missing word reported");
  driver_->Eval("const q = document.getElementById('q'); q.focus(); q.select();");
  TypeQuery("refund");
  Await("document.getElementById('missing-words').hidden", "no missing word for 'refund'");

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
  EXPECT_NE(metrics->body.find("kb_feedback_total{kind=\"no_answer\"} 2"), std::string::npos);
}

TEST_F(WebPageTest, AnIncidentSaysWhetherItIsOngoingOrEnded) {
  // An incident has no verification date: "Not verified" told a new engineer nothing. It says instead whether it
  // is happening now (and until when) or is history.
  Open();
  TypeQuery("ledger exports delayed");
  ASSERT_EQ(Js("document.querySelector('#results li').dataset.id"), "incidents/ledger-exports-delayed");
  EXPECT_EQ(Js("document.querySelector('#results li .badge.ended').textContent"), "Ended 2026-01-02 10:00 UTC");
  EXPECT_EQ(Js("document.querySelector('#results li .badge.unverified')"), "null");
  driver_->Eval("const q = document.getElementById('q'); q.focus(); q.select();");
  TypeQuery("sandbox ledger paused");
  ASSERT_EQ(Js("document.querySelector('#results li').dataset.id"), "incidents/sandbox-ledger-paused");
  EXPECT_EQ(Js("document.querySelector('#results li .badge.active').textContent"),
            "Ongoing until 2099-01-01 00:00 UTC");
  EXPECT_NE(Js("document.getElementById('incidents').textContent").find("Sandbox ledger paused"), std::string::npos)
      << "and its banner above the results";
}

TEST_F(WebPageTest, HostileContentAndQueriesDoNotRun) {
  Open();
  driver_->Eval("window.__pwned = 0; window.alert = () => { window.__pwned++; };");
  TypeQuery("xylophone <img src=x onerror=alert(1)>");
  ASSERT_NE(Js("document.querySelectorAll('#results li').length"), "0");
  EXPECT_EQ(Js("document.querySelectorAll('#results script, #results img, #results iframe, #results svg').length"),
            "0");
  EXPECT_NE(
      Js("document.querySelector('#results li[data-id=\"hostile/xss\"] .result-title').textContent").find("<script>"),
      std::string::npos)
      << "a title with markup shows as text";
  OpenResultWithKeyboard("hostile/xss");
  EXPECT_EQ(
      Js("document.querySelectorAll('#item script, #item img, #item iframe, #item svg, #item [onerror], #item [onload]').length"),
      "0");
  EXPECT_EQ(
      Js("[...document.querySelectorAll('#item-body a')].filter(a => /javascript:/i.test(a.getAttribute('href') || '')).length"),
      "0");
  // An injected handler would have run by the time an image of ours with the same broken source has failed
  // (its 404 is the one console error expected).
  driver_->Eval(
      "window.__probe = 0; const probe = new Image(); probe.onerror = () => { window.__probe = 1; }; "
      "probe.src = 'x';");
  Await("window.__probe === 1", "the probe image's error event");
  EXPECT_EQ(Js("String(window.__pwned)"), "0");
  for (const auto& entry : driver_->ConsoleLog()) {
    const std::string message = entry.value("message", "");
    if (message.rfind(server_.url() + "/x ", 0) == 0) continue;  // the probe's own 404
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
  Await("document.getElementById('results').dataset.logged === 'teleport quantum widgets'", "the search logged");

  Open("#q=refund");
  Await("document.getElementById('results').dataset.query === 'refund'", "results for 'refund'");
  OpenResultWithKeyboard("payments/refunds");
  Js("(document.getElementById('not-helpful-comment').value = 'no partial refunds', "
     "document.getElementById('not-helpful').click(), true)");
  Await("document.getElementById('not-helpful-status').textContent.startsWith('Recorded')", "the report to be stored");

  driver_->Navigate(server_.url() + "/#view=insights");
  Await(
      "!document.getElementById('insights').hidden && "
      "document.getElementById('insights-body').innerText.includes('teleport quantum widgets') && "
      "document.getElementById('insights-body').innerText.includes('no partial refunds')",
      "the no-result query and the report on the insights view (the page asks again while the numbers are stale)");
  const std::string text = Js("document.getElementById('insights-body').innerText");
  EXPECT_NE(text.find("no partial refunds"), std::string::npos) << text;
  EXPECT_NE(Js("document.getElementById('insights-status').textContent").find("searches"), std::string::npos);
}

TEST_F(WebPageTest, GapsLinkOnlyForReadersWithTheInsightsScope) {
  Open();
  Await(
      "document.body.dataset.scopes === 'search assist insights events admin' && "
      "!document.getElementById('insights-link').hidden",
      "the gaps link on a server without tokens");

  WriteFile(dir_.Sub("tokens"),
            "reader reader-token-0123456789abcdef search,events\n"
            "lead lead-token-0123456789abcdef search,insights\n");
  ServerProcess guarded(dir_.Sub("guarded.log"));
  ASSERT_TRUE(guarded.Start(
      {"--db", dir_.Sub("db"), "--threads", "4", "--access-log", "off", "--tokens-file", dir_.Sub("tokens")}));
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

namespace kb::testing {
namespace {

constexpr const char* kInItem =
    "!document.getElementById('item').hidden && document.getElementById('item-title') !== null";

// The page's horizontal overflow: how many CSS pixels it scrolls sideways (0 = none).
constexpr const char* kSideways = "document.documentElement.scrollWidth - document.documentElement.clientWidth";

TEST_F(WebPageTest, ResultsAreReachableWithTabAndStayClearOfTheStickyHeader) {
  driver_->SetViewport(1280, 420);
  Open();
  TypeQuery("refund OR webhook");
  const int count = std::stoi(Js("document.querySelectorAll('#results li').length"));
  ASSERT_GE(count, 3);
  // Tab from the search box reaches the first result's link (no tabindex=-1).
  for (int i = 0; i < 6 && Js("document.activeElement.classList.contains('result-title')") != "true"; ++i) {
    driver_->Type(kKeyTab);
  }
  ASSERT_EQ(Js("document.activeElement.classList.contains('result-title')"), "true")
      << Js("document.activeElement.outerHTML");
  EXPECT_EQ(Js("document.activeElement.closest('li') === document.querySelector('#results li')"), "true");
  // Down to the last result, then up again: each chosen result stays below the sticky header.
  driver_->Eval("document.getElementById('q').focus();");
  for (int i = 0; i < count; ++i) driver_->Type(kKeyArrowDown);
  ASSERT_EQ(
      Js("document.querySelector('#results li[aria-current=true]') === document.querySelector('#results li:last-child')"),
      "true");
  for (int i = count - 2; i >= 0; --i) {
    driver_->Type(kKeyArrowUp);
    ASSERT_EQ(
        Js("[...document.querySelectorAll('#results li')].findIndex(li => li.getAttribute('aria-current') === 'true')"),
        std::to_string(i));
    const std::string clear =
        Js("Math.round(document.querySelector('#results li[aria-current=true]').getBoundingClientRect().top - "
           "document.getElementById('top').getBoundingClientRect().bottom)");
    EXPECT_GE(std::stoi(clear), 0) << "result " << i << " is under the sticky header";
  }
  driver_->Type(kKeyArrowUp);
  EXPECT_EQ(Js("document.activeElement.id"), "q") << "up from the first result returns to the search box";
  // Enter on a result link opens that result.
  driver_->Type(kKeyArrowDown);
  driver_->Type(kKeyArrowDown);
  const std::string second = Js("document.querySelector('#results li[aria-current=true]').dataset.id");
  driver_->Type(kKeyEnter);
  Await(kInItem, "the item view");
  EXPECT_NE(Js("decodeURIComponent(location.hash)").find("item=" + second), std::string::npos);
}

TEST_F(WebPageTest, EnterOpensTheTopResultWithOnePress) {
  Open();
  TypeQuery("partial refunds");
  driver_->Type(kKeyEnter);
  Await(kInItem, "the item view after one Enter");
  EXPECT_EQ(Js("document.getElementById('item-title').textContent"), "Refunding a payment");
}

TEST_F(WebPageTest, NarrowScreensShowResultsFirstAndNothingScrollsSideways) {
  driver_->SetViewport(390, 844, true);
  Open();
  TypeQuery("refund");
  const int top = std::stoi(Js("Math.round(document.querySelector('#results li').getBoundingClientRect().top)"));
  EXPECT_LT(top, 300) << "the first result sits below the filters";
  EXPECT_EQ(Js(kSideways), "0") << "the result list";
  // A snippet cut from a long unbroken line (a URL, a log line, code): it wraps, the page does not scroll.
  Open();
  TypeQuery("hmac_sha256");
  ASSERT_NE(Js("document.querySelector('#results .snippet').textContent").find("raw_body_bytes"), std::string::npos)
      << Js("document.querySelector('#results .snippet').textContent");
  EXPECT_EQ(Js(kSideways), "0") << "a snippet with a long line";
  // An article with a long code line: the code block scrolls, the page does not.
  for (int width : {390, 756}) {
    driver_->SetViewport(width, 844, width < 500);
    Open("#item=integrations%2Fsignature-check");
    Await("document.getElementById('item-title') && document.querySelector('#item-body pre') !== null", "the article");
    EXPECT_EQ(Js(kSideways), "0") << "article at " << width << " px";
  }
  // The knowledge-gap view at phone and small-tablet widths.
  Open("#q=zzzz%20nothing");
  Await("document.getElementById('results').dataset.query === 'zzzz nothing'", "a search");
  driver_->Type(kKeyEnter);
  Await("document.getElementById('results').dataset.logged === 'zzzz nothing'", "the search logged");
  for (int width : {390, 535}) {
    driver_->SetViewport(width, 844, true);
    Open("#view=insights");
    Await("document.getElementById('insights-body').innerText.includes('zzzz nothing')", "the gaps view");
    EXPECT_EQ(Js(kSideways), "0") << "gaps view at " << width << " px";
  }
}

TEST_F(WebPageTest, ADarkSystemPreferenceGivesADarkPage) {
  driver_->SetColorScheme("dark");
  Open();
  TypeQuery("refund");
  const std::string dark =
      Js("(() => { const m = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);"
         " return m[0] + m[1] + m[2] < 150; })()");
  EXPECT_EQ(dark, "true") << Js("getComputedStyle(document.body).backgroundColor");
  EXPECT_EQ(
      Js("(() => { const m = getComputedStyle(document.querySelector('.result-title')).color.match(/\\d+/g).map(Number);"
         " return m[0] + m[1] + m[2] > 400; })()"),
      "true")
      << "light links on the dark page";
  driver_->SetColorScheme("light");
  EXPECT_EQ(Js("getComputedStyle(document.body).backgroundColor"), "rgb(255, 255, 255)");
}

TEST_F(WebPageTest, AnAnswerOpensBesideItsGuardAndNeverCopiesBlanks) {
  Open();
  TypeQuery("refund stat");
  OpenResultWithKeyboard("payments/answers/refund-status");
  Await("document.activeElement.dataset.name === 'customer_name'", "focus on the first placeholder");
  // The "When to use" guard is in view while the cursor is in the fields.
  Await("document.getElementById('answer-guard').innerText.includes('Check the refund status in the console first')",
        "the guard in the answer panel");
  const std::string visible =
      Js("(() => { const r = document.getElementById('answer-guard').getBoundingClientRect();"
         " return r.top >= 0 && r.bottom <= innerHeight; })()");
  EXPECT_EQ(visible, "true") << "the guard is on screen when the answer opens";

  driver_->Type("Ana");
  driver_->Type(kKeyTab);
  driver_->Type("re_9");
  driver_->Type(kKeyTab);
  driver_->Type("5 EUR");
  driver_->Type(kKeyTab);
  driver_->Type("   ");  // only spaces: not a name
  Await("document.getElementById('answer-missing').textContent === 'Still to fill: Agent name'",
        "a value of only spaces counted as missing");
  driver_->Eval("document.getElementById('copy').focus();");
  driver_->EvalAsync(
      "const done = arguments[arguments.length - 1];"
      "navigator.clipboard.writeText('untouched').then(() => done(true), e => done(String(e)));");
  driver_->Type(kKeyEnter);
  Await("document.getElementById('copy-status').textContent.startsWith('Not copied')", "the copy refused");
  EXPECT_EQ(Js("document.activeElement.dataset.name"), "agent_name") << "the cursor goes to the blank field";
  nlohmann::json clip = driver_->EvalAsync(
      "const done = arguments[arguments.length - 1];"
      "navigator.clipboard.readText().then(done, e => done('clipboard error: ' + e));");
  EXPECT_EQ(clip, "untouched") << "an answer with blanks never reaches the clipboard";
  driver_->Eval("const a = document.activeElement; a.value = ''; a.focus();");
  driver_->Type("Bo");
  Await("document.getElementById('answer-missing').hidden", "every value filled");
  driver_->Eval("document.getElementById('copy').focus();");
  driver_->Type(kKeyEnter);
  Await("document.getElementById('copy-status').textContent === 'Copied.'", "the copy");
}

TEST_F(WebPageTest, TheItemViewSaysEachThingOnceAndLinksItsSource) {
  Open();
  TypeQuery("refund stat");
  OpenResultWithKeyboard("payments/answers/refund-status");
  EXPECT_EQ(Js("document.title"), "Refund status update – Support knowledge base");
  EXPECT_EQ(Js("[...document.querySelectorAll('#item h1, #item h2, #item p')].filter(e => e.textContent.trim() === "
               "'Refund status update').length"),
            "1")
      << "the title once";
  EXPECT_EQ(Js("document.getElementById('item-head').innerText.split('payments-team').length - 1"), "1")
      << "the owner once";
  Await("document.getElementById('item-source').textContent.includes('payments/answers/refund-status.md')",
        "the source file");
  EXPECT_EQ(Js("document.getElementById('item').getAttribute('lang')"), "en");

  // "This helped" is recorded as well as "did not help".
  driver_->Eval("document.getElementById('helpful').focus();");
  driver_->Type(kKeyEnter);
  Await("document.getElementById('helpful-status').textContent.startsWith('Thanks')", "the thanks");
  auto metrics = server_.Client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("kb_feedback_total{kind=\"helpful\"} 1"), std::string::npos);

  // Turkish content says so, for screen readers and hyphenation.
  Open("#item=tr%2Fkart-reddi");
  Await(
      "document.getElementById('item-title') && document.getElementById('item-title').textContent === 'Kart reddi kodları'",
      "the Turkish article");
  EXPECT_EQ(Js("document.getElementById('item').getAttribute('lang')"), "tr");
  EXPECT_EQ(Js("document.title"), "Kart reddi kodları – Support knowledge base");
  Open("#q=kart");
  Await("document.querySelector('#results li[data-id=\"tr/kart-reddi\"]') !== null", "the Turkish result");
  EXPECT_EQ(Js("document.querySelector('#results li[data-id=\"tr/kart-reddi\"]').lang"), "tr");
  EXPECT_EQ(Js("document.title"), "kart – Support knowledge base");
}

TEST_F(WebPageTest, LongPastesAreMeasuredInBytesAndNeverLeaveAStaleList) {
  Open();
  TypeQuery("refund");
  Await("document.querySelector('#facets input') !== null", "facets");
  EXPECT_EQ(Js("document.getElementById('q').maxLength"), "-1") << "no silent cut at 1,024 characters";
  // 1,600 Turkish characters are 3,200 bytes: the room left is shown in bytes.
  std::string medium;
  for (int i = 0; i < 400; ++i) medium += "ığüş";
  driver_->Eval(
      "const q = document.getElementById('q'); q.value = arguments[0];"
      "q.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));",
      nlohmann::json::array({medium}));
  Await("!document.getElementById('q-room').hidden", "the room left");
  EXPECT_EQ(Js("document.getElementById('q-room').textContent"), "896 of 4096 bytes left");
  // 2,400 characters, 4,800 bytes: over the server's limit, said in bytes; the old list goes.
  std::string paste;
  for (int i = 0; i < 800; ++i) paste += "ışğ";  // two bytes each
  driver_->Eval(
      "const q = document.getElementById('q'); q.value = arguments[0];"
      "q.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));",
      nlohmann::json::array({paste}));
  Await("document.getElementById('q-room').textContent.startsWith('704 bytes too long')", "the size in bytes");
  Await(
      "document.querySelectorAll('#results li').length === 0 && document.getElementById('facets').children.length === 0 && "
      "document.getElementById('pager').children.length === 0",
      "the previous list cleared");
  EXPECT_EQ(Js("document.getElementById('q').value.length"), "2400");
}

TEST_F(WebPageTest, TypingThenOpeningLogsExactlyOneSearch) {
  Open();
  driver_->TypeSlowly("refund failed", std::chrono::milliseconds(180));
  Await("document.getElementById('results').dataset.query === 'refund failed'", "results for the whole query");
  OpenResultWithKeyboard(Js("document.querySelector('#results li').dataset.id"));
  // The open event is stored after the search; both are in the log when the insights count the open.
  auto insights = [&] {
    auto res = server_.Client()->Get("/api/insights?days=1&fresh=true");
    return res && res->status == 200 ? json::parse(res->body) : json();
  };
  json j;
  ASSERT_TRUE(WaitFor(
      [&] {
        j = insights();
        return j.value("opens", 0) >= 1;
      },
      std::chrono::seconds(5), "the open to be counted"))
      << j.dump();
  ASSERT_EQ(j.value("opens", 0), 1) << j.dump();
  EXPECT_EQ(j.value("searches", 0), 1) << "one search for 'refund failed', none for the keystrokes: "
                                       << j["top_queries"].dump();
  ASSERT_FALSE(j["top_queries"].empty());
  EXPECT_EQ(j["top_queries"][0]["query"], "refund failed");
}

}  // namespace
}  // namespace kb::testing

namespace kb::testing {
namespace {

// The usage log of a day, as the page would have written it: settled searches (logged) and opens.
void ScriptADay(httplib::Client& cli) {
  const auto search = [&](const std::string& q) {
    auto res = cli.Get("/api/search?q=" + httplib::detail::encode_query_param(q));
    ASSERT_TRUE(res && res->status == 200) << q;
  };
  const auto open = [&](const std::string& q, const std::string& id) {
    auto res = cli.Post("/api/events", json({{"type", "open"}, {"query", q}, {"item_id", id}, {"position", 1}}).dump(),
                        "application/json");
    ASSERT_TRUE(res && res->status == 202) << q;
  };
  for (const char* q : {"webhook retries", "Webhook  retries", "webhook retries "}) search(q);  // one group, no open
  for (const char* q : {"teleport quantum widgets", "teleport quantum widgets"}) search(q);     // found nothing
  search("refund");
  open("refund", "payments/refunds");  // found and opened: not a gap
  search("declined card");             // found results, none opened
}

class GapsPageTest : public WebPageTest {};

TEST_F(GapsPageTest, ADayOfSearchesShowsGroupedGapsOwnersAndTheChart) {
  ScriptADay(*server_.Client());
  Open("#view=insights");
  driver_->Eval(
      "document.getElementById('insights-days').value = '1';"
      "document.getElementById('insights-days').dispatchEvent(new Event('change'));");
  // The page first loads the default period, whose gaps table holds the same rows: wait for the one-day answer
  // (its status reads "DAY to DAY"), not just for a table.
  Await(
      "/^(\\d{4}-\\d\\d-\\d\\d) to \\1:/.test(document.getElementById('insights-status').textContent) && "
      "document.getElementById('gaps') && document.getElementById('gaps').innerText.includes('webhook retries')",
      "the one-day gaps table");
  const std::string gaps = Js("document.getElementById('gaps').innerText");
  EXPECT_NE(gaps.find("teleport quantum widgets"), std::string::npos) << gaps;
  // Its words are in no item: listed apart, with the query they were typed in, for the content owners to add.
  EXPECT_EQ(Js("[...document.querySelectorAll('#missing-words-insights tbody tr')].map(r => r.children[0].textContent "
               "+ ' ' + r.children[1].textContent).join(', ')"),
            "quantum 2, teleport 2, widgets 2");
  EXPECT_NE(gaps.find("found results, none opened"), std::string::npos) << gaps;
  EXPECT_EQ(gaps.find("Webhook  retries"), std::string::npos) << "spaces and case do not make a second group: " << gaps;
  EXPECT_EQ(Js("[...document.querySelectorAll('#gaps tbody tr')].filter(r => r.innerText.includes('ebhook')).length"),
            "1");
  // Routed to the team that owns the nearest items.
  EXPECT_EQ(Js("[...document.querySelectorAll('#gaps tbody tr')].find(r => r.innerText.includes('webhook retries'))"
               ".children[3].textContent"),
            "integrations-team");
  EXPECT_EQ(Js("[...document.querySelectorAll('#gaps tbody tr')].find(r => r.innerText.includes('declined card'))"
               ".children[3].textContent"),
            "payments-team");
  // Each nearest item is a link named by its title. (assist.js once defined an itemLink of its own that
  // replaced app.js's, and every item link of this view read "undefined".)
  auto day = server_.Client()->Get("/api/insights?days=1");
  ASSERT_TRUE(day && day->status == 200);
  std::string nearest_title;
  const json day_json = json::parse(day->body);
  for (const auto& g : day_json["no_click_queries"]) {
    if (g["query"] == "webhook retries") nearest_title = g["nearest_title"].get<std::string>();
  }
  ASSERT_FALSE(nearest_title.empty()) << day->body;
  EXPECT_EQ(Js("[...document.querySelectorAll('#gaps tbody tr')].find(r => r.innerText.includes('webhook retries'))"
               ".children[4].textContent"),
            nearest_title);
  EXPECT_EQ(Js("[...document.querySelectorAll('#insights-body a')].filter(a => a.href.includes('item=') && "
               "(a.textContent === '' || a.textContent === 'undefined' || a.href.includes('item=undefined'))).length"),
            "0");
  EXPECT_EQ(
      Js("[...document.querySelectorAll('#gaps tbody tr')].some(r => /\\brefund\\b/.test(r.children[0].textContent))"),
      "false")
      << "an opened search is no gap";
  // The chart: one day, three bars, the searches bar as tall as 8 searches.
  EXPECT_EQ(Js("document.querySelectorAll('#trend-chart rect').length"), "3");
  EXPECT_EQ(Js("document.querySelector('#trend-chart rect[data-series=searches] title').textContent.split(': ')[1]"),
            "7 searches");
  EXPECT_NE(Js("document.querySelector('#insights-chart .legend').textContent").find("Found nothing (2)"),
            std::string::npos);

  // Filter by owner.
  driver_->Eval(
      "const o = document.getElementById('insights-owner'); o.value = 'integrations-team';"
      "o.dispatchEvent(new Event('change'));");
  Await(
      "!document.getElementById('gaps').innerText.includes('declined card') && "
      "document.getElementById('gaps').innerText.includes('webhook retries')",
      "only integrations-team's gaps");
  driver_->Eval(
      "const o = document.getElementById('insights-owner'); o.value = ''; o.dispatchEvent(new Event('change'));");
  Await("document.getElementById('gaps').innerText.includes('declined card')", "every team again");

  // Mark a gap reviewed with the keyboard: it leaves the list, and the mark is in the usage log.
  driver_->Eval(
      "[...document.querySelectorAll('#gaps button.review')].find(b => b.closest('tr').innerText.includes('webhook')).focus();");
  driver_->Type(kKeyEnter);
  Await("!document.getElementById('gaps').innerText.includes('webhook retries')", "the reviewed gap hidden");
  EXPECT_NE(Js("document.getElementById('gaps').innerText").find("1 reviewed gap hidden"), std::string::npos);
  auto api = server_.Client()->Get("/api/insights?days=1");
  ASSERT_TRUE(api && api->status == 200);
  bool reviewed = false;
  const json body = json::parse(api->body);
  for (const auto& g : body["no_click_queries"]) {
    if (g["query"] == "webhook retries") reviewed = !g["reviewed"].get<std::string>().empty();
  }
  EXPECT_TRUE(reviewed) << api->body;

  // Copy as Markdown.
  driver_->Eval("document.getElementById('insights-copy').focus();");
  driver_->Type(kKeyEnter);
  Await("document.getElementById('insights-copy-status').textContent === 'Copied as Markdown.'", "the copy");
  nlohmann::json clip = driver_->EvalAsync(
      "const done = arguments[arguments.length - 1];"
      "navigator.clipboard.readText().then(done, e => done('clipboard error: ' + e));");
  ASSERT_TRUE(clip.is_string());
  EXPECT_NE(clip.get<std::string>().find("`declined card`"), std::string::npos) << clip;
  EXPECT_NE(clip.get<std::string>().find("→ payments-team"), std::string::npos) << clip;
}

// axe-core (npm, scripts/install-deps.sh) inside Chromium: zero WCAG 2.1 A/AA violations on the search, item,
// answer and gaps views, in light and dark schemes; a screenshot of each at 1280 and 390 px goes to
// build/screenshots/.
TEST_F(GapsPageTest, EveryViewPassesAxeInBothSchemesAndIsPhotographed) {
  const std::string axe_path = EnvOr("KB_AXE_JS", KB_AXE_JS);
  ASSERT_TRUE(fs::exists(axe_path)) << axe_path << " is missing: run scripts/install-deps.sh (npm axe-core)";
  const std::string axe = ReadFile(axe_path);
  fs::create_directories(KB_SCREENSHOT_DIR);
  ScriptADay(*server_.Client());
  struct View {
    const char* name;
    const char* hash;
    const char* ready;
  };
  const View views[] = {
      {"search", "#q=refund",
       "document.querySelectorAll('#results li').length > 0 && document.querySelector('#facets input')"},
      {"item", "#item=payments%2Frefunds",
       "document.getElementById('item-title') && document.getElementById('item-body').children.length > 0"},
      {"answer", "#item=payments%2Fanswers%2Frefund-status",
       "document.getElementById('item-title') && !document.getElementById('answer-guard').hidden"},
      {"gaps", "#view=insights", "document.getElementById('gaps') && document.getElementById('trend-chart')"},
  };
  for (const char* scheme : {"light", "dark"}) {
    driver_->SetColorScheme(scheme);
    for (int width : {1280, 390}) {
      driver_->SetViewport(width, width > 500 ? 900 : 844, width < 500);
      for (const View& v : views) {
        SCOPED_TRACE(std::string(v.name) + " " + scheme + " " + std::to_string(width));
        Open(v.hash);
        Await(v.ready, std::string("the ") + v.name + " view");
        driver_->Eval("document.activeElement.blur(); window.scrollTo(0, 0);");
        const std::string png = driver_->Screenshot();
        ASSERT_GT(png.size(), 1000u);
        std::ofstream(
            std::string(KB_SCREENSHOT_DIR) + "/" + v.name + "-" + std::to_string(width) + "-" + scheme + ".png",
            std::ios::binary)
            << png;
        if (width != 1280 && std::string(v.name) != "search")
          continue;  // axe once per view and scheme, plus phone search
        driver_->Eval(axe);
        nlohmann::json found = driver_->EvalAsync(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })"
            ".then(r => done(r.violations.map(x => ({ id: x.id, impact: x.impact, help: x.help,"
            " nodes: x.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary) }))),"
            " e => done([{ id: 'axe-error', help: String(e) }]));");
        ASSERT_TRUE(found.is_array()) << driver_->error();
        EXPECT_TRUE(found.empty()) << found.dump(2);
      }
    }
  }
}

}  // namespace
}  // namespace kb::testing
