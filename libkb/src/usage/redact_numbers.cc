// Masking of numbers that identify a person or an account: IBANs, card numbers, phone numbers, long numbers.
#include <string>
#include <vector>

#include "redact_rules.h"

namespace kb::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
// Letters, digits, '_' and any byte of a multi-byte UTF-8 character (letters of other scripts).
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return IsDigit(c) || (c >= 'a' && c <= 'z') || IsUpper(c) || c == '_' || u >= 0x80;
}
bool BoundaryBefore(std::string_view s, std::size_t i) { return i == 0 || !IsWordByte(s[i - 1]); }
bool BoundaryAt(std::string_view s, std::size_t i) { return i >= s.size() || !IsWordByte(s[i]); }

constexpr std::size_t kMinIban = 15;  // Norway
constexpr std::size_t kMaxIban = 34;

// The longest IBAN starting at `i` (CCdd, then letters and digits, single spaces allowed between groups);
// returns its end, or `i` when there is none.
std::size_t IbanEnd(std::string_view s, std::size_t i) {
  if (i + 4 > s.size() || !IsUpper(s[i]) || !IsUpper(s[i + 1]) || !IsDigit(s[i + 2]) || !IsDigit(s[i + 3])) return i;
  std::string compact;
  std::vector<std::pair<std::size_t, std::size_t>> ends;  // (end offset, compact length) at group ends
  std::size_t j = i;
  while (j < s.size() && compact.size() < kMaxIban) {
    if (IsUpper(s[j]) || IsDigit(s[j])) {
      compact += s[j++];
    } else if (s[j] == ' ' && j + 1 < s.size() && (IsUpper(s[j + 1]) || IsDigit(s[j + 1]))) {
      ends.emplace_back(j, compact.size());
      ++j;
    } else {
      break;
    }
  }
  ends.emplace_back(j, compact.size());
  for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
    const auto [end, length] = *it;
    if (length < kMinIban || !BoundaryAt(s, end)) continue;
    if (IbanChecksumValid(std::string_view(compact).substr(0, length))) return end;
  }
  return i;
}

bool IsIsoDateAt(std::string_view s, std::size_t i) {
  if (i + 10 > s.size()) return false;
  for (std::size_t k = 0; k < 10; ++k) {
    const bool dash = k == 4 || k == 7;
    if (dash ? s[i + k] != '-' : !IsDigit(s[i + k])) return false;
  }
  return i + 10 == s.size() || !(IsDigit(s[i + 10]) || (s[i + 10] == '-' && i + 11 < s.size() && IsDigit(s[i + 11])));
}

// A run of digits with separators, as written: "+44 20 7946 0321", "(555) 123-4567", "4111-1111-1111-1111".
struct NumberRun {
  std::size_t begin = 0;
  std::size_t end = 0;  // just after the last digit
  char first = 0;       // '+', '(' or the first digit
  std::string digits;
  std::vector<std::size_t> groups;  // digits per group
  bool only_space_dash = true;      // separators are single spaces or dashes
};

bool IsSeparator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }

NumberRun ReadRun(std::string_view s, std::size_t i) {
  NumberRun run;
  run.begin = i;
  run.first = s[i];
  std::size_t j = IsDigit(s[i]) ? i : i + 1;
  while (j < s.size()) {
    const std::size_t start = j;
    while (j < s.size() && IsDigit(s[j])) ++j;
    run.digits.append(s.substr(start, j - start));
    run.groups.push_back(j - start);
    run.end = j;
    // Up to three separator characters, then more digits, unless the next group is an ISO date.
    std::size_t k = j;
    while (k < s.size() && k - j < 3 && IsSeparator(s[k])) ++k;
    if (k == j || k >= s.size() || !IsDigit(s[k]) || IsIsoDateAt(s, k) || run.digits.size() > 40) break;
    if (k - j > 1 || (s[j] != ' ' && s[j] != '-')) run.only_space_dash = false;
    j = k;
  }
  return run;
}

bool IsCard(const NumberRun& r, bool bounded) {
  return bounded && IsDigit(r.first) && r.only_space_dash && r.digits.size() >= 13 && r.digits.size() <= 19 &&
         LuhnValid(r.digits);
}

bool IsPhone(const NumberRun& r, bool bounded) {
  if (!bounded) return false;
  const std::size_t n = r.digits.size();
  if (r.first == '+') return n >= 8 && n <= 15;
  if (r.first == '(') return n >= 7 && n <= 15;
  if (r.first == '0' && n >= 10 && n <= 12) return true;
  return r.groups == std::vector<std::size_t>{3, 3, 4};
}

// The rule kb had before phones and cards: runs of digits, spaces and dashes with 9 or more digits.
std::string MaskLongDigitRuns(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (!IsDigit(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t end = i, digits = 0;
    for (std::size_t j = i; j < text.size() && (IsDigit(text[j]) || text[j] == ' ' || text[j] == '-'); ++j) {
      if (IsDigit(text[j])) {
        ++digits;
        end = j + 1;
      }
    }
    out += digits >= 9 ? std::string("<number>") : std::string(text.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!IsDigit(*it)) return false;
    int d = *it - '0';
    if (twice && (d *= 2) > 9) d -= 9;
    sum += d;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

bool IbanChecksumValid(std::string_view iban) {
  if (iban.size() < kMinIban || iban.size() > kMaxIban) return false;
  int rest = 0;
  for (std::size_t k = 0; k < iban.size(); ++k) {
    const char c = iban[(k + 4) % iban.size()];  // the first four characters move to the end
    if (IsDigit(c)) {
      rest = (rest * 10 + (c - '0')) % 97;
    } else if (IsUpper(c)) {
      rest = (rest * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return rest == 1;
}

std::string MaskIbans(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t end = BoundaryBefore(text, i) ? IbanEnd(text, i) : i;
    if (end > i) {
      out += "<iban>";
      i = end;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string MaskNumbers(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const bool opens = (c == '+' || c == '(') && i + 1 < text.size() && IsDigit(text[i + 1]);
    if (!IsDigit(c) && !opens) {
      out += text[i++];
      continue;
    }
    if (IsDigit(c) && BoundaryBefore(text, i) && IsIsoDateAt(text, i)) {
      out += text.substr(i, 10);
      i += 10;
      continue;
    }
    const NumberRun run = ReadRun(text, i);
    const bool bounded = BoundaryBefore(text, i) && BoundaryAt(text, run.end);
    if (IsCard(run, bounded)) {
      out += "<card>";
    } else if (IsPhone(run, bounded)) {
      out += "<phone>";
    } else {
      out += MaskLongDigitRuns(text.substr(i, run.end - i));
    }
    i = run.end;
  }
  return out;
}

}  // namespace kb::internal
