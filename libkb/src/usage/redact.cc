// kb::Redactor: the passes of redact_rules.h in order, plus the owner-defined id patterns.
#include "kb/redact.h"

#include <algorithm>
#include <regex>

#include "redact_rules.h"
#include "text.h"

namespace kb {
namespace {

// Owner patterns run per word: libstdc++'s std::regex recurses once per character it consumes, so a bounded
// subject keeps a pattern like `pay_[A-Za-z0-9]+` from overflowing a worker's stack on a long paste.
constexpr std::size_t kMaxPatternWord = 256;

}  // namespace

namespace internal {

std::string MaskEmails(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find_first_of(" \t\r\n", pos), text.size());
    const std::string_view token = text.substr(pos, end - pos);
    const std::size_t at = token.find('@');
    const std::size_t dot = at == std::string_view::npos ? at : token.find('.', at + 2);
    const bool email =
        at != std::string_view::npos && at > 0 && dot != std::string_view::npos && dot + 1 < token.size();
    out += email ? std::string_view("<email>") : token;
    if (end < text.size()) out += text[end];
    pos = end + 1;
  }
  return out;
}

}  // namespace internal

struct Redactor::Rep {
  std::vector<std::regex> ids;

  std::string MaskIds(std::string_view text) const {
    if (ids.empty()) return std::string(text);
    return internal::MapWords(text, [&](std::string_view raw) {
      std::string word(raw);
      if (word.size() <= kMaxPatternWord) {
        for (const std::regex& re : ids) word = std::regex_replace(word, re, "<id>");
      }
      return word;
    });
  }
};

Redactor::Redactor() : rep_(std::make_shared<Rep>()) {}

Result<Redactor> Redactor::Create(const std::vector<std::string>& id_patterns) {
  auto rep = std::make_shared<Rep>();
  for (const std::string& p : id_patterns) {
    if (p.empty()) return Status::InvalidArgument("empty id pattern");
    try {
      rep->ids.emplace_back(p, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument("id pattern '" + p + "' is not a valid regular expression: " + e.what());
    }
    if (std::regex_match("", rep->ids.back())) {
      return Status::InvalidArgument("id pattern '" + p + "' matches the empty string; it must match an id");
    }
  }
  Redactor r;
  r.rep_ = std::move(rep);
  return r;
}

std::string Redactor::Redact(std::string_view text) const {
  try {
    std::string s = internal::MaskEmails(text);
    s = rep_->MaskIds(s);
    s = internal::MaskIbans(s);
    s = internal::MaskNumbers(s);
    return internal::MaskNames(s);
  } catch (const std::exception&) {
    // A pathological owner pattern (regex_error: complexity or stack) must not store the text unmasked.
    return "<redacted>";
  }
}

std::string RedactPersonalData(std::string_view text) {
  static const Redactor kBuiltIn;
  return kBuiltIn.Redact(text);
}

}  // namespace kb
