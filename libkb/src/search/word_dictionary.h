// WordDictionary: a language's word list (a Hunspell dictionary from Debian's hunspell-* packages), for telling a
// real word the index happens to lack from a typo. Used by CorrectSpelling.
#ifndef KB_SRC_SEARCH_WORD_DICTIONARY_H_
#define KB_SRC_SEARCH_WORD_DICTIONARY_H_

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

class Hunspell;

namespace kb::internal {

class WordDictionary {
 public:
  // The dictionary of `lang` in `dir` (Hunspell's NAME.aff and NAME.dic), loaded on first use and then shared by
  // every searcher of the process (Turkish: tr_TR, 0.41 s to load; a program that only loads it peaks at 38 MB;
  // English: en_US). nullptr when `dir` is empty, when kb checks no words of that language (English and Turkish
  // only), or when the files are missing or unreadable. Each is looked for once per process: a dictionary
  // installed later is used after a restart.
  //
  // Why: the index holds only the words its items use, so Xapian's nearest indexed word to a real word it lacks
  // is another word. A Turkish word takes many forms (suffixes for case, person, tense, negation) that the
  // index cannot all hold ("etmek" → "etmez", "imzası" → "imzalı"); an English one is simply absent ("invoice"
  // → "involve", "pushed" → "passed", "info" → "into").
  static const WordDictionary* For(const std::string& dir, const std::string& lang);

  // The spelling of `word` (lowercase UTF-8) that the dictionary holds: as typed or, for Turkish typed without
  // its letters, with some of i s c g o u read as ı ş ç ğ ö ü ("yaptik" → "yaptık", "parasini" → "parasını");
  // "" when it holds none. A name the dictionary writes with capitals is found typed in lowercase ("iphone" →
  // "iPhone", "london" → "London", "istanbul" → "İstanbul"): Hunspell's case rules reject that form, and the
  // index's nearest word would replace it ("iphone" → "phone", "ankara" → "anlama").
  std::string Spelling(const std::string& word) const;

  // True when Hunspell's morphology gives `spelled` (a Spelling) and `other` a common stem: two forms of one
  // word ("reddediliyor" and "reddedilir", stem "reddedil"), not two words one letter apart ("yatar", "yapar").
  bool SameWord(const std::string& spelled, const std::string& other) const;

  ~WordDictionary();

 private:
  WordDictionary(std::unique_ptr<Hunspell> hunspell, bool turkish_letters,
                 std::unordered_map<std::string, std::string> capitalised);
  // The form of `word` (lowercase) that Hunspell knows, as typed or as a capitalised dictionary word; "" if none.
  // Needs mu_.
  std::string Known(const std::string& word) const;

  mutable std::mutex mu_;  // Hunspell's lookups are not thread-safe
  std::unique_ptr<Hunspell> hunspell_;
  bool turkish_letters_;
  // The dictionary's words written with capitals, by their lowercase form ("iphone" → "iPhone"): some 16,000
  // in English, 8,000 in Turkish.
  std::unordered_map<std::string, std::string> capitalised_;
};

}  // namespace kb::internal

#endif  // KB_SRC_SEARCH_WORD_DICTIONARY_H_
