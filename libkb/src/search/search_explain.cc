#include "search_explain.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "query_parts.h"
#include "term_prefixes.h"

namespace kb::internal {
namespace {

// Parts that differ from the match weight by more than this (relative) are not its parts. Summing the same
// leaf weights in another order differs by about 1e-15.
constexpr double kAddsUpTolerance = 1e-9;

}  // namespace

std::vector<std::vector<double>> PartWeights(const Xapian::Database& db, const std::vector<QueryPart>& parts,
                                             const Xapian::Weight& weight, const std::vector<ExplainDoc>& docs) {
  std::vector<std::vector<double>> weights(parts.size(), std::vector<double>(docs.size(), 0.0));
  if (docs.empty()) return weights;
  std::vector<Xapian::Query> id_terms;
  std::unordered_map<Xapian::docid, std::size_t> index;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    id_terms.emplace_back(std::string(kPrefixId) + docs[d].id);
    index.emplace(docs[d].docid, d);
  }
  const Xapian::Query page(Xapian::Query::OP_OR, id_terms.begin(), id_terms.end());
  for (std::size_t p = 0; p < parts.size(); ++p) {
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(weight);
    enquire.set_query(Restrict(parts[p].query, page));
    const Xapian::doccount n = static_cast<Xapian::doccount>(docs.size());
    const Xapian::MSet mset = enquire.get_mset(0, n, n);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (auto found = index.find(*it); found != index.end()) weights[p][found->second] = it.get_weight();
    }
  }
  return weights;
}

std::vector<ScorePart> ScoreParts(const std::vector<QueryPart>& parts, const std::vector<double>& weights, double match,
                                  const std::vector<ScorePart>& factors) {
  std::vector<ScorePart> out;
  double sum = 0;
  for (double w : weights) sum += w;
  if (std::abs(sum - match) <= kAddsUpTolerance * std::max(1.0, std::abs(match))) {
    for (std::size_t p = 0; p < parts.size(); ++p) out.push_back({parts[p].name, weights[p], 0});
  } else {
    out.push_back({"match", match, 0});
  }
  double score = match;
  for (const ScorePart& f : factors) {
    out.push_back({f.part, score * (f.factor - 1), f.factor});
    score *= f.factor;
  }
  return out;
}

}  // namespace kb::internal
