// Routing knowledge gaps to a team, and the reviewed marks on them (kb/insights.h).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "insights_items.h"
#include "kb/insights.h"

namespace kb::internal {
namespace {

constexpr int kNearest = 5;  // results that vote for a gap's owner

// The query's top results; when the whole query finds nothing, the top results of each of its words.
std::vector<SearchHit> Nearest(Searcher& searcher, const QueryGroup& g) {
  SearchRequest request;
  request.query = g.pasted && !g.topic.empty() ? g.topic : (g.query.empty() ? g.key : g.query);
  request.size = kNearest;
  request.snippets = false;
  Result<SearchResponse> whole = searcher.Search(request);
  if (whole.ok() && !whole->hits.empty()) return std::move(whole->hits);
  std::vector<SearchHit> out;
  std::string words = g.key;  // normalised: stemmed words separated by spaces
  for (std::size_t b = 0; b < words.size();) {
    const std::size_t e = std::min(words.find(' ', b), words.size());
    request.query = words.substr(b, e - b);
    b = e + 1;
    if (request.query.size() < 3 || request.query.find(':') != std::string::npos) continue;
    request.partial = true;  // a stem ("invoic") still finds "invoices"
    Result<SearchResponse> part = searcher.Search(request);
    if (part.ok()) out.insert(out.end(), part->hits.begin(), part->hits.end());
  }
  return out;
}

void Route(Searcher& searcher, QueryGroup* g) {
  const std::vector<SearchHit> hits = Nearest(searcher, *g);
  std::map<std::string, double> votes;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (!hits[i].owner.empty()) votes[hits[i].owner] += 1.0 / static_cast<double>(i % kNearest + 1);
  }
  const auto best =
      std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  if (best != votes.end()) g->owner = best->first;
  if (!hits.empty()) {
    g->nearest_id = hits.front().id;
    g->nearest_title = hits.front().title;
  }
}

}  // namespace

void RouteGaps(Searcher& searcher, Insights* insights) {
  for (auto* list : {&insights->no_result_queries, &insights->no_click_queries, &insights->gap_reports}) {
    for (QueryGroup& g : *list) Route(searcher, &g);
  }
}

}  // namespace kb::internal

namespace kb {

void ApplyReviewed(const std::unordered_map<std::string, std::string>& reviewed, Insights* insights) {
  for (auto* list : {&insights->no_result_queries, &insights->no_click_queries, &insights->gap_reports}) {
    for (QueryGroup& g : *list) {
      const auto it = reviewed.find(g.key);
      g.reviewed = it == reviewed.end() ? "" : it->second;
    }
  }
}

}  // namespace kb
