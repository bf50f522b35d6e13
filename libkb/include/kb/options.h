// kb::SearcherOptions and kb::RankingOptions: how a Searcher ranks and what it may expand.
//
// Every ranking feature is a switch so that the relevance evaluation (bench/) can measure each one alone.
#ifndef KB_OPTIONS_H_
#define KB_OPTIONS_H_

#include <cstddef>
#include <string>

namespace kb {

struct RankingOptions {
  // BM25 parameters. Default: Xapian's (k1 1.2... here tuned: see bench/README.md).
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
  // Field weights are applied at index time (title, headings, aliases, tags); this switch disables the
  // query-time title boost. Default: true.
  bool field_weights = true;
  // An exact error code or id in the query ranks its item first. Default: true.
  bool exact_match_first = true;
  // Multi-word queries boost items that contain the words as a phrase or near each other. Default: true.
  bool phrase_boost = true;
  // Expand query words with synonyms from the database (aliases, synonyms file). Default: true.
  bool synonyms = true;
  // When a query finds nothing, search the spelling correction instead. Default: true.
  bool spelling_fallback = true;
  // "some" (stem words, keep exact forms), "all" (stem everything), "none". Default: "some".
  std::string stemming = "some";
  // Stale items' scores are multiplied by this (1 = no demotion). Default: 0.8.
  double stale_factor = 0.8;
  // Items verified within their interval get this multiplier. Default: 1.05.
  double verified_factor = 1.05;
  // Long pasted queries (more than this many words) are reduced to their most informative terms.
  int long_query_words = 12;
  // The best section of an item decides its anchor and snippet. Default: true.
  bool section_scoring = true;
};

struct SearcherOptions {
  RankingOptions ranking;
  // Timeout for remote shards, milliseconds. Default: 10000.
  int remote_timeout_ms = 10000;
  // When a shard does not answer, answer from the others and flag the response. Default: false (fail).
  bool allow_partial = false;
  // Cap on wildcard / partial-word expansion. Default: 50.
  int max_wildcard_expansion = 50;
  // Queries longer than this many bytes are rejected. Default: 4096.
  std::size_t max_query_bytes = 4096;
  // Language for query parsing when the index has several and the query sets none: all present languages
  // are tried. Default: "en".
  std::string default_lang = "en";
};

}  // namespace kb

#endif  // KB_OPTIONS_H_
