// The masking rules behind kb::Redactor (kb/redact.h), one pass each, in the order Redact() applies them.
#ifndef KB_SRC_REDACT_RULES_H_
#define KB_SRC_REDACT_RULES_H_

#include <string>
#include <string_view>

namespace kb::internal {

// x@y.z tokens → "<email>".
std::string MaskEmails(std::string_view text);
// IBANs with a valid mod-97 checksum → "<iban>".
std::string MaskIbans(std::string_view text);
// Luhn-valid card numbers → "<card>", phone numbers → "<phone>", other runs of 9+ digits → "<number>".
std::string MaskNumbers(std::string_view text);
// Capitalised words after a greeting or a sign-off → "<name>".
std::string MaskNames(std::string_view text);

// True if `digits` (ASCII digits only) passes the Luhn check.
bool LuhnValid(std::string_view digits);
// True if `iban` (upper-case letters and digits, no spaces) has a valid ISO 13616 mod-97 checksum.
bool IbanChecksumValid(std::string_view iban);

}  // namespace kb::internal

#endif  // KB_SRC_REDACT_RULES_H_
