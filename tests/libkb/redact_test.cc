// kb::Redactor: each rule on real-looking text, and the look-alikes it must leave alone.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "kb/redact.h"

namespace kb {
namespace {

using Cases = std::vector<std::pair<std::string, std::string>>;  // input, expected

void ExpectAll(const Cases& cases, const Redactor& r = Redactor()) {
  for (const auto& [in, want] : cases) EXPECT_EQ(r.Redact(in), want) << "input: " << in;
}

TEST(RedactTest, NamesAfterGreetings) {
  ExpectAll({
      {"Hi Ana, my refund never arrived", "Hi <name>, my refund never arrived"},
      {"Hello Mr. Smith, the card was declined", "Hello Mr. <name>, the card was declined"},
      {"Merhaba Ayşe Hanım, ödeme iade edilmedi", "Merhaba <name> Hanım, ödeme iade edilmedi"},
      {"Dear Jean-Luc Picard,\nthe webhook fails", "Dear <name>,\nthe webhook fails"},
      {"hey, Maria Garcia here", "hey, <name> here"},
      {"Good morning Dr. Öztürk", "Good morning Dr. <name>"},
      {"Sayın Mehmet Bey, hesabınız", "Sayın <name> Bey, hesabınız"},
      {"customer wrote: Hello Ana Souza Lima Costa", "customer wrote: Hello <name> Costa"},
  });
}

TEST(RedactTest, NamesInSignOffs) {
  ExpectAll({
      {"it still fails.\nThanks,\nAna Souza", "it still fails.\nThanks,\n<name>"},
      {"Best regards, Ana", "Best regards, <name>"},
      {"Kind regards,\n\nTom O'Neill\nAcme Ltd", "Kind regards,\n\n<name>\nAcme Ltd"},
      {"Cheers,\nBob", "Cheers,\n<name>"},
      {"Thank you Maria", "Thank you <name>"},
      {"Saygılarımla,\nAyşe Yılmaz", "Saygılarımla,\n<name>"},
      {"Teşekkürler, Mehmet", "Teşekkürler, <name>"},
  });
}

TEST(RedactTest, LeavesWordsThatAreNotNames) {
  ExpectAll({
      {"hi team, refund failed", "hi team, refund failed"},
      {"Hello ERR_CARD_DECLINED on checkout", "Hello ERR_CARD_DECLINED on checkout"},
      {"Hi API returns 502", "Hi API returns 502"},
      {"Best way to refund a payment", "Best way to refund a payment"},
      {"Best Practices for webhooks", "Best Practices for webhooks"},
      {"thanks for the quick reply", "thanks for the quick reply"},
      {"Refund failed for Ana", "Refund failed for Ana"},  // no greeting or sign-off: not recognisable
      {"Hilton hotel booking", "Hilton hotel booking"},
      {"", ""},
  });
}

TEST(RedactTest, PhoneNumbers) {
  ExpectAll({
      {"call me on +44 20 7946 0321 today", "call me on <phone> today"},
      {"call +49 30 1234567", "call <phone>"},
      {"(555) 123-4567 is my number", "<phone> is my number"},
      {"phone 555-123-4567", "phone <phone>"},
      {"phone 555.123.4567", "phone <phone>"},
      {"cep: 0532 123 45 67", "cep: <phone>"},
      {"tel 05321234567", "tel <phone>"},
      {"+90 (532) 123-45-67", "<phone>"},
      {"+1 415 555 2671 (mobile)", "<phone> (mobile)"},
      {"+31 6 12345678", "<phone>"},
      {"Tel.: 030 1234567", "Tel.: <phone>"},
      {"my number is 07700 900123", "my number is <phone>"},
  });
}

TEST(RedactTest, IbansWithValidChecksum) {
  ExpectAll({
      {"send it to GB82 WEST 1234 5698 7654 32 please", "send it to <iban> please"},
      {"IBAN: TR33 0006 1005 1978 6457 8413 26", "IBAN: <iban>"},
      {"DE89370400440532013000 was charged", "<iban> was charged"},
      {"NL91ABNA0417164300.", "<iban>."},
      {"FR76 3000 6000 0112 3456 7890 189", "<iban>"},
      {"DE89 3704 0044 0532 0130 00 (Commerzbank)", "<iban> (Commerzbank)"},
      {"iban:NO9386011117947", "iban:<iban>"},
      // A wrong check digit is not an IBAN; its digits still go as a long number.
      {"GB83 WEST 1234 5698 7654 32", "GB83 WEST <number>"},
  });
}

TEST(RedactTest, CardNumbersWithValidLuhn) {
  ExpectAll({
      {"card 4111 1111 1111 1111 declined", "card <card> declined"},
      {"5500-0000-0000-0004 expired", "<card> expired"},
      {"amex 3782 822463 10005", "amex <card>"},
      {"refund 4111111111111111", "refund <card>"},
      // Not Luhn-valid: still masked, as a long number.
      {"card 4111 1111 1111 1112 declined", "card <number> declined"},
  });
}

TEST(RedactTest, LeavesOrderNumbersDatesAndCodes) {
  ExpectAll({
      {"order 8812 not shipped", "order 8812 not shipped"},
      {"E1042 HTTP 502 on 2026-11-23 order 1234", "E1042 HTTP 502 on 2026-11-23 order 1234"},
      {"since 2026-11-23 10:30 UTC", "since 2026-11-23 10:30 UTC"},
      {"order 1234 2026-11-23", "order 1234 2026-11-23"},
      {"refund of 1,250.00 EUR", "refund of 1,250.00 EUR"},
      {"kb 1.4.22 on 10.0.0.1", "kb 1.4.22 on 10.0.0.1"},
      {"ticket #55123", "ticket #55123"},
      {"HTTP 402 after 3 retries", "HTTP 402 after 3 retries"},
      {"ERR_CARD_DECLINED since 2026-01-05T10:30:00Z", "ERR_CARD_DECLINED since 2026-01-05T10:30:00Z"},
      {"invoice INV-2026-0042", "invoice INV-2026-0042"},
      {"amount 12500 cents, 3 items", "amount 12500 cents, 3 items"},
      {"order #88123456", "order #88123456"},
      {"GB82 is a prefix, not an IBAN", "GB82 is a prefix, not an IBAN"},
      {"version 2.14.0-rc1", "version 2.14.0-rc1"},
      {"@channel user@localhost", "@channel user@localhost"},
  });
}

TEST(RedactTest, EmailsAndLongNumbersAsBefore) {
  ExpectAll({
      {"refund for jane.doe@example.com please", "refund for <email> please"},
      {"account 123456789", "account <number>"},
      {"ERR_123456789", "ERR_<number>"},
  });
}

TEST(RedactTest, OwnerDefinedIds) {
  Result<Redactor> r = Redactor::Create({"pay_[A-Za-z0-9]+", "cus_[0-9]{6}"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectAll(
      {
          {"pay_8fK2xQ failed", "<id> failed"},
          {"(pay_8fK2xQ), cus_123456 and cus_12", "(<id>), <id> and cus_12"},
          {"payment failed", "payment failed"},
      },
      *r);
  EXPECT_FALSE(Redactor::Create({"pay_[A-Z"}).ok());
  EXPECT_FALSE(Redactor::Create({"x*"}).ok()) << "a pattern that matches nothing at all masks every gap";
  EXPECT_FALSE(Redactor::Create({""}).ok());
}

TEST(RedactTest, AllKindsInOnePastedMessage) {
  const std::string pasted =
      "Hi Ana,\nmy payment pay_Q7d9 failed. Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32.\n"
      "Call me on +44 20 7946 0321 or mail ana.souza@example.com (order 8812, 2026-11-23).\n"
      "Best regards,\nAna Souza";
  Result<Redactor> r = Redactor::Create({"pay_[A-Za-z0-9]+"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Redact(pasted),
            "Hi <name>,\nmy payment <id> failed. Card <card>, IBAN <iban>.\n"
            "Call me on <phone> or mail <email> (order 8812, 2026-11-23).\n"
            "Best regards,\n<name>");
}

TEST(RedactTest, SurvivesHostileInput) {
  std::string digits(5000, '7'), spaces, bytes;
  for (int i = 0; i < 2000; ++i) spaces += "1 ";
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  EXPECT_EQ(RedactPersonalData(digits), "<number>");
  EXPECT_FALSE(RedactPersonalData(spaces).empty());
  (void)RedactPersonalData(bytes);
  (void)RedactPersonalData("Hi \xff\xfe Ana");
  (void)RedactPersonalData("Thanks,");
  (void)RedactPersonalData("Hi");
}

}  // namespace
}  // namespace kb
