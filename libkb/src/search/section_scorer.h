// Picks the section of an item that best answers a query, and cuts a highlighted snippet from it.
//
// Both work on the query's word terms (exact words and Z-stems) with a plain byte scan of the stored section
// text: re-tokenising every section with Xapian's TermGenerator, asking Xapian which terms each document
// matched, and Xapian's MSet::snippet together cost over half of a search.
#ifndef KB_SRC_SECTION_SCORER_H_
#define KB_SRC_SECTION_SCORER_H_

#include <xapian.h>

#include <bitset>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kb/item.h"

namespace kb::internal {

struct QueryWords {
  std::unordered_map<std::string, double> exact;  // word → idf
  std::unordered_map<std::string, double> stems;  // stem (without "Z") → idf
  std::bitset<65536> stem_pairs;                  // the first_pairs index of each stem: gate for stemming
  std::string prefix;                             // the word being typed (as-you-type), "" if none
  // The lowercased first two bytes of all the above (the second 0 for a one-byte word), as one 16-bit index:
  // most words of a text fail this test and are never copied, hashed or stemmed (section scoring and snippets
  // scan every section of every hit).
  std::bitset<65536> first_pairs;
  bool empty() const { return exact.empty() && stems.empty() && prefix.empty(); }
};

// The word terms of `query` weighted by idf in `db`; `prefix` is the partial last word, if any. `match`, when
// given, is a match of `query` on `db`: it carries the terms' frequencies, which `db` would otherwise be asked
// for one by one (a round trip each on a remote shard).
QueryWords CollectQueryWords(const Xapian::Query& query, const Xapian::Database& db, std::string prefix,
                             const Xapian::MSet* match = nullptr);

// Each section scores the idf of the query words it contains (twice for words in its heading); ties go to
// the earlier section. REQUIRES: !item.sections.empty().
const Section* BestSection(const Item& item, const QueryWords& words, const Xapian::Stem& stem);

// The share of an item's match that its best section holds: the idf of the distinct query words in the item
// title plus the best section (heading and text), over those in the title plus all sections. 1 when the item
// has one section or matches no word; lower when the words are scattered over several sections.
double SectionFocus(const Item& item, const QueryWords& words, const Xapian::Stem& stem);
// True when `text` holds one of the query's words (an exact form, or one with the same stem in `lang`).
bool NamesQueryWord(std::string_view text, const QueryWords& words, const std::string& lang);

// Up to about `max_bytes` of `text` around its densest cluster of query words, HTML-escaped, matches wrapped
// in <mark>…</mark>, "…" where text was cut.
std::string MakeSnippet(std::string_view text, const QueryWords& words, const Xapian::Stem& stem,
                        std::size_t max_bytes);

}  // namespace kb::internal

#endif  // KB_SRC_SECTION_SCORER_H_
