#include "section_scorer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "html_escape.h"
#include "query_text.h"
#include "text.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

// Bytes of a word: ASCII letters and digits, '_', and every byte of a UTF-8 sequence. A table: the scan asks
// this of every byte of every section of every hit shown.
constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
  }
  return t;
}();

bool IsWordByte(unsigned char c) { return kWordBytes[c]; }

unsigned char LowerByte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'A' && u <= 'Z') ? static_cast<unsigned char>(u - 'A' + 'a') : u;
}

// QueryWords::first_pairs' index of a word: its first two bytes, lowercased (the second 0 for one byte).
std::size_t FirstPair(std::string_view word) {
  return static_cast<std::size_t>(LowerByte(word[0])) << 8 | (word.size() > 1 ? LowerByte(word[1]) : 0);
}

struct Match {
  std::size_t begin, end;  // byte offsets of the word in the text
  const std::string* key;  // which query word it is (each counts once): its entry in QueryWords
  double idf;
};

// The query words a text has shown so far. A query has few words: a short list beats hashing strings.
class Seen {
 public:
  bool Insert(const std::string* key) {
    if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) return false;
    keys_.push_back(key);
    return true;
  }

 private:
  std::vector<const std::string*> keys_;
};

// Finds the query words in `text`. Only words that start like a query stem are stemmed.
std::vector<Match> FindMatches(std::string_view text, const QueryWords& q, const Xapian::Stem& stem) {
  std::vector<Match> out;
  std::size_t i = 0;
  std::string word;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    if (!q.first_pairs[FirstPair(text.substr(start, i - start))]) continue;
    word.assign(text, start, i - start);
    for (char& c : word) c = static_cast<char>(LowerByte(c));
    if (auto e = q.exact.find(word); e != q.exact.end()) {
      out.push_back({start, i, &e->first, e->second});
      continue;
    }
    if (!q.prefix.empty() && word.compare(0, q.prefix.size(), q.prefix) == 0) {
      out.push_back({start, i, &q.prefix, 1.0});
      continue;
    }
    if (q.stems.empty() || word.size() < 2 || !q.stem_pairs[FirstPair(word)]) continue;
    if (auto s = q.stems.find(stem(word)); s != q.stems.end()) out.push_back({start, i, &s->first, s->second});
  }
  return out;
}

double Score(const std::vector<Match>& matches, Seen* seen) {
  double score = 0;
  for (const Match& m : matches) {
    if (seen->Insert(m.key)) score += m.idf;
  }
  return score;
}

// Moves a cut point back to the start of a UTF-8 character.
std::size_t CharStart(std::string_view text, std::size_t pos) {
  while (pos > 0 && pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

}  // namespace

QueryWords CollectQueryWords(const Xapian::Query& query, const Xapian::Database& db, std::string prefix,
                             const Xapian::MSet* match) {
  QueryWords q;
  q.prefix = AsciiLower(prefix);
  if (q.prefix.size() == 1) {
    for (std::size_t second = 0; second < 256; ++second) q.first_pairs.set(FirstPair(q.prefix) | second);
  } else if (!q.prefix.empty()) {
    q.first_pairs.set(FirstPair(q.prefix));
  }
  const double n = std::max<double>(1.0, db.get_doccount());
  std::vector<std::pair<std::string, bool>> words;  // each word term, and whether it is unstemmed (plain)
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    const std::string& term = *it;
    unsigned char c = static_cast<unsigned char>(term.empty() ? 0 : term[0]);
    bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
    bool stemmed = c == 'Z' && term.size() > 2 && !(term[1] >= 'A' && term[1] <= 'Z');
    if (plain || stemmed) words.emplace_back(term, plain);  // prefixed terms (codes, filters, title:) say nothing
  }
  // Function words ("to", "the", "how", "ve") say nothing about a section either, and marked in every snippet
  // they hide the words that matter; a query of nothing else keeps them.
  auto function_word = [](const std::pair<std::string, bool>& w) {
    return IsFunctionWord(std::string_view(w.first).substr(w.second ? 0 : 1));
  };
  const bool only_function_words = std::all_of(words.begin(), words.end(), function_word);
  for (const auto& w : words) {
    if (!only_function_words && function_word(w)) continue;
    const auto& [term, plain] = w;
    const Xapian::doccount df = match ? match->get_termfreq(term) : db.get_termfreq(term);
    double idf = std::log(1.0 + n / std::max<double>(1.0, df));
    if (plain) {
      q.exact.emplace(term, idf);
      q.first_pairs.set(FirstPair(term));
    } else {
      q.stems.emplace(term.substr(1), idf);
      q.stem_pairs.set(FirstPair(std::string_view(term).substr(1)));
      q.first_pairs.set(FirstPair(std::string_view(term).substr(1)));
    }
  }
  return q;
}

