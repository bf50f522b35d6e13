// Guards kb's ranking behaviours on the real starter knowledge base (content/): error codes first, phrases
// first, stale below verified, and the answering section's anchor. bench/kb-eval measures quality on labeled
// sets; this test pins down what a support engineer relies on, with the default RankingOptions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "kb/kb.h"
#include "test_util.h"

namespace kb {
namespace {

using testing::Ids;
using testing::MustParse;
using testing::TempDir;

constexpr char kToday[] = "2026-11-23";

// Two items with the same text that differ only in freshness: one verified within its interval, one long
// overdue. Their words appear nowhere in content/, so they are each other's only competition.
constexpr char kFreshItem[] = R"(---
title: Ledger reconciliation drift
kind: article
owner: finance-ops
tier: L2
verified: 2026-11-01
verify_every: 90d
---
# Ledger reconciliation drift

When the nightly ledger reconciliation shows drift, compare the settlement batch totals first.
)";
constexpr char kStaleItem[] = R"(---
title: Ledger reconciliation drift
kind: article
owner: finance-ops
tier: L2
verified: 2025-01-10
verify_every: 90d
---
# Ledger reconciliation drift

When the nightly ledger reconciliation shows drift, compare the settlement batch totals first.
)";

// Lowercase words separated by single spaces, for "does this text contain the phrase" checks.
std::string Words(const std::string& text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  return " " + out + " ";
}

class RankingContentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    items_ = new std::vector<Item>();
    auto writer = IndexWriter::Open(dir_->Sub("db"), {});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_NO_FATAL_FAILURE(testing::IndexContent(**writer, items_));
    ASSERT_GT(items_->size(), 40u);
    // The stale twin goes in first: on equal scores Xapian would rank it first (lower document id).
    ASSERT_TRUE((*writer)->Upsert(MustParse("synthetic/ledger-stale.md", kStaleItem)).ok());
    ASSERT_TRUE((*writer)->Upsert(MustParse("synthetic/ledger-fresh.md", kFreshItem)).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  static void TearDownTestSuite() {
    delete items_;
    items_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    auto s = Searcher::Open({dir_->Sub("db")});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    searcher_ = std::move(*s);
  }
  SearchResponse Run(const std::string& query, int size = 10) {
    auto res = searcher_->Search({.query = query, .size = size, .today = kToday});
    EXPECT_TRUE(res.ok()) << query << ": " << res.status().ToString();
    return res.ok() ? *res : SearchResponse{};
  }
  // Each query's first result is its article, and it would not be with `off` (one ranking rule turned off,
  // named `rule`): the rule is what puts it first.
  void ExpectFirstOnlyWith(const std::vector<std::pair<std::string, std::string>>& cases, const SearcherOptions& off,
                           const std::string& rule) {
    auto without = Searcher::Open({dir_->Sub("db")}, off);
    ASSERT_TRUE(without.ok());
    for (const auto& [query, article] : cases) {
      const std::vector<std::string> ids = Ids(Run(query));
      ASSERT_FALSE(ids.empty()) << query;
      EXPECT_EQ(ids.front(), article) << query << ": " << ::testing::PrintToString(ids);
      auto old = (*without)->Search({.query = query, .size = 10, .today = kToday});
      ASSERT_TRUE(old.ok());
      ASSERT_FALSE(old->hits.empty());
      EXPECT_NE(old->hits.front().id, article) << "the case no longer needs " << rule << ": " << query;
    }
  }
  // The queries that a searcher with no word lists (none configured, or none in `dictionary_dir`) shows a
  // spelling correction for.
  std::vector<std::string> CorrectedWithoutWordLists(const std::string& dictionary_dir,
                                                     const std::vector<std::string>& queries) {
    SearcherOptions options;
    options.dictionary_dir = dictionary_dir;
    auto without = Searcher::Open({dir_->Sub("db")}, options);
    EXPECT_TRUE(without.ok()) << without.status().ToString();
    if (!without.ok()) return {};
    EXPECT_EQ((*without)->LoadWordLists(), 0) << "dictionary_dir \"" << dictionary_dir << "\"";
    std::vector<std::string> corrected;
    for (const std::string& q : queries) {
      auto res = (*without)->Search({.query = q, .today = kToday});
      EXPECT_TRUE(res.ok()) << q << ": " << res.status().ToString();
      if (res.ok() && !res->corrected_query.empty()) corrected.push_back(q);
    }
    return corrected;
  }
  // Checks that the word lists keep each of `real` as typed (no correction shown), that `query` (one of them)
  // still finds `first_id` first, and that without word lists every one of them is corrected.
  void ExpectSearchedAsTyped(const std::vector<std::string>& real, const std::string& query,
                             const std::string& first_id) {
    for (const std::string& q : real) EXPECT_EQ(Run(q).corrected_query, "") << q;
    const std::vector<std::string> ids = Ids(Run(query));
    ASSERT_FALSE(ids.empty()) << query;
    EXPECT_EQ(ids.front(), first_id) << query;
    EXPECT_EQ(CorrectedWithoutWordLists("", real), real);
  }
  // The title, aliases and all section headings and text of an item, as Words().
  std::string ItemWords(const std::string& id) {
    auto stored = searcher_->GetItem(id);
    EXPECT_TRUE(stored.ok()) << id;
    if (!stored.ok()) return "";
    std::string all = stored->item.title;
    for (const std::string& alias : stored->item.aliases) all += " . " + alias;
    for (const Section& s : stored->item.sections) all += " . " + s.title + " . " + s.text;
    return Words(all);
  }

  static TempDir* dir_;
  static std::vector<Item>* items_;
  std::unique_ptr<Searcher> searcher_;
};
TempDir* RankingContentTest::dir_ = nullptr;
std::vector<Item>* RankingContentTest::items_ = nullptr;

TEST_F(RankingContentTest, ErrorCodeFromFrontMatterReturnsItsArticleFirst) {
  struct Case {
    const char* query;
    const char* id;
  };
  for (const Case& c :
       {Case{"ERR_CARD_DECLINED", "payments/declined-cards"}, Case{"err_card_declined", "payments/declined-cards"},
        Case{"customer sees ERR_CARD_DECLINED at checkout", "payments/declined-cards"},
        Case{"HTTP 502", "payments/api-server-errors"}, Case{"http 502", "payments/api-server-errors"},
        Case{"we get HTTP 502 from the API since this morning", "payments/api-server-errors"}}) {
    SearchResponse res = Run(c.query);
    ASSERT_FALSE(res.hits.empty()) << c.query;
    EXPECT_EQ(res.hits[0].id, c.id) << c.query;
    EXPECT_TRUE(res.hits[0].exact) << c.query;
  }
}

