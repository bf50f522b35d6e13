// ListItems: one pass over a posting list, each document decoded as a search would show it.
#include "item_walk.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "searcher_rep.h"
#include "stored.h"
#include "term_prefixes.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

// How often a walk starts again after the revision it read was recycled by a writer.
constexpr int kWalkAttempts = 3;

std::vector<SearchHit> Walk(const Xapian::Database& db, const std::string& today, const std::string& term) {
  struct Entry {
    std::string title_key;  // the value sort=title orders by; ties in docid order, as Xapian breaks them
    Xapian::docid docid;
    SearchHit hit;
  };
  std::vector<Entry> entries;
  for (Xapian::PostingIterator p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
    const Xapian::Document doc = db.get_document(*p);
    Entry entry{doc.get_value(kSlotTitleSort), *p, {}};
    FillHit(DecodeStoredItem(doc, today), &entry.hit);
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.title_key != b.title_key ? a.title_key < b.title_key : a.docid < b.docid;
  });
  std::vector<SearchHit> hits;
  std::unordered_set<std::string> seen;
  for (Entry& entry : entries) {
    if (seen.insert(entry.hit.id).second) hits.push_back(std::move(entry.hit));
  }
  return hits;
}

}  // namespace

const Xapian::Database& SearcherAccess::Database(const Searcher& searcher) { return searcher.rep_->db; }

Result<std::vector<SearchHit>> ListItems(Searcher& searcher, const std::string& today, const std::string& filter_term) {
  return Guard("listing items", [&]() -> Result<std::vector<SearchHit>> {
    for (int attempt = 1;; ++attempt) {
      try {
        return Walk(SearcherAccess::Database(searcher), today, filter_term);
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt == kWalkAttempts) throw;
      }
      if (Result<bool> reopened = searcher.Reopen(); !reopened.ok()) return reopened.status();
    }
  });
}

}  // namespace kb::internal
