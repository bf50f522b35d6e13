// How a parsed query is weighed: BM25 or IneB2, and pseudo-relevance feedback (Xapian's RSet and ESet).

#include "query_weighting.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "stopwords.h"

namespace kb::internal {

namespace {

// What pseudo-relevance feedback may add to a query: stems of plain words (Z-terms), not stopwords, not
// prefixed field or filter terms, not fragments.
struct FeedbackTerms : Xapian::ExpandDecider {
  bool operator()(const std::string& term) const override {
    if (term.size() < 4 || term.size() > 40 || term[0] != 'Z') return false;
    const unsigned char c = static_cast<unsigned char>(term[1]);
    return ((c >= 'a' && c <= 'z') || c >= 0x80) && !IsStopword(std::string_view(term).substr(1));
  }
};

}  // namespace

// Pseudo-relevance feedback (Xapian's RSet/ESet): the top results of `query` lend their most informative
// terms, which then reorder the matches of `query` (OP_AND_MAYBE adds weight, never matches), weighing at most
// feedback_weight times the query's stem terms (RankingOptions::feedback_scaled). A long
// natural-language query names its topic in many words; the best first matches name it in the corpus's own.
// The first pass runs `first` (ParsedQuery::first_pass: `query`, or it without its field boosts). `added`
// (explain): receives the expansion as it weighs in the result.
Xapian::Query WithFeedback(Xapian::Enquire& enquire, const Xapian::Query& query, const Xapian::Query& first,
                           const RankingOptions& r, Xapian::Query* added) {
  enquire.set_query(first);
  Xapian::MSet top = enquire.get_mset(0, static_cast<Xapian::doccount>(r.feedback_docs));
  if (top.empty()) return query;
  Xapian::RSet rset;
  for (auto it = top.begin(); it != top.end(); ++it) rset.add_document(*it);
  const FeedbackTerms decider;
  Xapian::ESet eset = enquire.get_eset(static_cast<Xapian::termcount>(r.feedback_terms), rset, &decider);
  if (eset.empty()) return query;
  double weight = r.feedback_weight;
  if (r.feedback_scaled) {
    size_t stems = 0;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) stems += (*t)[0] == 'Z';
    weight *= std::min(1.0, static_cast<double>(stems) / static_cast<double>(eset.size()));
  }
  Xapian::Query expansion(Xapian::Query::OP_OR, eset.begin(), eset.end());
  expansion = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, expansion, weight);
  if (added) *added = Xapian::Query(Xapian::Query::OP_FILTER, expansion, query);
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, expansion);
}

// A long question or log is weighted with IneB2, a divergence-from-randomness model: on long queries it
// ranked clearly better than BM25, on short ones BM25 did. A message (lines, a greeting) stays with BM25 and
// gets no feedback: both drifted on the support set's pasted e-mails (bench/README.md).
std::unique_ptr<Xapian::Weight> WeightFor(const ParsedQuery& parsed, const RankingOptions& r) {
  const bool long_text = r.pasted_query_words > 0 && parsed.words >= r.pasted_query_words && !parsed.message;
  if (long_text) return std::make_unique<Xapian::IneB2Weight>(1.0);
  return std::make_unique<Xapian::BM25Weight>(r.bm25_k1, 0, 1, r.bm25_b, 0.5);
}

}  // namespace kb::internal
