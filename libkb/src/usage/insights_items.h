// Items as the insights show them, and the routing of knowledge gaps to owners.
#ifndef KB_SRC_INSIGHTS_ITEMS_H_
#define KB_SRC_INSIGHTS_ITEMS_H_

#include <string>

#include "item_walk.h"
#include "kb/insights.h"
#include "kb/searcher.h"

namespace kb::internal {

// Days from `stale_after` to `today` (negative: due in that many days); 0 when either is not a date.
int DaysOverdue(const std::string& stale_after, const std::string& today);
// An item reference with days_overdue relative to `today` (0 when it has no stale_after).
ItemRef MakeItemRef(const ListedItem& item, const std::string& today);

// Sets owner and nearest item on every gap list (insights_route.cc).
void RouteGaps(Searcher& searcher, Insights* insights);

}  // namespace kb::internal

#endif  // KB_SRC_INSIGHTS_ITEMS_H_
