// Turns a kb query string (free text + field filters) into a Xapian query.
//
// Field filters (tag: owner: kind: tier: product: lang: code: id:) are taken out of the text here rather than
// by Xapian's QueryParser so that their values are case-folded and normalised exactly like the indexed terms,
// and a negated filter (-tag:x) becomes AND_NOT. Everything in the result is a plain boolean or weighted
// term query, so it runs unchanged on remote shards.
#ifndef KB_SRC_QUERY_BUILDER_H_
#define KB_SRC_QUERY_BUILDER_H_

#include <xapian.h>

#include <map>
#include <string>
#include <vector>

#include "kb/options.h"
#include "kb/searcher.h"
#include "kb/status.h"

namespace kb::internal {

// Fields that become boolean filter terms.
bool IsFilterField(std::string_view field);

// One named part of a query's weight (SearchRequest::explain): the subquery as it sits in the query, with the
// filters that decide whether it adds (the language, the text a boost reorders), so that a document's weight
// for the whole query is the sum of its weights for the parts.
struct QueryPart {
  std::string name;  // ScorePart::part: text, title, alias, phrase, identifier, exact, other_language_code
  Xapian::Query query;
};

struct ParsedQuery {
  Xapian::Query query;  // what to run: text (with boosts) filtered by the filters
  // The same text in the index's other languages, run only when `query` matches nothing: an English reader
  // sees a Turkish item only when no English one matches. Empty when the language was given (`lang:`).
  Xapian::Query fallback;
  // What the pseudo-relevance feedback's first pass runs for `query` and for `fallback`: the same, or for a
  // long pasted question the same without the title and alias boosts (RankingOptions::feedback_field_boosts).
  Xapian::Query first_pass;
  Xapian::Query first_pass_fallback;
  std::string language;                    // the query's language ("" when the index has one language)
  std::string free_text;                   // the query without its field filters
  std::string filter_text;                 // the field filters as typed ("tag:refunds owner:payments")
  std::vector<std::string> exact_terms;    // error-code / id terms the query names exactly
  std::string corrected;                   // spelling correction of free_text, "" if none
  bool auto_corrected = false;             // `query` searches `corrected` (a word the index lacks was fixed)
  std::vector<std::string> missing_words;  // typed words no item holds in any form (SpellingFix::unknown)
  bool prose = false;                      // pasted text: read as plain words, never as query syntax
  bool message = false;                    // pasted text that is a message (lines, a greeting), not a question
  bool wants_reply = false;                // asks what to send ("reply", "what to tell", "cevap")
  bool reports_problem = false;  // typed, and says something went wrong ("failed", "not arriving", "gelmiyor")
  bool own_work = false;         // a short question in the first person ("who do I escalate…"), not a message
  bool operators = false;        // typed with operators or quotes (a zero-result retry reads it as text)
  int words = 0;                 // words in free_text
  bool long_query = false;       // reduced to its most informative terms
  // With SearchRequest::explain: the parts of `query` and of `fallback` (their field filters weigh nothing).
  std::vector<QueryPart> parts;
  std::vector<QueryPart> fallback_parts;
};

struct QueryContext {
  const Xapian::Database* db = nullptr;        // all shards
  const Xapian::Database* local_db = nullptr;  // local shards: spelling and synonym data
  const SearcherOptions* options = nullptr;
  std::vector<std::string> langs;  // languages present in the index
  bool plain = false;              // read the query as plain text even if it looks typed
};

Result<ParsedQuery> BuildQuery(const SearchRequest& request, const QueryContext& ctx);

// ParsedQuery::missing_words of `query` without building the query: empty for pasted text, and over remote
// shards (whose words the local spelling data does not know).
std::vector<std::string> MissingWords(const std::string& query, const QueryContext& ctx);

}  // namespace kb::internal

#endif  // KB_SRC_QUERY_BUILDER_H_
