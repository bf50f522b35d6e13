// CorrectSpelling: the words of a typed query that the index lacks, replaced by Xapian's spelling suggestions.
#include <algorithm>
#include <cctype>

#include "query_parts.h"
#include "query_text.h"
#include "stopwords.h"
#include "term_prefixes.h"
#include "text.h"
#include "word_dictionary.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

// Xapian's spelling suggestion for a word the index lacks, or "". A misspelling rarely starts with the wrong
// letter; a suggestion that does is another word the index happens to have ("year" → "hear", "yatmadı" →
// "katmanı"), and the word is searched as typed, unless one holds the other ("unreplied" → "replied").
std::string SuggestSpelling(const Xapian::Database& db, const std::string& word) {
  std::string suggestion = db.get_spelling_suggestion(word, word.size() <= 5 ? 1 : 2);
  // A word typed without ç ğ ı ö ş ü whose suggestion has them is Turkish typed plainly: two edits away is
  // more often another form of a word the index lacks ("olmadi" → "olması", "tamamlanmadi" → "tamamlamadı")
  // than a typo, so only a suggestion one edit away is taken.
  const bool adds_turkish_letters = FoldTurkish(suggestion) != suggestion && FoldTurkish(word) == word;
  if (adds_turkish_letters && db.get_spelling_suggestion(word, 1) != suggestion) {
    return "";
  }
  if (suggestion.empty() || suggestion[0] == word[0]) return suggestion;
  const bool contained = word.find(suggestion) != std::string::npos || suggestion.find(word) != std::string::npos;
  return contained ? suggestion : std::string();
}

// A word is known when the index has it as written or its stem in one of its languages ("stopped" → stop).
bool KnownToIndex(const std::string& word, const Xapian::Database& db, const std::vector<Xapian::Stem>& stems) {
  if (db.term_exists(word)) return true;
  return std::any_of(stems.begin(), stems.end(), [&](const Xapian::Stem& s) {
    std::string stemmed("Z");  // appended: GCC 12 warns (-Wrestrict, a false positive) on "Z" + std::string
    stemmed += s(word);
    return db.term_exists(stemmed);
  });
}

// True when the index's synonym table maps `word` to other words ("amex" → "american express"): a word the
// items lack is then still searched through its synonyms.
bool HasSynonyms(const std::string& word, const Xapian::Database& db, const std::vector<Xapian::Stem>& stems) {
  std::vector<std::string> keys = {word, std::string(kSynonymForm) + word};
  for (const Xapian::Stem& s : stems) {
    keys.emplace_back("Z");  // appended, as in KnownToIndex
    keys.back() += s(word);
  }
  return std::any_of(keys.begin(), keys.end(),
                     [&](const std::string& key) { return db.synonyms_begin(key) != db.synonyms_end(key); });
}

// True when some word of the index begins as `word` does (its first four letters, without Turkish letters): an
// inflected form the stemmer does not reduce ("yapilamadi", where items say "yapilmadi") is not called missing.
bool SharesAStem(const std::string& word, const Xapian::Database& db) {
  constexpr std::size_t kStemLetters = 4;  // Turkish stems are short: kart, para, iade
  const std::string folded = FoldTurkish(word);
  if (folded.size() <= kStemLetters) return false;  // the whole word, which the index lacks
  const std::string head = folded.substr(0, kStemLetters);
  return db.allterms_begin(head) != db.allterms_end(head);
}

// True when the English word list holds `word`: then its first four letters, shared with some word of the index,
// say nothing ("invoice", "involve"). That rule is for the Turkish forms the stemmer leaves whole.
bool EnglishWord(const std::string& word, const std::string& dictionary_dir) {
  const WordDictionary* english = WordDictionary::For(dictionary_dir, "en");
  return english != nullptr && !english->Spelling(word).empty();
}

// True when `word` begins with a word the index holds, of four letters or more: an English word derived from it
// ("percentage" from "percent", "shopper" from "shop"), whose results are about the same thing.
bool BeginsWithIndexWord(const std::string& word, const Xapian::Database& db) {
  for (std::size_t k = 4; k < word.size(); ++k) {
    if (db.term_exists(word.substr(0, k))) return true;
  }
  return false;
}

// True when the word at `at` is excluded ("-gdpr", "NOT gdpr"): it is not looked for, so it cannot be missing.
bool Excluded(std::string_view text, std::size_t at) {
  if (at > 0 && text[at - 1] == '-') return true;
  std::string_view before = text.substr(0, at);
  while (!before.empty() && IsSpace(before.back())) before.remove_suffix(1);
  return before.size() >= 3 && before.substr(before.size() - 3) == "NOT" &&
         (before.size() == 3 || IsSpace(before[before.size() - 4]));
}

// True when the word at `at` is part of a link: a URL, a path, an e-mail address or a host name
// ("https://shop.example.com/hooks", "api.acme.io", "ops@acme.io"). Its words name the customer's own things,
// so they are searched as typed, never corrected, and never called missing.
bool InLink(std::string_view text, std::size_t at) {
  std::size_t begin = at, end = at;
  while (begin > 0 && !IsSpace(text[begin - 1])) --begin;
  while (end < text.size() && !IsSpace(text[end])) ++end;
  const std::vector<std::string> trimmed = SplitQueryWords(text.substr(begin, end - begin));
  if (trimmed.empty()) return false;
  const std::string_view token = trimmed.front();
  if (token.find_first_of("/@") != std::string_view::npos) return true;
  const std::size_t dot = token.rfind('.');
  if (dot == std::string_view::npos) return false;
  static constexpr std::string_view kHostEnds[] = {"com", "io", "net",  "org", "dev",  "app",   "co", "uk", "de",
                                                   "tr",  "eu", "info", "biz", "shop", "store", "ai", "me"};
  const std::string top = AsciiLower(token.substr(dot + 1));
  return std::find(std::begin(kHostEnds), std::end(kHostEnds), top) != std::end(kHostEnds);
}

