// kb/assist.h: what a ticket states for certain, and a scripted answer filled with only that.
#include "kb/assist.h"

#include <gtest/gtest.h>

#include "kb/item.h"

namespace kb {
namespace {

using Strings = std::vector<std::string>;

TEST(AssistTest, SignalsAreCodesStatusesAndIds) {
  const TicketSignals s = ExtractSignals(
      "Checkout fails with ERR_CARD_DECLINED (then E1042) for pay_3Fk9Qm2Lx and re_5Hn2Lk9Qp.\n"
      "The API said HTTP 502 and later \"503 Service Unavailable\"; status code 429 too. We sold 404 items, "
      "ERR_CARD_DECLINED again.");
  EXPECT_EQ(s.error_codes, (Strings{"ERR_CARD_DECLINED", "E1042"}));
  EXPECT_EQ(s.http_statuses, (Strings{"502", "503", "429"}));  // "404 items" is a count, not a status
  EXPECT_EQ(s.identifiers, (Strings{"pay_3Fk9Qm2Lx", "re_5Hn2Lk9Qp"}));
  const TicketSignals none = ExtractSignals("my_name is fine, E12 and ERR_ are not codes, snake_case neither");
  EXPECT_TRUE(none.error_codes.empty());
  EXPECT_TRUE(none.identifiers.empty());
}

TEST(AssistTest, NamesComeOnlyFromWhatTheTicketStates) {
  EXPECT_EQ(FindSenderName({.text = "Hi, I'm Ana from Acme.\nOur payments fail."}).value, "Ana");
  EXPECT_EQ(FindSenderName({.text = "Hello team, my name is Ana Souza and checkout fails"}).value, "Ana Souza");
  const FilledValue signature = FindSenderName({.text = "Checkout fails.\n\nThanks,\nBruno Lima\nAcme Ltd, CTO"});
  EXPECT_EQ(signature.value, "Bruno Lima");
  EXPECT_EQ(signature.from, "signature");
  EXPECT_EQ(FindSenderName({.text = "It fails.\nCheers, Özge"}).value, "Özge");
  const FilledValue header = FindSenderName({.text = "It fails.", .from = "Ana Souza <ana@example.com>"});
  EXPECT_EQ(header.value, "Ana Souza");
  EXPECT_EQ(header.from, "from_header");
  // Never guessed: no introduction, a greeting to the agent, a bare address, a sentence after a sign-off.
  EXPECT_EQ(FindSenderName({.text = "Hi Sam,\nI'm getting ERR_CARD_DECLINED on every payment."}).value, "");
  EXPECT_EQ(FindSenderName({.text = "It fails.", .from = "ana@example.com"}).value, "");
  EXPECT_EQ(FindSenderName({.text = "It fails.\nThanks,\nplease hurry, this is urgent"}).value, "");
  EXPECT_EQ(FindSenderName({.text = "I'm not sure why, but This is Urgent"}).value, "");
}

TEST(AssistTest, SignaturesAsCustomersWriteThem) {
  // A name line with a title and company, a sign-off that ends a one-line message, longer and Turkish sign-offs:
  // each went unfilled, and the engineer retyped a name the ticket states.
  EXPECT_EQ(FindSenderName({.text = "Please advise urgently.\n\nThanks,\nMark Peters | CTO | Brightline Shop\n"
                                    "+1 (415) 555-0199"})
                .value,
            "Mark Peters");
  EXPECT_EQ(FindSenderName({.text = "Checkout fails.\nBest regards,\nAna Souza - Acme Ltd"}).value, "Ana Souza");
  EXPECT_EQ(FindSenderName({.text = "We deleted the commit. Is that enough? Regards, Tom"}).value, "Tom");
  EXPECT_EQ(FindSenderName({.text = "Error: authentication_failed. Thanks for your help, Julia"}).value, "Julia");
  EXPECT_EQ(FindSenderName({.text = "Ne kadar sürer? İyi çalışmalar, Ayşe"}).value, "Ayşe");
  EXPECT_EQ(FindSenderName({.text = "İade ne zaman yatar?\nSaygılar,\nMehmet Yılmaz"}).value, "Mehmet Yılmaz");
  // Signatures without a sign-off: set apart by dashes, or a last short paragraph that opens with a full name.
  EXPECT_EQ(FindSenderName({.text = "Do we have to re-create the orders?\n\n- Jonas (dev, Brotzeit Shop)"}).value,
            "Jonas");
  EXPECT_EQ(FindSenderName({.text = "Please treat as high priority.\n\nAnna Schmidt, Buchhaltung\nSchmidt & Soehne KG"})
                .value,
            "Anna Schmidt");
  EXPECT_EQ(FindSenderName({.text = "Any hints? Thanks in advance,\n\nPriya Natarajan\nLead engineer, Spice Route\n"
                                    "+44 161 496 0732"})
                .value,
            "Priya Natarajan");
  EXPECT_EQ(FindSenderName({.text = "Cards fail since noon.\n\nThanks - Eva, Bio Laden Eva"}).value, "Eva");
  // A particle inside a name; one name set apart from the company by a bar.
  EXPECT_EQ(
      FindSenderName({.text = "150 failed orders.\n\n- Pieter de Vries, Fietsenwinkel.nl, +31 20 123 4567"}).value,
      "Pieter de Vries");
  EXPECT_EQ(FindSenderName({.text = "Hi, I'm Ludwig van Beethoven from Acme.\nPayouts fail."}).value,
            "Ludwig van Beethoven");
  EXPECT_EQ(FindSenderName({.text = "How do we fix it?\n\nRob | Meyerhof Wines"}).value, "Rob");
  // Still never guessed: a sign-off inside a sentence, or followed by words that are not a name; a last line that
  // is only capitalised words; a team signing.
  EXPECT_EQ(FindSenderName({.text = "Our checkout is down.\n\nPlease Help"}).value, "");
  EXPECT_EQ(FindSenderName({.text = "It fails.\nThanks,\nde facto every payment"}).value, "");
  EXPECT_EQ(FindSenderName({.text = "What should we use instead?\n\nRegards, Dev team @ Bakery Box"}).value, "");
  EXPECT_EQ(FindSenderName({.text = "Thanks, we will try again tomorrow"}).value, "");
  EXPECT_EQ(FindSenderName({.text = "It failed. Regards to the team"}).value, "");
  EXPECT_EQ(FindSenderName({.text = "It fails. Regards,\nplease hurry"}).value, "");
}

TEST(AssistTest, FillAnswerFillsStatedValuesAndListsTheRest) {
  const std::string answer =
      "Hi {{customer_name}},\n\nPayment {{payment_id}} was declined: {{decline_reason}}.\n\n{{agent_name}}";
  const std::map<std::string, std::string> patterns = {{"payment_id", "pay_[A-Za-z0-9]+"}};
  Ticket t{.text = "Hi, I'm Ana. pay_3Fk9Qm2Lx fails with ERR_CARD_DECLINED (see re_5Hn2Lk9Qp)", .agent = "Sam"};
  FilledAnswer f = FillAnswer(answer, patterns, t);
  EXPECT_EQ(f.text, "Hi Ana,\n\nPayment pay_3Fk9Qm2Lx was declined: {{decline_reason}}.\n\nSam");
  EXPECT_EQ(f.values["customer_name"].from, "greeting");
  EXPECT_EQ(f.values["payment_id"].value, "pay_3Fk9Qm2Lx");
  EXPECT_EQ(f.values["payment_id"].from, "pattern");
  EXPECT_EQ(f.values["agent_name"].from, "agent");
  EXPECT_EQ(f.missing, Strings{"decline_reason"});

  // Two different payment ids: which one is meant is not certain, so neither is filled. No name, no agent.
  t = {.text = "pay_3Fk9Qm2Lx and pay_7Gh2Kd9Wq both fail"};
  f = FillAnswer(answer, patterns, t);
  EXPECT_EQ(f.values.count("payment_id"), 0u);
  EXPECT_EQ(f.values.count("customer_name"), 0u);
  EXPECT_EQ(f.missing, (Strings{"customer_name", "payment_id", "decline_reason", "agent_name"}));
  // A pattern matches whole words only.
  t = {.text = "xpay_3Fk9Qm2Lx"};
  EXPECT_EQ(FillAnswer(answer, patterns, t).values.count("payment_id"), 0u);
  // An initial is not a first name to greet ("Hi M.,"): left to fill.
  t = {.text = "Disputes pile up.\n\nRegards, M. Haddad - Giftly Ltd"};
  f = FillAnswer(answer, patterns, t);
  EXPECT_EQ(f.values.count("customer_name"), 0u);
  EXPECT_EQ(f.missing.front(), "customer_name");
}

TEST(AssistTest, HostileTicketsStayBounded) {
  std::string huge(200000, 'a');
  huge.insert(0, "pay_");
  const std::map<std::string, std::string> patterns = {{"payment_id", "pay_(a|aa)*"}};
  FilledAnswer f = FillAnswer("{{payment_id}}", patterns, {.text = huge});
  EXPECT_EQ(f.missing, Strings{"payment_id"});  // over the word limit: never run through the regex
  EXPECT_TRUE(ExtractSignals(huge).identifiers.empty());
  EXPECT_EQ(FindSenderName({.text = std::string(100000, '\n') + "Thanks,"}).value, "");
}

TEST(AssistTest, PatternProblems) {
  EXPECT_EQ(PatternProblem("pay_[A-Za-z0-9]+"), "");
  EXPECT_NE(PatternProblem("re_["), "");
  EXPECT_NE(PatternProblem("x*"), "");  // matches an empty word
  EXPECT_NE(PatternProblem(""), "");
}

TEST(AssistTest, FrontMatterDeclaresPatterns) {
  Result<Item> item = ParseItem("a.md",
                                "---\nkind: answer\nplaceholders: {payment_id: \"pay_[A-Za-z0-9]+\"}\n---\n"
                                "# A\n\nPayment {{payment_id}}.\n");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->placeholder_patterns.at("payment_id"), "pay_[A-Za-z0-9]+");
  EXPECT_TRUE(item->warnings.empty());
  Result<Item> bad = ParseItem("b.md", "---\nkind: answer\nplaceholders: [pay_x]\n---\n# B\n\nText.\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.md:3:"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace kb