TEST_F(RankingContentTest, EveryFrontMatterErrorCodeRanksAnItemClaimingItFirst) {
  int codes = 0;
  for (const Item& item : *items_) {
    for (const std::string& code : item.error_codes) {
      ++codes;
      SearchResponse res = Run(code);
      ASSERT_FALSE(res.hits.empty()) << code;
      const std::vector<std::string>& claimed = res.hits[0].error_codes;
      EXPECT_NE(std::find(claimed.begin(), claimed.end(), code), claimed.end())
          << code << " (claimed by " << item.id << ") ranked " << res.hits[0].id << " first";
      EXPECT_TRUE(res.hits[0].exact) << code;
    }
  }
  EXPECT_GT(codes, 30);
}

TEST_F(RankingContentTest, PhraseQueryRanksAnItemContainingThePhraseFirst) {
  // Each phrase is in a few items, while its words also occur apart in more items. Without the phrase boost,
  // an item with the words apart ranks first for the first three.
  for (const char* phrase : {"account number", "arrival date", "bank account numbers", "first response", "card number",
                             "request id", "bank statement", "exponential backoff"}) {
    SearchResponse res = Run(phrase);
    ASSERT_FALSE(res.hits.empty()) << phrase;
    const std::string needle = Words(phrase);
    EXPECT_NE(ItemWords(res.hits[0].id).find(needle), std::string::npos)
        << phrase << ": first hit " << res.hits[0].id << " does not contain the phrase";
    std::string in_quotes(1, '"');  // appended: GCC 12 warns (-Wrestrict, a false positive) on "\"" + std::string
    in_quotes.append(phrase).push_back('"');
    SearchResponse quoted = Run(in_quotes, 100);
    ASSERT_FALSE(quoted.hits.empty()) << phrase;
    for (const SearchHit& hit : quoted.hits) {
      EXPECT_NE(ItemWords(hit.id).find(needle), std::string::npos) << "\"" << phrase << "\" matched " << hit.id;
    }
  }
}

TEST_F(RankingContentTest, StaleRanksBelowVerifiedForEqualText) {
  SearchResponse res = Run("ledger reconciliation drift settlement batch");
  std::vector<std::string> ids = Ids(res);
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[0], "synthetic/ledger-fresh");
  EXPECT_EQ(ids[1], "synthetic/ledger-stale");
  EXPECT_FALSE(res.hits[0].stale);
  EXPECT_TRUE(res.hits[1].stale);
  EXPECT_GT(res.hits[0].score, res.hits[1].score);
}

TEST_F(RankingContentTest, AnsweringSectionAnchorIsReturned) {
  struct Case {
    const char* query;
    const char* id;
    const char* anchor;
  };
  for (const Case& c :
       {Case{"how long do refunds take", "payments/refund-timing", "how-long-refunds-take"},
        Case{"why are cards declined", "payments/declined-cards", "why-cards-are-declined"},
        Case{"webhook signature verification fails", "payments/webhook-signatures", "why-signatures-fail"}}) {
    SearchResponse res = Run(c.query);
    ASSERT_FALSE(res.hits.empty()) << c.query;
    EXPECT_EQ(res.hits[0].id, c.id) << c.query;
    EXPECT_EQ(res.hits[0].section_anchor, c.anchor) << c.query;
  }
}

TEST_F(RankingContentTest, PastedCustomerMessageFindsTheArticle) {
  // A whole customer email, as an engineer pastes it: the code in it decides the first result.
  const std::string email =
      "Hello support team, since yesterday afternoon a good number of our customers cannot complete their "
      "purchases in our web shop. They fill in the checkout form, press pay, and after a few seconds they see a "
      "message that the payment did not go through. Our developer looked at the logs and says the API answered "
      "with ERR_CARD_DECLINED for most of them, although several customers insist their cards work fine in "
      "other shops and they have enough money on the account. Is something wrong on your side? We are losing "
      "sales every hour this goes on, so please tell us what we should do or what we should tell our customers.";
  SearchResponse res = Run(email);
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].id, "payments/declined-cards");
  EXPECT_TRUE(res.hits[0].exact);

  // The same kind of message without any code: the topic words must still find the right area.
  const std::string no_code =
      "Hi, we set up the endpoint for your notifications last week following the guide, and events were "
      "arriving fine at first. Since we rotated our secrets on Monday every webhook event we receive fails our "
      "signature check, the computed value never matches the header you send. We did not change anything "
      "else in the code. Could the timestamp tolerance be the problem, or do we need to do something in the "
      "dashboard after rotating the webhook signing secret? Thanks for any help with this.";
  res = Run(no_code);
  ASSERT_FALSE(res.hits.empty());
  std::vector<std::string> top3 = Ids(res);
  top3.resize(std::min<std::size_t>(3, top3.size()));
  EXPECT_NE(std::find(top3.begin(), top3.end(), "payments/webhook-signatures"), top3.end())
      << "top 3: " << ::testing::PrintToString(top3);
}

TEST_F(RankingContentTest, PastedLogExcerptOfThreeHundredWordsIsAnswered) {
  // A log excerpt with noise (ids, timestamps, repeated lines) around one error code.
  std::string log;
  for (int i = 0; i < 30; ++i) {
    log += "2026-11-20T10:" + std::to_string(10 + i) + ":02Z worker-" + std::to_string(i % 4) + " INFO request req_" +
           std::to_string(7000 + i) + " POST /v1/payouts accepted queued ";
  }
  log += "2026-11-20T10:41:07Z worker-2 ERROR payout po_8812 failed ERR_PAYOUT_FAILED bank rejected account";
  ASSERT_LE(log.size(), 4096u);
  SearchResponse res = Run(log);
  ASSERT_FALSE(res.hits.empty());
  EXPECT_EQ(res.hits[0].id, "payments/failed-payouts");
  EXPECT_TRUE(res.hits[0].exact);
}

// ---- What support engineers actually type (issue: right answer first) ------------------------------------

