// kb::Redactor: masks personal data in free text (what a support engineer pasted from a customer's message)
// before the usage log stores it.
//
// Usage:
//   auto redactor = kb::Redactor::Create({"pay_[A-Za-z0-9]+"});   // owner-defined ids, optional
//   std::string safe = redactor->Redact("Hi Ana, card 4111 1111 1111 1111 failed on pay_8fK2x");
//   // "Hi <name>, card <card> failed on <id>"
//
// What is masked, in this order (each placeholder replaces the whole match):
//   <email>   x@y.z
//   <id>      a match of an owner-defined pattern (ECMAScript regex), searched within each
//             whitespace-separated word of at most 256 bytes (longer words are left to the other rules)
//   <iban>    an IBAN, with or without spaces, whose ISO 13616 mod-97 checksum is valid
//   <card>    13-19 digits (single spaces or dashes between groups) that pass the Luhn check
//   <phone>   +CC... (8-15 digits), (555) 123-4567, 555-123-4567, 0532 123 45 67 (a leading 0, 10-12 digits)
//   <number>  any other run of 9 or more digits (spaces and dashes between them allowed)
//   <name>    1-3 capitalised words after a greeting ("Hi Ana,", "Hello Mr. Smith", "Merhaba Ayşe Hanım") or
//             after a sign-off ("Thanks,\nAna Souza", "Best regards, Ana"); titles and honorifics stay
// Error codes (E1042, HTTP 502), ISO dates (2026-11-23), order numbers under 9 digits and lowercase words
// after a greeting ("hi team") stay.
//
// Thread-safety: a Redactor is immutable; Redact() may be called from any number of threads at once.
#ifndef KB_REDACT_H_
#define KB_REDACT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kb/status.h"

namespace kb {

class Redactor {
 public:
  // The built-in rules only.
  Redactor();
  // The built-in rules plus `id_patterns`. InvalidArgument names a pattern that is not a valid regex.
  [[nodiscard]] static Result<Redactor> Create(const std::vector<std::string>& id_patterns);

  // `text` with the matches above replaced by their placeholders. Never throws.
  std::string Redact(std::string_view text) const;

 private:
  struct Rep;
  std::shared_ptr<const Rep> rep_;
};

// Redactor().Redact(text): the built-in rules.
std::string RedactPersonalData(std::string_view text);

}  // namespace kb

#endif  // KB_REDACT_H_