// What a word the index lacks is searched as: "" (as typed), a typo's correction (shown), or another form of
// a word that the word list of one of `langs` holds (not shown).
struct WordFix {
  std::string searched;
  bool shown = false;
};

// True when `b` is `a` with two neighbouring letters swapped ("retires", "retries"): the slip that most often
// turns one word into another, so a real word that is this close to the index's word is still taken for a typo.
bool SwapsTwoLetters(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
         a.compare(i + 2, std::string::npos, b, i + 2, std::string::npos) == 0;
}
WordFix FixUnknownWord(const std::string& word, const Xapian::Database& db, const std::vector<std::string>& langs,
                       const std::string& dictionary_dir) {
  std::string suggestion = SuggestSpelling(db, word);
  if (suggestion.empty() || suggestion == word) return {};
  for (const std::string& lang : langs) {
    const WordDictionary* dictionary = WordDictionary::For(dictionary_dir, lang);
    if (dictionary == nullptr) continue;
    const std::string spelled = dictionary->Spelling(word);
    if (spelled.empty()) continue;
    if (dictionary->SameWord(spelled, suggestion)) return {std::move(suggestion), false};
    if (SwapsTwoLetters(word, suggestion)) return {std::move(suggestion), true};  // "retires" → "retries"
    return {};  // another word ("imzası" → "imzalı", "invoice" → "involve")
  }
  return {std::move(suggestion), true};
}

// True when `word`, which the index lacks as typed and stemmed and has no correction for, is in no form an item
// holds: not a stopword, not a form sharing a Turkish stem, not a word with synonyms. `english`: the index has
// English items.
bool HeldInNoForm(const std::string& word, const Xapian::Database& db, const std::vector<Xapian::Stem>& stems,
                  bool english, const std::string& dictionary_dir) {
  if (IsStopword(word) || HasSynonyms(word, db, stems)) return false;
  return !SharesAStem(word, db) || (english && EnglishWord(word, dictionary_dir) && !BeginsWithIndexWord(word, db));
}

}  // namespace

SpellingFix CorrectSpelling(const std::string& text, const Xapian::Database& db, bool partial,
                            const std::vector<std::string>& langs, const std::string& dictionary_dir) {
  std::vector<Xapian::Stem> stems;
  for (const std::string& l : langs) stems.push_back(MakeStemmer(l));
  constexpr int kMaxLookups = 8;           // each lookup scans the spelling table; a pasted log has many odd tokens
  std::size_t typing = std::string::npos;  // where the word being typed starts
  if (partial && !text.empty() && !IsSpace(text.back())) {
    std::size_t space = text.find_last_of(" \t\n\r\f\v");
    typing = space == std::string::npos ? 0 : space + 1;
  }
  const bool english = std::find(langs.begin(), langs.end(), "en") != langs.end();
  auto is_word_byte = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
  };
  SpellingFix fix;
  std::string& shown = fix.shown;
  std::string& searched = fix.searched;
  int lookups = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_word_byte(static_cast<unsigned char>(text[i]))) {
      shown += text[i];
      searched += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_word_byte(static_cast<unsigned char>(text[end]))) ++end;
    std::string word = AsciiLower(std::string_view(text).substr(i, end - i));
    const bool field = end < text.size() && text[end] == ':';
    const bool wildcard = end < text.size() && text[end] == '*';
    const bool typed = i >= typing;
    // Short words, codes and identifiers are not corrected: "ret" or "E2002" is not a typo of a common word.
    const bool apostrophe = (i > 0 && text[i - 1] == '\'') || (end < text.size() && text[end] == '\'');  // can't
    const bool plain_word =
        word.size() >= 4 && word.size() <= 64 && !apostrophe && std::none_of(word.begin(), word.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) || c == '_';
        });
    WordFix word_fix;
    // "dont", "isnt": searched as "don't", "isn't" (Xapian's suggestions were "done", "int"), shown as typed.
    const std::string_view contraction = field || wildcard || typed || !english ? "" : WithApostrophe(word);
    if (!contraction.empty()) {
      word_fix.searched = contraction;
    } else if (!field && !wildcard && !typed && plain_word && lookups < kMaxLookups && !InLink(text, i) &&
               !IsFunctionWord(word) && !KnownToIndex(word, db, stems)) {
      // A function word ("yüzünden", "diyor") is no typo and no gap, whether or not an item uses it.
      ++lookups;
      word_fix = FixUnknownWord(word, db, langs, dictionary_dir);
      if (word_fix.searched.empty() && !Excluded(text, i) && HeldInNoForm(word, db, stems, english, dictionary_dir) &&
          std::find(fix.unknown.begin(), fix.unknown.end(), word) == fix.unknown.end()) {
        fix.unknown.push_back(word);
      }
    }
    const std::string_view as_typed = std::string_view(text).substr(i, end - i);
    shown += word_fix.shown ? std::string_view(word_fix.searched) : as_typed;
    searched += word_fix.searched.empty() ? as_typed : std::string_view(word_fix.searched);
    i = end;
  }
  // A fix changes a word's lowercase form, so a text equal to the query's changed nothing.
  if (shown == text) shown.clear();
  if (searched == text) searched.clear();
  return fix;
}

}  // namespace kb::internal