TEST_F(RankingContentTest, EnglishQueriesShowEnglishItemsOnly) {
  // The Turkish items quote the API's English names (refund.failed, ERR_CARD_DECLINED): they used to rank
  // first for these, and an engineer copied a Turkish reply to an English customer.
  for (const char* q : {"refund failed", "payment failed", "webhook failed", "ERR_CARD_DECLINED", "card declined",
                        "refund status", "webhook not received"}) {
    SearchResponse res = Run(q);
    ASSERT_FALSE(res.hits.empty()) << q;
    EXPECT_EQ(res.language, "en") << q;
    for (const SearchHit& h : res.hits) EXPECT_EQ(h.lang, "en") << q << ": " << h.id;
  }
  EXPECT_EQ(Run("refund failed").hits[0].id, "payments/refund-failures");  // its alias, not tr/iade-islemleri
  SearchResponse code = Run("ERR_CARD_DECLINED");
  EXPECT_EQ(code.hits[0].id, "payments/declined-cards");
  for (const SearchHit& h : code.hits) EXPECT_NE(h.id, "tr/cevaplar/kart-reddi-yaniti");
}

TEST_F(RankingContentTest, TurkishQueriesFindTurkishItemsWithOrWithoutDiacritics) {
  for (const char* q : {"iade", "kart reddedildi", "iadem gelmedi", "ödeme iade olmadı", "odeme iade olmadi",
                        "kart reddedildi neden", "para iadesi ne zaman yansir"}) {
    SearchResponse res = Run(q);
    ASSERT_FALSE(res.hits.empty()) << q;
    EXPECT_EQ(res.language, "tr") << q;
    EXPECT_EQ(res.hits[0].lang, "tr") << q << ": " << res.hits[0].id;
  }
  // Without diacritics the same item comes first as with them.
  EXPECT_EQ(Run("odeme iade olmadi").hits[0].id, Run("ödeme iade olmadı").hits[0].id);
  SearchResponse folded = Run("odeme");
  EXPECT_TRUE(folded.corrected_query.empty()) << "folded Turkish is not a typo: " << folded.corrected_query;
  ASSERT_FALSE(folded.hits.empty());
  EXPECT_EQ(folded.hits[0].lang, "tr");
}

// A word the index lacks is corrected only towards a word that starts with the same letter: real words that
// content/ happens not to have were "corrected" into other words and the page said so ("Showing results for
// can't refund order from last hear"). Misspellings, which keep their first letter, are still corrected.
TEST_F(RankingContentTest, RealWordsAreNotCorrectedIntoOtherWords) {
  for (const char* q : {"can't refund order from last year", "how do I make my replies sound less robotic",
                        "iade ettiler ama hesaba yatmadı"}) {
    EXPECT_EQ(Run(q).corrected_query, "") << q;
  }
  EXPECT_EQ(Run("rate limt exceded").corrected_query, "rate limit exceed");
  EXPECT_EQ(Run("sandbox tset cards").corrected_query, "sandbox test cards");
  // Turkish typed without ç ğ ı ö ş ü: a word two edits from an indexed word spelled with them is another word
  // form ("olmadi" is not "olması"), while one edit away is still a typo ("gelmdi" → "gelmedi").
  for (const char* q : {"iade olmadi", "odeme tamamlanmadi"}) EXPECT_EQ(Run(q).corrected_query, "") << q;
  EXPECT_EQ(Run("iadem gelmdi").corrected_query, "iadem gelmedi");
  EXPECT_EQ(Run("api anahatrı sızdı").corrected_query, "api anahtarı sızdı");
}

TEST_F(RankingContentTest, TurkishWordsTheIndexLacksAreNotCorrectedIntoOtherForms) {
  // The Turkish word list (Debian hunspell-tr, which scripts/install-deps.sh installs) knows these words, so they
  // are searched as typed; without it, each became another word the index has: imzası → imzalı ("signed"),
  // yatar → yapar, reddediliyor → reddedilir, yaptik → yapmak, parasini → phrasing. ("etmek" → "etmez" was one
  // too; it is a function word now, never corrected.)
  ASSERT_TRUE(std::filesystem::exists("/usr/share/hunspell/tr_TR.dic")) << "install hunspell-tr";
  ASSERT_TRUE(std::filesystem::exists("/usr/share/hunspell/en_US.dic")) << "install hunspell-en-us";
  EXPECT_EQ(searcher_->LoadWordLists(), 2);  // English and Turkish
  const std::vector<std::string> real = {"webhook imzası doğrulanmıyor", "aktarim ne zaman yatar",
                                         "musterinin karti neden reddediliyor",
                                         "iade yaptik ama musteri parasini goremedi"};
  // Another form of the same word that the index has is searched, as a stem would be, without being shown.
  ExpectSearchedAsTyped(real, "musterinin karti neden reddediliyor", "tr/kart-reddedildi");
  // Typos are not words: still corrected.
  EXPECT_EQ(Run("iadem gelmdi").corrected_query, "iadem gelmedi");
  EXPECT_EQ(Run("webhok gelmiyo").corrected_query, "webhook gelmiyor");
  EXPECT_EQ(Run("yetersz bakiye").corrected_query, "yetersiz bakiye");
  // Without a dictionary where it is looked for, as without one configured, the index's nearest word wins.
  EXPECT_EQ(CorrectedWithoutWordLists("/nonexistent", real), real);
}

TEST_F(RankingContentTest, EnglishWordsTheIndexLacksAreNotCorrectedIntoOtherWords) {
  // No item says "invoice", "pushed", "info" or "firing": without Debian's English word list (hunspell-en-us)
  // each became the index's nearest word, and the page said "Showing results for customer wants involve".
  ASSERT_TRUE(std::filesystem::exists("/usr/share/hunspell/en_US.dic")) << "install hunspell-en-us";
  const std::vector<std::string> real = {"customer wants invoice", "accidentally pushed secret key to github",
                                         "what info to include when handing a ticket to engineering",
                                         "sandbox webhook not firing"};
  // The article is still found without the wrong word.
  ExpectSearchedAsTyped(real, "accidentally pushed secret key to github", "payments/leaked-api-key");
  // Typos are not words, and a word with two neighbouring letters swapped is the commonest slip that makes one:
  // both are still corrected.
  EXPECT_EQ(Run("webhok retires").corrected_query, "webhook retries");
  EXPECT_EQ(Run("refnd faild").corrected_query, "refund failed");
}

