// What the rerank reads of an item, packed at index time into one value (kSlotRerank). Over remote shards it
// comes back with a match as each item's sort key (Enquire::set_sort_by_relevance_then_value), so that
// reranking the 50-result window reads no document: over Xapian's remote backend each document read is a
// round trip of its own, and the MSet, also over the wire, carries every item's sort key (1.4:
// net/serialise.cc writes it, MSetPostList hands it to the merge). Locally it is one value read per match.
//
// The value opens with the item's id and a 0 byte, so that ordering by it orders by id, as a query of filters
// alone orders its matches (all of weight 0; Searcher sorts them by kSlotId).
#ifndef KB_SRC_RERANK_KEY_H_
#define KB_SRC_RERANK_KEY_H_

#include <string>
#include <string_view>

namespace kb::internal {

struct RerankKey {
  std::string id;
  std::string stale_after;     // YYYYMMDD, "" when never stale (as kSlotStaleAfter); "" for an incident
  std::string ended;           // incidents: the date of `until`, YYYYMMDD ("" for other kinds)
  std::string boost;           // front matter `boost` as text, "" for 1 (as kSlotBoost)
  bool answer = false;         // kind answer
  bool names_problem = false;  // title or tags name a problem (ItemNamesProblem)
  bool process = false;        // scope process (or kb)
  bool about_kb = false;       // scope kb: about the knowledge base itself
  std::string title;           // with about_kb: the lowercase title, which decides when the item is asked about
};

// id, 0, flags (one byte from '@'), stale_after (or, flagged as an incident, ended), 0, boost; flagged about_kb,
// then 0 and the title.
std::string EncodeRerankKey(const RerankKey& key);
// The fields back; an item indexed without the value (or any other text) decodes to what it can, the rest
// left at their defaults.
RerankKey DecodeRerankKey(std::string_view value);

}  // namespace kb::internal

#endif  // KB_SRC_RERANK_KEY_H_
