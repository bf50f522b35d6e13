// Every item of a Searcher's index, read by walking the database rather than by searching it: no 10,000-result
// window, no facet counts to split by, nothing left out (the insights and the verification plan).
#ifndef KB_SRC_ITEM_WALK_H_
#define KB_SRC_ITEM_WALK_H_

#include <xapian.h>

#include <cstddef>
#include <string>
#include <vector>

#include "kb/insights.h"
#include "kb/searcher.h"
#include "kb/status.h"

namespace kb::internal {

// libkb's own access to the database a Searcher holds (Searcher names it a friend).
struct SearcherAccess {
  static const Xapian::Database& Database(const Searcher& searcher);
  // The documents the Searcher read from remote shards and keeps (RemoteDocs): tests count the document
  // reads, a round trip each, that searches cost.
  static std::size_t RemoteDocsKept(const Searcher& searcher);
};

// Every item whose document holds `filter_term` ("" = every item), as the references the insights and the
// verification plan show, days_overdue counted to `today` (YYYY-MM-DD; 0 for an item without stale_after, and
// an item is stale when it is above 0). Ordered by title as a search with sort=title orders them; the first of
// two documents with one id wins. Only the leading fields of each document's data are decoded
// (internal::DecodeItemHead): 100k items are held at once. A revision recycled during the walk is reopened and
// walked again.
// REQUIRES: called on the thread that uses `searcher`.
Result<std::vector<ItemRef>> ListItems(Searcher& searcher, const std::string& today,
                                       const std::string& filter_term = "");

}  // namespace kb::internal

#endif  // KB_SRC_ITEM_WALK_H_