TEST_F(RankingContentTest, NamesTypedInLowercaseAreNotCorrectedIntoOtherWords) {
  // The word lists write names with capitals (iPhone, Ankara) and Hunspell rejects them in lowercase, as engineers
  // type them: the index's nearest word replaced them ("on phone", "anlama şubemizde").
  ASSERT_TRUE(std::filesystem::exists("/usr/share/hunspell/en_US.dic")) << "install hunspell-en-us";
  ASSERT_TRUE(std::filesystem::exists("/usr/share/hunspell/tr_TR.dic")) << "install hunspell-tr";
  const std::vector<std::string> names = {"3ds popup not showing on iphone", "ankara şubemizde iade yapılmadı",
                                          "ankara subesinde iade yapilmadi"};
  ExpectSearchedAsTyped(names, "3ds popup not showing on iphone", "payments/three-d-secure");
  // A misspelt name is still corrected when the index holds the name ("paylne" → "paylane").
  EXPECT_EQ(Run("paylne refund").corrected_query, "paylane refund");
}

TEST_F(RankingContentTest, WordsNoItemHoldsAreNamed) {
  // No item mentions GDPR: "gdpr request" lists items about requests (rate limits), and the engineer must be told
  // that these match the other word only, not the one that mattered.
  SearchResponse gdpr = Run("GDPR request");
  EXPECT_GT(gdpr.total, 0);
  EXPECT_EQ(gdpr.missing_words, std::vector<std::string>({"gdpr"}));
  EXPECT_EQ(Run("klarna kvkk klarna refund").missing_words, std::vector<std::string>({"klarna", "kvkk"}));
  // An English word the items lack, though some index word begins as it does ("involve"): the four-letter rule
  // is for Turkish forms, and "invoice" found nothing while nothing said why. A word made from an index word
  // ("percentage", from "percent") is not missing.
  SearchResponse invoice = Run("invoice");
  EXPECT_EQ(invoice.total, 0u);
  EXPECT_EQ(invoice.missing_words, std::vector<std::string>({"invoice"}));
  // Not missing: a word the items hold, another form of one (stem), a typo searched as its correction, a word the
  // synonyms map to items' words (amex → American Express), a Turkish word without its letters, a word excluded.
  for (const std::string q :
       {"refund failed", "refunds failing", "webhok retires", "amex cards not accepted", "exchange rate fee percentage",
        "kart reddedildi", "iade yapilamadi", "refund -gdpr", "refund NOT gdpr",
        // Function words: "because of", "wants" ("yüzünden", "istiyor"), which no item needs to mention.
        "dovz kuru yuzunden fazla cekilmis", "musteri iade istiyor"}) {
    EXPECT_EQ(Run(q).missing_words, std::vector<std::string>()) << q;
  }
  // Nor the word still being typed, nor the words of a pasted message (names, signatures).
  SearchRequest typing{.query = "request gdp", .today = kToday};
  typing.partial = true;
  auto partial = searcher_->Search(typing);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->missing_words, std::vector<std::string>());
  EXPECT_EQ(Run("Hi team,\nour customer Zbigniew asks for a GDPR export of his refunds.\nThanks, Wojtek").missing_words,
            std::vector<std::string>());
  // Nor the words of a link (URL, path, host, e-mail address): they name the customer's own things.
  for (const std::string q : {"https://shop.example.com/hooks/paylane returns 404", "webhook to api.acme.io failing",
                              "ops@acmeshop.io asks about payouts", "refund failed on acme.co.uk"}) {
    EXPECT_EQ(Run(q).missing_words, std::vector<std::string>()) << q;
  }
  EXPECT_EQ(Run("gdpr request from ops@acmeshop.io").missing_words, std::vector<std::string>({"gdpr"}));
}

// The words a snippet marks, lowercase.
std::set<std::string> MarkedWords(const SearchResponse& res) {
  std::set<std::string> marked;
  for (const SearchHit& h : res.hits) {
    for (std::size_t at = h.snippet.find("<mark>"); at != std::string::npos; at = h.snippet.find("<mark>", at + 1)) {
      const std::size_t end = h.snippet.find("</mark>", at);
      std::string w = h.snippet.substr(at + 6, end - at - 6);
      std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
      marked.insert(w);
    }
  }
  return marked;
}

TEST_F(RankingContentTest, SnippetsMarkTheWordsThatMatterNotFunctionWords) {
  // "to", "the", "how" were marked in every snippet, hiding the words the engineer looks for.
  for (const std::string q : {"how to verify webhook", "webhook to the server failing", "iade ne zaman gelir"}) {
    const std::set<std::string> marked = MarkedWords(Run(q));
    EXPECT_FALSE(marked.empty()) << q;
    for (const char* w : {"how", "to", "the", "ne"}) EXPECT_EQ(marked.count(w), 0u) << q << ": " << w;
  }
  EXPECT_EQ(MarkedWords(Run("how to verify webhook")).count("verify"), 1u);
  // A query of nothing but function words still marks them: they are all it has.
  EXPECT_EQ(MarkedWords(Run("to be or not to be")).count("to"), 1u);
}

TEST_F(RankingContentTest, ContractionsTypedWithoutApostrophesReadAsWithThem) {
  // On shift people type "dont" and "isnt". They were "corrected" to other words ("webhooks done work", "refund
  // int showing"), or named as words no item mentions ("cant", "didnt"). They read as "don't" and "isn't":
  // no correction, no missing word, the same results as with the apostrophe.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"webhooks dont work", "webhooks don't work"},     {"refund isnt showing", "refund isn't showing"},
      {"payout didnt arrive", "payout didn't arrive"},   {"card wont go through", "card won't go through"},
      {"customer cant refund", "customer can't refund"}, {"whats a chargeback", "what's a chargeback"}};
  for (const auto& [plain, with] : pairs) {
    SearchResponse typed = Run(plain, 5);
    EXPECT_EQ(typed.suggestion, "") << plain;
    EXPECT_EQ(typed.corrected_query, "") << plain;
    EXPECT_EQ(typed.missing_words, std::vector<std::string>()) << plain;
    EXPECT_EQ(Ids(typed), Ids(Run(with, 5))) << plain;
  }
  // "didnt" reports a problem as "didn't" does: the article that troubleshoots failed payouts is lifted.
  auto res = searcher_->Search({.query = "payout didnt", .size = 10, .today = kToday, .explain = true});
  ASSERT_TRUE(res.ok());
  bool lifted = false;
  for (const SearchHit& h : res->hits) {
    for (const ScorePart& p : h.explain) lifted = lifted || (h.id == "payments/failed-payouts" && p.part == "problem");
  }
  EXPECT_TRUE(lifted);
}