const Section* BestSection(const Item& item, const QueryWords& words, const Xapian::Stem& stem) {
  const Section* best = &item.sections.front();
  if (words.empty() || item.sections.size() == 1) return best;
  double best_score = 0;
  for (const Section& s : item.sections) {
    // A query word in the heading counts twice: the heading says what the section is about.
    Seen seen;
    double score = s.level > 0 ? 2 * Score(FindMatches(s.title, words, stem), &seen) : 0;
    score += Score(FindMatches(s.text, words, stem), &seen);
    if (score > best_score) {
      best_score = score;
      best = &s;
    }
  }
  return best;
}

double SectionFocus(const Item& item, const QueryWords& words, const Xapian::Stem& stem) {
  if (item.sections.size() < 2 || words.empty()) return 1.0;
  Seen in_title;
  const double title = Score(FindMatches(item.title, words, stem), &in_title);
  Seen in_item = in_title;
  double total = title;
  double best = 0;
  for (const Section& s : item.sections) {
    Seen in_section = in_title;
    double score = title;
    for (const std::string* text : {&s.title, &s.text}) {
      if (text == &s.title && s.level == 0) continue;
      std::vector<Match> matches = FindMatches(*text, words, stem);
      score += Score(matches, &in_section);
      total += Score(matches, &in_item);
    }
    best = std::max(best, score);
  }
  return total > 0 ? best / total : 1.0;
}

std::string MakeSnippet(std::string_view text, const QueryWords& words, const Xapian::Stem& stem,
                        std::size_t max_bytes) {
  std::vector<Match> matches = words.empty() ? std::vector<Match>{} : FindMatches(text, words, stem);
  // The window start (at a match) whose distinct matches within max_bytes weigh most.
  std::size_t begin = 0;
  double best = -1;
  for (std::size_t i = 0; i < matches.size(); ++i) {
    Seen seen;
    double score = 0;
    for (std::size_t j = i; j < matches.size() && matches[j].end <= matches[i].begin + max_bytes; ++j) {
      if (seen.Insert(matches[j].key)) score += matches[j].idf;
    }
    if (score > best) {
      best = score;
      begin = matches[i].begin;
    }
  }
  // Some context before the first match, starting on a word.
  if (begin > 0) {
    std::size_t back = begin > max_bytes / 4 ? begin - max_bytes / 4 : 0;
    while (back < begin && back > 0 && IsWordByte(static_cast<unsigned char>(text[back - 1]))) ++back;
    begin = CharStart(text, back);
  }
  std::size_t end = std::min(text.size(), begin + max_bytes);
  if (end < text.size()) {
    std::size_t cut = end;
    while (cut > begin && IsWordByte(static_cast<unsigned char>(text[cut]))) --cut;
    end = cut > begin ? cut : CharStart(text, end);
  }
  std::string out = begin > 0 ? "…" : "";
  std::size_t pos = begin;
  for (const Match& m : matches) {
    if (m.begin < begin) continue;
    if (m.end > end) break;
    out += HtmlEscape(text.substr(pos, m.begin - pos));
    out += "<mark>";
    out += HtmlEscape(text.substr(m.begin, m.end - m.begin));
    out += "</mark>";
    pos = m.end;
  }
  out += HtmlEscape(text.substr(pos, end - pos));
  // Collapse the newlines of lists and code into spaces: a snippet is one line of text.
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (end < text.size()) out += "…";
  return out;
}

bool NamesQueryWord(std::string_view text, const QueryWords& words, const std::string& lang) {
  if (text.empty() || words.empty()) return false;
  // An index of one language leaves the query's language unset: its items are English as often as not.
  for (const Match& m : FindMatches(text, words, MakeStemmer(lang.empty() ? "en" : lang))) {
    if (m.key != &words.prefix) return true;  // a word still being typed is not yet a word of the query
  }
  return false;
}

}  // namespace kb::internal
