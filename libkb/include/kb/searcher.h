// kb::Searcher: answers queries over one or more kb databases (local paths or remote shards) as one.
//
// Usage:
//   auto searcher = kb::Searcher::Open({"/var/lib/kb/db"}, {});
//   kb::SearchRequest req;
//   req.query = "card declined tag:payments";
//   auto res = (*searcher)->Search(req);
//   for (const kb::SearchHit& hit : res->hits) { ... hit.section_anchor, hit.snippet ... }
//
// Query syntax: free text (stemmed per language), "exact phrases", AND / OR / NOT, +must -mustnot, and
// field filters tag: owner: kind: tier: product: lang: code: id: (boolean, case-insensitive; the same field
// twice ORs, different fields AND) and title: (free text in titles). Error codes and ids typed as plain
// words also match exactly and rank first.
//
// Curation: the rules of the sources' curation.yaml files, stored in the index by kb-index, pin and hide items
// for matching queries (SearchHit::pinned); Reopen() takes up changed rules. Active incidents that match a
// query come back in SearchResponse::incidents.
//
// Thread-safety: a Searcher is NOT thread-safe (Xapian objects are not); give each thread its own
// (Open is cheap). Reopen() picks up a newer committed revision.
#ifndef KB_SEARCHER_H_
#define KB_SEARCHER_H_

#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kb/item.h"
#include "kb/options.h"
#include "kb/status.h"

namespace kb {

// How a SearchRequest orders its results.
enum class SortOrder {
  kRelevance,  // "relevance": the ranking
  kVerified,   // "verified": most recently verified first
  kTitle,      // "title": by title, A to Z
};
// Each order's name (as in an HTTP request), by SortOrder.
inline constexpr std::string_view kSortOrderNames[] = {"relevance", "verified", "title"};
// The order with this name; nullopt for any other.
inline std::optional<SortOrder> ParseSortOrder(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kSortOrderNames); ++i) {
    if (kSortOrderNames[i] == name) return static_cast<SortOrder>(i);
  }
  return std::nullopt;
}

struct SearchRequest {
  std::string query;
  // Extra filters ANDed with the query: field → accepted values (ORed). Fields: kFilterFields.
  std::map<std::string, std::vector<std::string>> filters;
  int page = 1;   // 1-based
  int size = 10;  // results per page, 1..kMaxPageSize
  // Treat the last word as a prefix still being typed. Default: false.
  bool partial = false;
  // Facet fields to count, of kFacetFields. Empty = none.
  std::vector<std::string> facets;
  // Default: by relevance.
  SortOrder sort = SortOrder::kRelevance;
  // Compute snippets. Default: true.
  bool snippets = true;
  // Date used to decide staleness (YYYY-MM-DD); "" = today.
  std::string today;
  // The reader's language (ISO 639-1, e.g. from the browser's preference). The query's own words decide its
  // language; this decides only when they do not (no word, or words every language uses). Items in the
  // query's language rank first, and items in another language appear only when none in it match (or with
  // an explicit `lang:` filter). "" = SearcherOptions::default_lang.
  std::string language;
  // Unix time curation rules and incident banners are judged at (kb/curation.h); 0 = the clock.
  std::int64_t now_seconds = 0;
  // Fill SearchHit::explain with the parts of each result's score. Costs a match per query part over the
  // page's results; nothing when false. Default: false.
  bool explain = false;
};

inline constexpr int kMaxPageSize = 100;
// What a SearchRequest may name, defined here once: the fields it filters on (SearchRequest::filters, and
// `field:value` in a query) and the facets it counts. Search answers InvalidArgument for anything else.
inline constexpr std::string_view kFilterFields[] = {"tag", "owner", "kind", "tier", "product", "lang", "code", "id"};
inline constexpr std::string_view kFacetFields[] = {"tag", "owner", "kind", "tier", "product", "lang"};

