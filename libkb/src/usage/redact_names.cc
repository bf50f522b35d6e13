// Masking of people's names where a message names them: after a greeting and after a sign-off.
#include <xapian.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "redact_rules.h"

namespace kb::internal {
namespace {

// Lower-case forms (Xapian::Unicode::tolower per character). Two-word entries are matched as word pairs.
constexpr std::array<std::string_view, 23> kGreetings = {
    "hi",      "hello", "hey",          "dear",           "hallo",        "hola",     "bonjour", "ciao",
    "merhaba", "selam", "sayın",        "sayin",          "sevgili",      "liebe",    "lieber",  "greetings",
    "hiya",    "howdy", "good morning", "good afternoon", "good evening", "günaydın", "salut"};
constexpr std::array<std::string_view, 29> kSignOffs = {
    "thanks",          "thank you",       "thx",          "many thanks",  "regards",
    "best regards",    "kind regards",    "warm regards", "best wishes",  "sincerely",
    "yours sincerely", "yours truly",     "cheers",       "best",         "yours",
    "teşekkürler",     "teşekkür ederim", "tesekkurler",  "saygılarımla", "saygilarimla",
    "sevgiler",        "iyi çalışmalar",  "grüße",        "gruß",         "mfg",
    "cordialement",    "saludos",         "gracias",      "merci"};
// Sign-offs that start many ordinary sentences ("best way to refund"): a name must follow punctuation or a
// line break.
constexpr std::array<std::string_view, 3> kWeakSignOffs = {"best", "cheers", "yours"};
// Kept before a name: "Hello Mr. <name>".
constexpr std::array<std::string_view, 15> kTitles = {"mr",    "mrs",  "ms",   "miss", "mx",    "dr",  "prof", "sir",
                                                      "madam", "herr", "frau", "mme",  "bayan", "bay", "sayın"};
// Kept after a name: "Merhaba <name> Hanım".
constexpr std::array<std::string_view, 6> kHonorifics = {"hanım", "hanim", "bey", "san", "efendi", "hocam"};
constexpr int kMaxNameWords = 3;

template <std::size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

struct Token {
  enum Type { kWord, kSpace, kBreak, kPunct } type;
  std::size_t begin, end;
  std::string lower;         // words only
  bool capitalised = false;  // words only: Upper-case first, then lower-case letters (no digits, no '_')
};

bool IsConnector(unsigned ch) { return ch == '\'' || ch == 0x2019 || ch == '-'; }

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  const Xapian::Utf8Iterator end;
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != end;) {
    const std::size_t begin = it.raw() - text.data();
    const unsigned ch = *it;
    Token t{Token::kPunct, begin, begin, "", false};
    if (Xapian::Unicode::is_wordchar(ch)) {
      t.type = Token::kWord;
      const auto cat = Xapian::Unicode::get_category(ch);
      std::size_t letters = 0, lower = 0;
      bool plain = true;  // letters only: error codes (ERR_CARD_DECLINED) and ids are not names
      for (; it != end; ++it) {
        unsigned c = *it;
        if (IsConnector(c)) {
          Xapian::Utf8Iterator next = it;
          if (++next == end || !Xapian::Unicode::is_wordchar(*next)) break;
        } else if (!Xapian::Unicode::is_wordchar(c)) {
          break;
        }
        ++letters;
        const auto c_cat = Xapian::Unicode::get_category(c);
        if (c_cat == Xapian::Unicode::LOWERCASE_LETTER) ++lower;
        if (c == '_' || c_cat == Xapian::Unicode::DECIMAL_DIGIT_NUMBER) plain = false;
        Xapian::Unicode::append_utf8(t.lower, Xapian::Unicode::tolower(c));
      }
      // ALL-CAPS words (HTTP, API) are left alone: acronyms outnumber names written in capitals.
      t.capitalised = letters >= 2 && plain && lower > 0 &&
                      (cat == Xapian::Unicode::UPPERCASE_LETTER || cat == Xapian::Unicode::TITLECASE_LETTER);
    } else if (Xapian::Unicode::is_whitespace(ch)) {
      t.type = Token::kSpace;
      for (; it != end && Xapian::Unicode::is_whitespace(*it); ++it) {
        if (*it == '\n') t.type = Token::kBreak;
      }
    } else {
      ++it;
    }
    t.end = it == end ? text.size() : static_cast<std::size_t>(it.raw() - text.data());
    out.push_back(std::move(t));
  }
  return out;
}