TEST_F(RankingContentTest, OtherLanguagesOnlyWhenNothingMatchesOrWhenAsked) {
  // Asked for: lang:tr shows Turkish items for English words.
  SearchResponse asked = Run("refund lang:tr");
  ASSERT_FALSE(asked.hits.empty());
  for (const SearchHit& h : asked.hits) EXPECT_EQ(h.lang, "tr") << h.id;
  // A word only Turkish items have: they show, whatever the reader's language.
  auto res = searcher_->Search({.query = "reddedildi", .today = kToday, .language = "en"});
  ASSERT_TRUE(res.ok());
  ASSERT_FALSE(res->hits.empty());
  EXPECT_EQ(res->hits[0].lang, "tr");
}

TEST_F(RankingContentTest, OtherLanguagesFallbackCountsFacetsOnce) {
  // English by its function words, but only Turkish items have the one real word: the Turkish fallback runs,
  // with pseudo-relevance feedback (a long question), and its facets count each result once.
  auto res = searcher_->Search({.query = "what is this and why was it so when they were there with us then reddedildi",
                                .facets = {"lang"},
                                .today = kToday});
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_FALSE(res->hits.empty());
  EXPECT_EQ(res->language, "en");
  EXPECT_EQ(res->hits[0].lang, "tr");
  int counted = 0;
  for (const FacetValue& v : res->facets["lang"]) counted += v.count;
  EXPECT_EQ(counted, res->total);
}

TEST_F(RankingContentTest, ReaderLanguageDecidesWhenTheWordsDoNot) {
  // "paylane" is in every language's items: the reader's language decides; the words win when they speak.
  auto tr = searcher_->Search({.query = "paylane", .today = kToday, .language = "tr"});
  auto en = searcher_->Search({.query = "paylane", .today = kToday, .language = "en"});
  ASSERT_TRUE(tr.ok() && en.ok());
  ASSERT_FALSE(tr->hits.empty());
  ASSERT_FALSE(en->hits.empty());
  EXPECT_EQ(tr->language, "tr");
  EXPECT_EQ(tr->hits[0].lang, "tr");
  EXPECT_EQ(en->hits[0].lang, "en");
  // "iade" is in Turkish items and, as an example query, in the English article about kb (boost 0.6): that
  // quote is not English, so the word decides, also for an English reader.
  for (const std::string q : {"iade", "iade olmadi"}) {
    auto turkish = searcher_->Search({.query = q, .today = kToday, .language = "en"});
    ASSERT_TRUE(turkish.ok());
    ASSERT_FALSE(turkish->hits.empty()) << q;
    EXPECT_EQ(turkish->language, "tr") << q;
    EXPECT_EQ(turkish->hits[0].id, "tr/iade-islemleri") << q;
  }
  auto words = searcher_->Search({.query = "why was the refund rejected", .today = kToday, .language = "tr"});
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(words->language, "en");
}

TEST_F(RankingContentTest, PastedMessagesAreTextNotQuerySyntax) {
  struct Case {
    std::string text;
    const char* first;
  };
  const std::vector<Case> cases = {
      // A signature's phone number: "+44" used to be a required term, and this found nothing.
      {"Hello,\n\nwe accidentally pushed our live secret key to a public GitHub repo this morning. Someone may "
       "have copied it. What do we do now, and will payments stop working?\n\nThanks,\nMaria Lopez\n"
       "+44 20 7946 0321",
       "payments/leaked-api-key"},
      // A pasted JSON line: quotes and a colon, not a phrase and a field.
      {R"("decline_code": "do_not_honor")", "payments/declined-cards"},
      // Operators inside prose: AND, NOT, parentheses and a minus.
      {"Hi team - the customer (order 4411) says the card was declined AND NOT charged, error "
       "ERR_INSUFFICIENT_FUNDS -- can you check?",
       "payments/declined-cards"},
  };
  for (const Case& c : cases) {
    SearchResponse res = Run(c.text);
    ASSERT_FALSE(res.hits.empty()) << c.text;
    EXPECT_EQ(res.hits[0].id, c.first) << c.text;
  }
}

TEST_F(RankingContentTest, PastedMessageRanksTheExplainingArticleFirst) {
  // Greetings and filler ("Hi", "customer", "money", "still", "help") used to rank scripted answers first
  // and "Failed refunds" 18th.
  const std::string message =
      "Hi, we tried to refund order 8812 yesterday but the dashboard shows 'refund_failed' and the money is "
      "still on our side. Can you help?";
  SearchResponse res = Run(message);
  ASSERT_GE(res.hits.size(), 3u);
  std::vector<std::string> top3 = Ids(res);
  top3.resize(3);
  EXPECT_NE(std::find(top3.begin(), top3.end(), "payments/refund-failures"), top3.end())
      << ::testing::PrintToString(top3);
  EXPECT_EQ(res.hits[0].kind, Kind::kArticle) << res.hits[0].id;
}

TEST_F(RankingContentTest, ReplyWordsInAPastedMessageAreTheCustomers) {
  // "How do we respond" is the merchant asking how to answer a dispute, not the engineer asking for a scripted
  // answer: the article that explains disputes comes first, the answer to send next. A typed question that asks
  // what to send still puts the answer first.
  const std::string message =
      "Hi, we received a dispute notification for payment pay_99ZZ for 250 USD, reason \"fraudulent\". The "
      "customer definitely received the goods, we have tracking. How do we respond and what's the deadline?";
  const std::vector<std::string> ids = Ids(Run(message));
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[0], "payments/disputes");
  EXPECT_EQ(ids[1], "payments/answers/dispute-received");
  EXPECT_EQ(Ids(Run("what do I reply to a merchant about a new dispute")).at(0), "payments/answers/dispute-received");
}

TEST_F(RankingContentTest, IdentifierSpellingsAndBareStatusesFindTheSameItems) {
  const std::string first = Run("refund.failed").hits.at(0).id;
  for (const char* q : {"refund_failed", "refund-failed", "REFUND_FAILED"}) {
    SearchResponse res = Run(q);
    ASSERT_FALSE(res.hits.empty()) << q;
    EXPECT_EQ(res.hits[0].id, first) << q;
  }
  // The other way round: the articles write ERR_CARD_DECLINED, one word to the index. Typed with hyphens or
  // dots it found only the item that claims the code, not the others that explain it.
  const std::vector<std::string> code = Ids(Run("ERR_CARD_DECLINED"));
  ASSERT_GE(code.size(), 3u);
  for (const char* q : {"ERR-CARD-DECLINED", "err.card.declined", "err-card-declined?"})
    EXPECT_EQ(Ids(Run(q)), code) << q;
  SearchResponse status = Run("402");
  ASSERT_FALSE(status.hits.empty());
  EXPECT_EQ(status.hits[0].id, "payments/declined-cards");
  EXPECT_TRUE(status.hits[0].exact);
  EXPECT_EQ(Run("429").hits.at(0).id, "payments/rate-limits");
}

