// Every item of an index, listed through the public Searcher API (an empty query, paged).
#ifndef KB_SRC_INSIGHTS_ITEMS_H_
#define KB_SRC_INSIGHTS_ITEMS_H_

#include <map>
#include <string>
#include <vector>

#include "kb/insights.h"
#include "kb/searcher.h"
#include "kb/status.h"

namespace kb::internal {

struct ItemListing {
  std::vector<SearchHit> items;  // by title; no snippets
  bool complete = true;          // false when some items could not be reached (see ListAllItems)
};

// Lists every item matching `filters` with staleness judged on `today`. Result lists stop at 10,000 items,
// so larger indexes are split by facet (owner, kind, product, lang, tier); items that no facet value
// narrows below the limit are left out and `complete` is false.
Result<ItemListing> ListAllItems(Searcher& searcher, const std::string& today,
                                 const std::map<std::string, std::vector<std::string>>& filters = {});

// An item reference with days_overdue relative to `today` (0 when it has no stale_after).
ItemRef MakeItemRef(const SearchHit& hit, const std::string& today);

// Sets owner and nearest item on every gap list (insights_route.cc).
void RouteGaps(Searcher& searcher, Insights* insights);

}  // namespace kb::internal

#endif  // KB_SRC_INSIGHTS_ITEMS_H_