class NameMasker {
 public:
  explicit NameMasker(std::string_view text) : text_(text), tokens_(Tokenize(text)) {}

  std::string Run() {
    for (std::size_t k = 0; k < tokens_.size(); ++k) {
      if (tokens_[k].type != Token::kWord) continue;
      std::size_t after = 0;
      if (Phrase(k, kGreetings, &after)) {
        MaskNameAt(SkipSpace(SkipPunct(SkipSpace(after, false), ","), false));
      } else if (Phrase(k, kSignOffs, &after)) {
        const std::size_t punct = SkipPunct(after, ",.!:-");
        const std::size_t next = SkipSpace(punct, true);
        const bool separated = punct > after || (next > punct && tokens_[next - 1].type == Token::kBreak);
        if (next > punct && (separated || !In(kWeakSignOffs, tokens_[k].lower))) MaskNameAt(next);
      }
    }
    std::string out;
    std::size_t at = 0;
    for (const auto& [begin, end] : spans_) {
      out.append(text_.substr(at, begin - at));
      out += "<name>";
      at = end;
    }
    out.append(text_.substr(at));
    return out;
  }

 private:
  bool Word(std::size_t k) const { return k < tokens_.size() && tokens_[k].type == Token::kWord; }

  // The one- or two-word entry of `list` that starts at token k; *after = the token after it.
  template <std::size_t N>
  bool Phrase(std::size_t k, const std::array<std::string_view, N>& list, std::size_t* after) const {
    if (k + 2 < tokens_.size() && tokens_[k + 1].type == Token::kSpace && Word(k + 2) &&
        In(list, tokens_[k].lower + " " + tokens_[k + 2].lower)) {
      *after = k + 3;
      return true;
    }
    *after = k + 1;
    return In(list, tokens_[k].lower);
  }

  std::size_t SkipSpace(std::size_t k, bool breaks) const {
    while (k < tokens_.size() && (tokens_[k].type == Token::kSpace || (breaks && tokens_[k].type == Token::kBreak)))
      ++k;
    return k;
  }

  std::size_t SkipPunct(std::size_t k, std::string_view which) const {
    while (k < tokens_.size() && tokens_[k].type == Token::kPunct && tokens_[k].end - tokens_[k].begin == 1 &&
           which.find(text_[tokens_[k].begin]) != std::string_view::npos) {
      ++k;
    }
    return k;
  }

  // Masks 1-3 capitalised words from token k (after an optional title), separated by single spaces.
  void MaskNameAt(std::size_t k) {
    if (Word(k) && In(kTitles, tokens_[k].lower)) k = SkipSpace(SkipPunct(k + 1, "."), false);
    std::size_t first = k, last = k;
    int words = 0;
    while (Word(k) && tokens_[k].capitalised && !In(kHonorifics, tokens_[k].lower) && words < kMaxNameWords) {
      last = k;
      ++words;
      if (k + 2 < tokens_.size() && tokens_[k + 1].type == Token::kSpace && Word(k + 2)) {
        k += 2;
      } else {
        break;
      }
    }
    if (words == 0) return;
    const std::size_t begin = tokens_[first].begin, end = tokens_[last].end;
    if (!spans_.empty() && spans_.back().second > begin) return;
    spans_.emplace_back(begin, end);
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::vector<std::pair<std::size_t, std::size_t>> spans_;  // byte ranges to mask, in order
};

}  // namespace

std::string MaskNames(std::string_view text) { return NameMasker(text).Run(); }

}  // namespace kb::internal