// One part of a result's score (SearchRequest::explain). The parts of a hit add up to its score.
//   Added by the match (BM25, or IneB2 for long pasted text; each part weighs its own terms):
//     text        the query's words in any field (titles, aliases, headings and tags count as several words)
//     title       the words again in the title alone (RankingOptions::title_boost)
//     alias       the words again in the aliases alone (alias_boost)
//     phrase      the words close together (phrase_boost)
//     synonym     another form of a synonym group with a phrase, in an item without the query's own form
//                 ("amex" finding "American Express"; synonyms)
//     identifier  an identifier quoted in pasted text, as a phrase (exact_match_first)
//     exact       an error code or id the query names (exact_match_first; such results also rank first)
//     code        a code a typed query names, again where an item's text mentions it (code_text_boost)
//     feedback    words lent by the top results of a long query (feedback_*)
//     other_language_code  the whole match of an item in another language than the query's, there because it
//                 holds an error code or id the query names that no item in the query's language holds
//                 (other_language_codes)
//     match       the whole match weight, when the parts above do not add up to it: Xapian 1.4 weighed some
//                 documents of a pasted message whose identifier is also a phrase of its words (card_declined)
//                 unlike the same query run over those documents alone
//   Multiplied in afterwards, each shown as what it added (or took away) at its turn, with `factor` set:
//     freshness   stale_factor or verified_factor (the item's stale_after date)
//     popularity  1 + popularity_boost * log(1 + opens)
//     boost       the item's front matter `boost`
//     answers_after  answer_factor, for scripted answers when the query does not ask for a reply
//     problem     problem_factor, for items naming a problem when a typed query reports one
//     process     process_factor, for `scope: process` items when a typed query speaks in the first person
//     ended       ended_factor, for an incident whose `until` is before today
//     focus       the share of the matches its best section holds (section_scoring)
//   And: pin (value 0) on a result a curation rule placed; its position comes from the rule.
// The query's language decides which items match (a filter), not how much they weigh: it is no part.
struct ScorePart {
  std::string part;
  double value = 0;   // what this part added to the score (negative: took away)
  double factor = 0;  // for a multiplying part, the factor it multiplied by; 0 for an added part
};

struct SearchHit {
  std::string id;
  std::string title;
  Kind kind = Kind::kArticle;
  std::string path;
  std::string source;
  std::string section_title;   // best-matching section; the item title for the lead section
  std::string section_anchor;  // "" for the lead section
  std::string snippet;         // HTML-escaped text with matches wrapped in <mark>…</mark>
  std::string owner;
  Tier tier = Tier::kUnset;
  std::string product;
  std::string lang;
  std::vector<std::string> tags;
  std::vector<std::string> error_codes;
  std::string verified;     // YYYY-MM-DD or ""
  std::string stale_after;  // YYYY-MM-DD or ""
  bool stale = false;
  std::string started;  // incidents: `started` and `until` as written in the item; "" for other kinds
  std::string until;
  bool exact = false;  // matched an error code or id exactly
  double score = 0;
  int rank = 0;                    // 1-based position in the whole result list
  bool pinned = false;             // placed here by a curation rule (curation.yaml)
  std::string pin_note;            // that rule's note
  std::vector<ScorePart> explain;  // with SearchRequest::explain: the parts of `score`, in the order applied
};

// An active incident (`kind: incident`, `until` not yet passed) that matches the query: shown above results.
struct IncidentBanner {
  std::string id;
  std::string title;
  std::string summary;
  std::string owner;
  std::string started;  // as written in the item, "" if not given
  std::string until;    // as written
  std::string path;
};

struct FacetValue {
  std::string value;
  int count = 0;
};

