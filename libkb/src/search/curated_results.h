// What a Searcher does with curation rules and incident items once the matches are ranked: pins and hides
// reorder the ranked list (before paging), and active incidents matching the query become banners.
#ifndef KB_SRC_CURATED_RESULTS_H_
#define KB_SRC_CURATED_RESULTS_H_

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kb/curation.h"
#include "kb/searcher.h"

namespace kb::internal {

// One position of the curated list: a ranked match (`ranked` is its index in the ranked list) or a pinned
// item the query did not match (`ranked` = -1).
struct CuratedSlot {
  Xapian::docid docid = 0;
  int ranked = -1;
  bool pinned = false;
  std::string note;
};

// The ranked list (`ranked_ids`, best first) with `match` applied: pinned items that exist first, in rule
// order, then the other ranked items without the hidden ones. `removed` counts ranked items taken out
// (hidden ones, and pinned ones moved to the top), `added` pinned items that were not among them.
std::vector<CuratedSlot> CurateRanked(const Xapian::Database& db, const std::vector<Xapian::docid>& ranked_ids,
                                      const CurationMatch& match, int* removed, int* added);

// Active incidents (kind: incident, `until` after `now_seconds`) among the matches of `query`, best first,
// at most `limit`. Costs one term-frequency lookup when the database has no incidents.
std::vector<IncidentBanner> FindIncidents(const Xapian::Database& db, const Xapian::Query& query,
                                          std::int64_t now_seconds, int limit = 3);

}  // namespace kb::internal

#endif  // KB_SRC_CURATED_RESULTS_H_
