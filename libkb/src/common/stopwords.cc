// The English stopword list: 120 function words, sorted.
#include "stopwords.h"

#include <algorithm>
#include <array>
#include <string>

namespace kb::internal {

namespace {
// Sorted, so that IsStopword can binary-search.
constexpr std::array<std::string_view, 120> kStopwords{{
    "a",     "about",  "above",   "after", "again", "all",    "also",  "am",     "an",      "and",     "any",
    "are",   "as",     "at",      "be",    "been",  "before", "being", "below",  "between", "both",    "but",
    "by",    "can",    "could",   "did",   "do",    "does",   "doing", "down",   "during",  "each",    "few",
    "for",   "from",   "further", "get",   "got",   "had",    "has",   "have",   "having",  "he",      "her",
    "here",  "hers",   "him",     "his",   "how",   "i",      "if",    "in",     "into",    "is",      "it",
    "its",   "itself", "just",    "me",    "more",  "most",   "my",    "myself", "no",      "nor",     "not",
    "now",   "of",     "off",     "on",    "once",  "only",   "or",    "other",  "our",     "ours",    "out",
    "over",  "own",    "please",  "same",  "she",   "should", "so",    "some",   "such",    "than",    "that",
    "the",   "their",  "them",    "then",  "there", "these",  "they",  "this",   "those",   "through", "to",
    "too",   "under",  "until",   "up",    "us",    "very",   "was",   "we",     "were",    "what",    "when",
    "where", "which",  "while",   "who",   "why",   "will",   "with",  "would",  "you",     "your",
}};
}  // namespace

bool IsStopword(std::string_view word) { return std::binary_search(kStopwords.begin(), kStopwords.end(), word); }

const Xapian::Stopper* EnglishStopper() {
  static const Xapian::SimpleStopper* stopper = [] {
    auto* s = new Xapian::SimpleStopper();
    for (std::string_view w : kStopwords) s->add(std::string(w));
    return s;
  }();
  return stopper;
}

}  // namespace kb::internal