TEST_F(RankingContentTest, NegativeOperatorsExclude) {
  auto mentions_refund = [&](const std::string& id) { return ItemWords(id).find(" refund") != std::string::npos; };
  for (const char* q : {"-refund", "NOT refund", "webhook -refund", "webhook NOT refund"}) {
    SearchResponse res = Run(q, 100);
    ASSERT_FALSE(res.hits.empty()) << q;
    for (const SearchHit& h : res.hits) EXPECT_FALSE(mentions_refund(h.id)) << q << " returned " << h.id;
  }
  // A pure negative query lists everything else: more than the items about webhooks alone.
  EXPECT_GT(Run("-refund", 100).total, Run("webhook -refund", 100).total);
}

TEST_F(RankingContentTest, AsYouTypeShowsTheFinalSearchsCorrectionAndOrder) {
  auto run = [&](const std::string& q, bool partial) {
    auto res = searcher_->Search({.query = q, .size = 10, .partial = partial, .today = kToday});
    EXPECT_TRUE(res.ok()) << q;
    return res.ok() ? *res : SearchResponse{};
  };
  // Each time a word is complete, the list as-you-type is the final list.
  // A query of one whole word decides its language as the final search does: "iade" as-you-type listed the
  // English article about kb (it quotes "iade"), and Turkish refunds only once the engineer pressed Enter.
  for (const char* q : {"webhook", "webhook retries", "refund failed", "card declined insufficient funds", "iade",
                        "kart", "kart reddedildi", "webhok"}) {
    EXPECT_EQ(Ids(run(q, true)), Ids(run(q, false))) << q;
  }
  EXPECT_EQ(run("iade", true).language, "tr");
  // Never a correction the final search would not make.
  SearchResponse typing = run("webhok retires", true);
  SearchResponse final_search = run("webhok retires", false);
  EXPECT_EQ(typing.corrected_query, final_search.corrected_query);
  EXPECT_EQ(final_search.corrected_query, "webhook retries");
  EXPECT_EQ(Ids(typing), Ids(final_search));
  // A half-typed word does not turn an English query Turkish ("ret" is a Turkish word).
  SearchResponse half = run("webhok ret", true);
  ASSERT_FALSE(half.hits.empty());
  for (const SearchHit& h : half.hits) EXPECT_EQ(h.lang, "en") << h.id;
}

TEST_F(RankingContentTest, MetaArticlesDoNotOutrankProductArticles) {
  for (const char* q : {"webhook not received", "card declined", "refund", "iade", "ERR_CARD_DECLINED"}) {
    SearchResponse res = Run(q);
    std::vector<std::string> top3 = Ids(res);
    top3.resize(std::min<std::size_t>(3, top3.size()));
    for (const std::string& id : top3) EXPECT_NE(id, "handbook/kb-search") << q;
  }
  // Asked about kb itself, the article about kb still comes first.
  EXPECT_EQ(Run("kb query syntax").hits.at(0).id, "handbook/kb-search");
  // Also when the question names the article's title only in passing: an item of `scope: kb` ranks below
  // product items for product words, not for questions about it.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"search results in Turkish only", "handbook/kb-search"},
      {"searching for refunds in another language", "handbook/kb-search"},
      {"gaps in the knowledge base this week", "handbook/knowledge-gaps"},
  };
  SearcherOptions off;
  off.ranking.about_kb_title_lift = false;
  ExpectFirstOnlyWith(cases, off, "the title lift");
}

TEST_F(RankingContentTest, RelatedStartsFromTheItemsOwnLinks) {
  auto related = searcher_->Related("payments/refund-failures", 5);
  ASSERT_TRUE(related.ok());
  std::vector<std::string> ids;
  for (const SearchHit& h : *related) ids.push_back(h.id);
  for (const char* linked : {"payments/refund-timing", "payments/refunds"}) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), linked), ids.end())
        << linked << " in " << ::testing::PrintToString(ids);
  }
  auto answer = searcher_->Related("payments/answers/refund-status", 5);
  ASSERT_TRUE(answer.ok());
  ASSERT_FALSE(answer->empty());
  for (const SearchHit& h : *answer) EXPECT_EQ(h.lang, "en") << h.id;  // never a Turkish reply as related
}

TEST_F(RankingContentTest, LongTicketNamingAnAliasKeepsTheAliasBoost) {
  // Over long_query_words words a query is read as verbose, and it used to lose its title and alias boosts: a
  // ticket that says an article's own alias ranked that article 4th and 6th, below items that merely share
  // more of its words.
  const std::vector<std::pair<std::string, std::string>> tickets = {
      {"Hello, since the maintenance window on Tuesday our webhooks not received at all in production, the orders "
       "pile up and our warehouse team is asking me every hour. Thanks, Tom",
       "payments/webhook-delivery"},
      {"Hi there, one of our customers says the refund rejected by bank message appeared in the app after we "
       "pressed refund on Friday evening for her concert tickets. Regards, Lee",
       "payments/refund-failures"},
  };
  SearcherOptions off;
  off.ranking.long_query_fields = false;
  auto without = Searcher::Open({dir_->Sub("db")}, off);
  ASSERT_TRUE(without.ok());
  auto rank_of = [](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) - ids.begin() + 1;
  };
  for (const auto& [ticket, article] : tickets) {
    const std::vector<std::string> ids = Ids(Run(ticket));
    auto old = (*without)->Search({.query = ticket, .size = 10, .today = kToday});
    ASSERT_TRUE(old.ok());
    EXPECT_LE(rank_of(ids, article), 2) << ::testing::PrintToString(ids);
    EXPECT_LT(rank_of(ids, article), rank_of(Ids(*old), article)) << ::testing::PrintToString(Ids(*old));
  }
}

