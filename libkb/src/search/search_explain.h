#ifndef KB_SRC_SEARCH_EXPLAIN_H_
#define KB_SRC_SEARCH_EXPLAIN_H_

// Explain (SearchRequest::explain): the parts a result's score is made of. Xapian weighs a document as the sum
// of its query's leaf terms (OR, AND_MAYBE, NEAR and PHRASE add their subqueries, FILTER's right side weighs
// nothing, SCALE_WEIGHT multiplies), and with BM25 (k2 = 0) or IneB2 each leaf's weight depends only on its
// own term, the document and the database. So each named part of the query, run alone over the same
// documents with the same weighting scheme, weighs what it added to the whole.

#include <xapian.h>

#include <string>
#include <vector>

#include "kb/searcher.h"
#include "query_builder.h"

namespace kb::internal {

// A document of the page to explain: its docid and item id (its kPrefixId term).
struct ExplainDoc {
  Xapian::docid docid = 0;
  std::string id;
};

// weights[p][d]: what part p weighs for docs[d] (0 where the part does not match it), one match per part
// restricted to `docs`.
std::vector<std::vector<double>> PartWeights(const Xapian::Database& db, const std::vector<QueryPart>& parts,
                                             const Xapian::Weight& weight, const std::vector<ExplainDoc>& docs);

// The parts of a score: the match parts (`weights`, one per part), or the whole `match` weight as one part
// when they do not add up to it; then each factor as what it changed the score by at its turn.
// `factors`: ScorePart with part and factor set.
std::vector<ScorePart> ScoreParts(const std::vector<QueryPart>& parts, const std::vector<double>& weights, double match,
                                  const std::vector<ScorePart>& factors);

}  // namespace kb::internal

#endif  // KB_SRC_SEARCH_EXPLAIN_H_
