#ifndef KB_SRC_SEARCH_QUERY_WEIGHTING_H_
#define KB_SRC_SEARCH_QUERY_WEIGHTING_H_

// How a parsed query is weighed: the weighting scheme (BM25, or IneB2 for long text) and pseudo-relevance
// feedback.

#include <xapian.h>

#include <memory>

#include "kb/options.h"
#include "query_builder.h"

namespace kb::internal {

// BM25 with RankingOptions' k1 and b; IneB2 for a long question or log (at least pasted_query_words words, not
// a message).
std::unique_ptr<Xapian::Weight> WeightFor(const ParsedQuery& parsed, const RankingOptions& r);

// `query` with pseudo-relevance feedback: the first feedback_docs results of `first` (the same query, or it
// without its field boosts) lend their feedback_terms most informative stems, which add weight to the matches
// of `query` and never add matches. `enquire` runs the first pass and is left set to it. `added` (explain, may
// be null): receives the expansion as it weighs in the result.
Xapian::Query WithFeedback(Xapian::Enquire& enquire, const Xapian::Query& query, const Xapian::Query& first,
                           const RankingOptions& r, Xapian::Query* added);

}  // namespace kb::internal

#endif  // KB_SRC_SEARCH_QUERY_WEIGHTING_H_