TEST_F(RankingContentTest, AQuestionsFrameDoesNotDecideItsTopic) {
  // "How long ... take" and "how many" are the question, not its topic: "Refund timing" (its heading "How long
  // refunds take") came first for payouts and disputes, "Rate limits" (its alias "too many requests") for
  // webhook retries.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"how long do payouts take", "payments/payouts"},
      {"how long does a dispute take?", "payments/disputes"},
      {"how many retries for webhooks", "payments/webhook-delivery"},
  };
  SearcherOptions off;
  off.ranking.question_frame_weight = 1;
  ExpectFirstOnlyWith(cases, off, "the question frame");
  // The timing words still count, at half weight: "how long do refunds take" is "Refund timing", which
  // dropping them put below "Refunding a payment".
  EXPECT_EQ(Ids(Run("how long do refunds take")).at(0), "payments/refund-timing");
  // As-you-type shows what the final search will: the frame is read the same way while the question is typed.
  SearchRequest typing{.query = "how long do payouts take", .today = kToday};
  typing.partial = true;
  auto partial = searcher_->Search(typing);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(Ids(*partial), Ids(Run("how long do payouts take")));
}

TEST_F(RankingContentTest, TypedProblemPutsTheTroubleshootingArticleBeforeTheOverview) {
  // A typed query that says something went wrong wants the article about that failure, not the overview of
  // the topic that shares its words: "Setting up webhooks" and "Refunding a payment" used to come first.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"webhook events stopped arriving", "payments/webhook-delivery"},
      {"refund failed, customer's card cancelled", "payments/refund-failures"},
  };
  SearcherOptions off;
  off.ranking.problem_factor = 1;
  ExpectFirstOnlyWith(cases, off, "the problem factor");
  // Neither a pasted message (its greeting and story name problems of every kind) nor a query that reports
  // none gets the factor.
  for (const std::string& query : {std::string("Hi team, our refund failed yesterday and the customer is upset. "
                                               "Could you look into it please? Thanks, Ana"),
                                   std::string("how do webhooks work")}) {
    auto res = searcher_->Search({.query = query, .size = 10, .today = kToday, .explain = true});
    ASSERT_TRUE(res.ok());
    ASSERT_FALSE(res->hits.empty()) << query;
    for (const SearchHit& h : res->hits) {
      for (const ScorePart& p : h.explain) EXPECT_NE(p.part, "problem") << query << " " << h.id;
    }
  }
}

TEST_F(RankingContentTest, FirstPersonQuestionsAboutTheShiftFindTheHandbook) {
  // An engineer asking about their own work names product words in passing: "a stuck payout" put the payout
  // schedule above the escalation article. Items of `scope: process` rank higher for such questions.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"who do I escalate a stuck payout to", "handbook/escalation"},
      {"how do I make my replies sound less robotic", "handbook/writing-to-customers"},
      {"merchant sent their live secret key in the ticket, what do I do", "handbook/customer-data-handling"},
  };
  SearcherOptions off;
  off.ranking.process_factor = 1;
  ExpectFirstOnlyWith(cases, off, "the process factor");
  // Product questions in the first person keep their product article; a question that names no one and a
  // customer's message get no factor at all.
  for (const auto& [query, article] :
       std::vector<std::pair<std::string, std::string>>{{"how do I refund a customer", "payments/refunds"},
                                                        {"why was my card declined", "payments/declined-cards"},
                                                        {"where do I find the payout id", "payments/payouts"}}) {
    const std::vector<std::string> ids = Ids(Run(query));
    ASSERT_FALSE(ids.empty()) << query;
    EXPECT_EQ(ids.front(), article) << query << ": " << ::testing::PrintToString(ids);
  }
  for (const std::string& query : {std::string("Hi team, I tried to escalate my refund yesterday and nobody "
                                               "answered. Could you look into it please? Thanks, Ana"),
                                   std::string("escalation to l2")}) {
    auto res = searcher_->Search({.query = query, .size = 10, .today = kToday, .explain = true});
    ASSERT_TRUE(res.ok());
    ASSERT_FALSE(res->hits.empty()) << query;
    for (const SearchHit& h : res->hits) {
      for (const ScorePart& p : h.explain) EXPECT_NE(p.part, "process") << query << " " << h.id;
    }
  }
}

TEST_F(RankingContentTest, AnEndedIncidentRanksBelowTheArticlesThatAnswerToday) {
  // The dashboard-exports incident ended on 2026-11-18: it was first for an API timeout on exports, a
  // question the API errors article answers.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"api timing out on large exports", "payments/api-server-errors"},
  };
  SearcherOptions off;
  off.ranking.ended_factor = 1;
  ExpectFirstOnlyWith(cases, off, "the ended factor");
  // It is still found first when a ticket describes its symptoms, and an incident is not ended the day its
  // `until` falls on.
  const std::string symptoms = "dashboard CSV export stuck on preparing for an hour";
  EXPECT_EQ(Ids(Run(symptoms)).front(), "incidents/2026-11-dashboard-exports-delayed");
  for (const char* today : {"2026-11-18", "2026-11-19"}) {
    auto res = searcher_->Search({.query = symptoms, .size = 10, .today = today, .explain = true});
    ASSERT_TRUE(res.ok());
    ASSERT_FALSE(res->hits.empty());
    const std::vector<ScorePart>& parts = res->hits.front().explain;
    const bool ended = std::any_of(parts.begin(), parts.end(), [](const ScorePart& p) { return p.part == "ended"; });
    EXPECT_EQ(ended, std::string(today) == "2026-11-19") << today;
  }
}

TEST_F(RankingContentTest, ASynonymWrittenAsAPhraseFindsTheArticleThatUsesIt) {
  // content/synonyms.txt: "amex, american express"; the article names the brand in full only.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"amex cards not accepted", "payments/card-details-errors"},
  };
  SearcherOptions off;
  off.ranking.synonym_phrases = false;
  ExpectFirstOnlyWith(cases, off, "synonym phrases");
}

TEST_F(RankingContentTest, WordsTheGapViewNamedFindTheirArticles) {
  // "bounced" was a word no item held, and "Payout schedule" came first for a returned payout: "Failed
  // payouts" now lists the alias "payout bounced".
  const SearchResponse bounced = Run("payout bounced back from bank");
  EXPECT_TRUE(bounced.missing_words.empty()) << ::testing::PrintToString(bounced.missing_words);
  ASSERT_FALSE(bounced.hits.empty());
  EXPECT_EQ(bounced.hits.front().id, "payments/failed-payouts");
  // Webhook tools call resending "replay" (content/synonyms.txt "resend, replay, redeliver"); "Setting up
  // webhooks" came first.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"replay events from last month", "payments/webhook-delivery"},
  };
  SearcherOptions off;
  off.ranking.synonyms = false;
  ExpectFirstOnlyWith(cases, off, "synonyms");
}

