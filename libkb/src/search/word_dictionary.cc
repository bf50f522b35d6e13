// WordDictionary: Hunspell dictionaries loaded once per process, and the Turkish letters typed plainly.
#include "word_dictionary.h"

#include <unistd.h>
#include <hunspell.hxx>

#include <xapian.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

namespace kb::internal {
namespace {

// The languages whose words are checked: their Hunspell dictionary name, and whether their letters may be typed
// plainly.
struct Language {
  const char* lang;
  const char* dictionary;
  bool turkish_letters;
};
constexpr Language kLanguages[] = {{"en", "en_US", false}, {"tr", "tr_TR", true}};

// A plainly typed letter and the Turkish letter it may stand for.
struct LetterPair {
  char plain;
  const char* turkish;
};
constexpr LetterPair kTurkishLetters[] = {{'i', "ı"}, {'s', "ş"}, {'c', "ç"}, {'g', "ğ"}, {'o', "ö"}, {'u', "ü"}};
// A word with more plain letters than this is checked as typed and with the first ones read as Turkish letters:
// 2^8 spellings at most (0.2-0.5 microseconds each, measured on words of 7 to 23 letters).
constexpr int kMaxPlainLetters = 8;

const char* TurkishFor(char c) {
  for (const LetterPair& p : kTurkishLetters) {
    if (p.plain == c) return p.turkish;
  }
  return nullptr;
}

// Whether a dictionary word is written with a capital: its first letter (London, İstanbul) or an ASCII letter
// inside it (iPhone, PayPal). Only the first letter is decoded: decoding every letter of the 370,000 Turkish
// words took longer than reading them.
bool HasCapital(std::string_view word) {
  if (word.empty()) return false;
  if (std::any_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return true;
  return static_cast<unsigned char>(word[0]) >= 0x80 &&
         Xapian::Unicode::get_category(*Xapian::Utf8Iterator(word.data(), word.size())) ==
             Xapian::Unicode::UPPERCASE_LETTER;
}

// The words of a Hunspell .dic file (after its first line, the count: "word/FLAGS" or "word", maybe followed by
// morphological fields) written with a capital, by their lowercase form. 13-20 ms for English, 30 ms for Turkish.
std::unordered_map<std::string, std::string> CapitalisedWords(const std::string& dic) {
  std::unordered_map<std::string, std::string> words;
  std::ifstream in(dic);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const std::string_view word = std::string_view(line).substr(0, line.find_first_of("/ \t\r"));
    if (HasCapital(word)) words.emplace(Xapian::Unicode::tolower(std::string(word)), word);
  }
  return words;
}

}  // namespace

WordDictionary::WordDictionary(std::unique_ptr<Hunspell> hunspell, bool turkish_letters,
                               std::unordered_map<std::string, std::string> capitalised)
    : hunspell_(std::move(hunspell)), turkish_letters_(turkish_letters), capitalised_(std::move(capitalised)) {}

WordDictionary::~WordDictionary() = default;

const WordDictionary* WordDictionary::For(const std::string& dir, const std::string& lang) {
  const Language* language = nullptr;
  for (const Language& l : kLanguages) {
    if (lang == l.lang) language = &l;
  }
  if (dir.empty() || language == nullptr) return nullptr;
  static std::mutex mu;
  // Kept until exit; a null entry is a dictionary that is missing.
  static auto* loaded = new std::map<std::string, std::unique_ptr<WordDictionary>>;
  const std::string base = dir + "/" + language->dictionary;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = loaded->find(base); it != loaded->end()) return it->second.get();
  std::unique_ptr<WordDictionary>& entry = (*loaded)[base];
  const std::string aff = base + ".aff";
  const std::string dic = base + ".dic";
  // Hunspell reports unreadable files on stderr and then knows no word: check them first.
  if (::access(aff.c_str(), R_OK) == 0 && ::access(dic.c_str(), R_OK) == 0) {
    auto hunspell = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
    if (hunspell->get_dict_encoding() == "UTF-8") {
      entry.reset(new WordDictionary(std::move(hunspell), language->turkish_letters, CapitalisedWords(dic)));
    }
  }
  return entry.get();
}

std::string WordDictionary::Known(const std::string& word) const {
  if (hunspell_->spell(word)) return word;
  auto it = capitalised_.find(word);
  return it != capitalised_.end() && hunspell_->spell(it->second) ? it->second : "";
}

std::string WordDictionary::Spelling(const std::string& word) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (std::string known = Known(word); !known.empty()) return known;
  if (!turkish_letters_) return "";
  std::vector<std::size_t> plain;  // byte offsets of letters that may stand for Turkish ones
  for (std::size_t i = 0; i < word.size() && plain.size() < kMaxPlainLetters; ++i) {
    if (TurkishFor(word[i]) != nullptr) plain.push_back(i);
  }
  // Every other choice of plain letters read as Turkish ones (mask 0 is the word as typed, checked above).
  for (unsigned mask = 1; mask < (1u << plain.size()); ++mask) {
    std::string spelled;
    spelled.reserve(word.size() + plain.size());
    std::size_t from = 0;
    for (std::size_t b = 0; b < plain.size(); ++b) {
      if (!(mask & (1u << b))) continue;
      spelled.append(word, from, plain[b] - from);
      spelled += TurkishFor(word[plain[b]]);
      from = plain[b] + 1;
    }
    spelled.append(word, from, std::string::npos);
    if (std::string known = Known(spelled); !known.empty()) return known;
  }
  return "";
}

bool WordDictionary::SameWord(const std::string& spelled, const std::string& other) const {
  const std::string spelled_other = Spelling(other);
  if (spelled.empty() || spelled_other.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  const std::vector<std::string> stems = hunspell_->stem(spelled);
  const std::vector<std::string> other_stems = hunspell_->stem(spelled_other);
  return std::any_of(stems.begin(), stems.end(), [&](const std::string& stem) {
    return std::find(other_stems.begin(), other_stems.end(), stem) != other_stems.end();
  });
}

}  // namespace kb::internal
