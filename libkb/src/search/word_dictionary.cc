// WordDictionary: Hunspell dictionaries loaded once per process, and the Turkish letters typed plainly.
#include "word_dictionary.h"

#include <unistd.h>
#include <hunspell.hxx>

#include <algorithm>
#include <map>
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

}  // namespace

WordDictionary::WordDictionary(std::unique_ptr<Hunspell> hunspell, bool turkish_letters)
    : hunspell_(std::move(hunspell)), turkish_letters_(turkish_letters) {}

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
      entry.reset(new WordDictionary(std::move(hunspell), language->turkish_letters));
    }
  }
  return entry.get();
}

std::string WordDictionary::Spelling(const std::string& word) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (hunspell_->spell(word)) return word;
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
    if (hunspell_->spell(spelled)) return spelled;
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