TEST_F(RankingContentTest, FeedbackWeighsNoMoreThanTheQuestion) {
  // A 15-word question holds six stems; pseudo-relevance feedback added 20 terms from "Handing over an open
  // ticket", which outweighed the question's own words and put that article above the reply to send.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"what do I tell the customer when I pass their ticket to another team",
       "handbook/answers/escalating-your-ticket"},
  };
  SearcherOptions off;
  off.ranking.feedback_scaled = false;
  ExpectFirstOnlyWith(cases, off, "the feedback's scaling");
}

TEST_F(RankingContentTest, ACodeCountsOncePerItemThatMentionsIt) {
  // "P1" and "P2" are in the SLAs' table many times and in triage's priority list once each, beside "a leaked
  // API key": weighed by how often each item repeats them, the codes put the SLAs first.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"is a leaked api key P1 or P2", "handbook/ticket-triage"},
  };
  SearcherOptions off;
  off.ranking.code_text_once = false;
  ExpectFirstOnlyWith(cases, off, "a code counted once");
}

TEST_F(RankingContentTest, TurkishAuxiliaryVerbsDoNotRank) {
  // "oldu" (became) and "ettiler" (they did) carry no topic; "oldu" matched the leaked-key alias "api anahtarı
  // ifşa oldu" and put that article first for a blocked card, "ettiler" a dispute article for a refund.
  EXPECT_EQ(Ids(Run("kart bloke oldu")).front(), "tr/kart-reddedildi");
  EXPECT_EQ(Ids(Run("iade ettiler ama hesaba yatmadı")).front(), "tr/iade-islemleri");
}

TEST_F(RankingContentTest, AnAcronymFindsTheArticleThatWritesItsPlural) {
  // "Handling secrets and card data" writes "IBANs" only; a query keeps the ALL-CAPS "IBAN" unstemmed, and it
  // missed that article (its terms were "ibans" and the stem of it).
  const std::vector<std::string> ids = Ids(Run("IBAN"));
  EXPECT_NE(std::find(ids.begin(), ids.end(), "handbook/customer-data-handling"), ids.end())
      << ::testing::PrintToString(ids);
}

TEST_F(RankingContentTest, SubscribingToEventsFindsTheSetupArticle) {
  // Choosing an endpoint's events is "subscribing" in every webhook tool; only "Webhook retries and delivery
  // failures" said so ("subscribed to that event type"), and it came first. "Setting up webhooks" now does.
  EXPECT_EQ(Ids(Run("which events can we subscribe to")).front(), "payments/webhooks");
}

TEST_F(RankingContentTest, ACodeInATurkishQueryFindsTheTurkishItemThatMentionsIt) {
  // The English article claims the code (`error_codes`), the Turkish one mentions it in its text; a Turkish
  // query sees Turkish items only, where the code weighed no more than "hatası" and the alias words.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"E3001 hatası", "tr/gecikmis-aktarimlar"},
      {"ERR_3DS_TIMEOUT ne demek", "tr/3d-secure"},
  };
  SearcherOptions off;
  off.ranking.code_text_boost = 0;
  ExpectFirstOnlyWith(cases, off, "the code boost");
  // The English article that claims a code still comes first for it.
  EXPECT_EQ(Ids(Run("E3001")).front(), "payments/failed-payouts");
}

TEST_F(RankingContentTest, ACodeOnlyAnotherLanguageExplainsBringsItsArticle) {
  // A Turkish message quoting a code that only an English article holds: that article comes first, though
  // Turkish items match the message's words (sandbox has no Turkish article).
  const std::string message =
      "Merhaba, test ortamında sk_test_ anahtarımızla kendi kartımla ödeme denediğimde ERR_TEST_MODE_MISMATCH "
      "hatası alıyorum. Hangi kartları kullanmalıyız? Teşekkürler, Zeynep";
  SearchResponse coded = Run(message);
  ASSERT_FALSE(coded.hits.empty());
  EXPECT_EQ(coded.language, "tr");
  EXPECT_EQ(coded.hits[0].id, "payments/sandbox") << ::testing::PrintToString(Ids(coded));
  // explain names the rule: the English article's match weight is all this part's.
  auto explained = searcher_->Search({.query = message, .today = kToday, .explain = true});
  ASSERT_TRUE(explained.ok());
  ASSERT_FALSE(explained->hits.empty());
  double rule = 0, others = 0;
  for (const ScorePart& p : explained->hits[0].explain) {
    if (p.factor != 0) continue;  // factors (freshness, ...) come after the parts of the match
    (p.part == "other_language_code" ? rule : others) += p.value;
  }
  EXPECT_GT(rule, 0);
  EXPECT_EQ(others, 0);
  // Only the items holding the code join: the other English items stay out.
  SearcherOptions off;
  off.ranking.other_language_codes = false;
  auto without = Searcher::Open({dir_->Sub("db")}, off);
  ASSERT_TRUE(without.ok());
  auto old = (*without)->Search({.query = message, .today = kToday});
  ASSERT_TRUE(old.ok());
  for (const SearchHit& h : old->hits) EXPECT_EQ(h.lang, "tr") << "off: " << h.id;
  for (const SearchHit& h : coded.hits) {
    if (h.lang == "tr") continue;
    EXPECT_TRUE(h.id == "payments/sandbox" || h.id == "payments/answers/sandbox-test-cards") << h.id;
  }
  // The same message without the code: Turkish items only.
  std::string uncoded = message;
  uncoded.replace(uncoded.find("ERR_TEST_MODE_MISMATCH "), 23, "");
  for (const SearchHit& h : Run(uncoded).hits) EXPECT_EQ(h.lang, "tr") << h.id;
  // A Turkish item mentions one of the message's codes (E3002): it explains the message, and stays first.
  const SearchResponse held =
      Run("Merhaba, aktarımımız başarısız olmuş, panelde ERR_PAYOUT_FAILED ve E3002 yazıyor. IBAN'ımızı geçen ay "
          "değiştirdik, para şu an nerede?");
  ASSERT_FALSE(held.hits.empty());
  EXPECT_EQ(held.hits[0].id, "tr/gecikmis-aktarimlar") << ::testing::PrintToString(Ids(held));
  for (const SearchHit& h : held.hits) EXPECT_EQ(h.lang, "tr") << h.id;
}

}  // namespace
}  // namespace kb