struct SearchResponse {
  std::string query;
  int total = 0;  // estimated number of matching items (exact for small result sets)
  int page = 1;
  int size = 10;
  std::vector<SearchHit> hits;
  std::vector<IncidentBanner> incidents;  // active incidents matching the query, most relevant first
  // Field → values by descending count. Exact up to 1,000 matches; beyond, estimated from a sample of them.
  std::map<std::string, std::vector<FacetValue>> facets;
  std::string suggestion;       // "did you mean" query, "" if none
  std::string corrected_query;  // set when the suggestion was searched instead of the query as typed
  // Words of a typed query that no item holds in any form (as typed, stemmed, a correction, a synonym), in
  // lowercase: the results match the query's other words. A gap in the knowledge base, or a word it spells
  // otherwise. Empty for pasted text, where names and signatures would fill it.
  std::vector<std::string> missing_words;
  std::string language;                    // the language the query was read in ("" when the index has one)
  bool partial_results = false;            // some shard did not answer (only with SearcherOptions::allow_partial)
  std::vector<std::string> failed_shards;  // with partial_results: "remote:HOST:PORT (reason)" of each
  double elapsed_ms = 0;
};

struct Completion {
  std::string text;   // the whole query with the last word completed
  int frequency = 0;  // documents containing the completed word
};

struct SuggestResponse {
  std::vector<Completion> completions;
  std::vector<SearchHit> hits;  // top hits for the partial query (no snippets)
};

// An item as stored, for display.
struct StoredItem {
  Item item;  // metadata, body (Markdown), sections; code_blocks/links are not stored
  std::string stale_after;
  bool stale = false;
};

namespace internal {
struct SearcherAccess;
}  // namespace internal

class Searcher {
 public:
  // `databases`: local paths and/or "remote:HOST:PORT" (xapian-tcpsrv), searched as one database: the same
  // items split over shards rank, page, filter and facet as they would in one. Synonyms and spelling come
  // from the local shards, since xapian-tcpsrv serves neither: keep at least one shard local (kb-index
  // --shards gives every shard all synonyms; spelling covers the words of the local shards' items). With
  // only remote shards a search works but offers no "did you mean" and expands no synonyms.
  // A remote shard that does not answer makes Open fail with Unavailable, unless options.allow_partial.
  // At least one.
  static Result<std::unique_ptr<Searcher>> Open(const std::vector<std::string>& databases,
                                                const SearcherOptions& options);
  static Result<std::unique_ptr<Searcher>> Open(const std::vector<std::string>& databases);
  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  Result<SearchResponse> Search(const SearchRequest& request);
  // As-you-type: completions of the last word and the top `hits` items for the partial query, in the order
  // the final search gives them once the last word is complete. `language`: as SearchRequest::language.
  Result<SuggestResponse> Suggest(const std::string& partial_query, int completions = 8, int hits = 5,
                                  const std::string& language = "");
  Result<StoredItem> GetItem(const std::string& id);
  // The words of `query` that SearchResponse::missing_words would list, without running the search: the
  // knowledge-gap insights ask it of each logged query, against the index as it is now.
  Result<std::vector<std::string>> MissingWords(const std::string& query);
  // Items related to this one, in its language: those it links to and that link to it, then those sharing
  // its error codes, then its tags, then more-like-this over its most informative words.
  Result<std::vector<SearchHit>> Related(const std::string& id, int count = 5);

  // Item id → popularity (opens + copies, e.g. from UsageLog::Popularity), used only when
  // RankingOptions::popularity_boost > 0. Immutable and shared, so that every thread's Searcher can hold one map.
  void SetPopularity(std::shared_ptr<const std::unordered_map<std::string, double>> popularity);

  // Loads now, rather than at the first search that needs one, the word lists that searches check query words
  // against (SearcherOptions::dictionary_dir; English and Turkish, for the index's languages): about 0.4 s for
  // Turkish, once per process. Returns how many the index's languages have.
  int LoadWordLists() const;

  // Moves to the newest committed revision. Returns true if it changed.
  Result<bool> Reopen();
  std::size_t DocCount() const;
  // Metadata from the first database ("" when absent).
  std::string GetMetadata(const std::string& key) const;

 private:
  friend struct internal::SearcherAccess;  // libkb's walks over every item (item_walk.h)
  struct Rep;
  explicit Searcher(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace kb

#endif  // KB_SEARCHER_H_
