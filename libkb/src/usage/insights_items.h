// Items as the insights show them, and the routing of knowledge gaps to owners.
#ifndef KB_SRC_INSIGHTS_ITEMS_H_
#define KB_SRC_INSIGHTS_ITEMS_H_

#include <string>

#include "kb/insights.h"
#include "kb/searcher.h"

namespace kb::internal {

// Sets owner and nearest item on every gap list (insights_route.cc).
void RouteGaps(Searcher& searcher, Insights* insights);

}  // namespace kb::internal

#endif  // KB_SRC_INSIGHTS_ITEMS_H_
