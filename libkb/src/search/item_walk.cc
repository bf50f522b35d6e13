// ListItems: one pass over a posting list, each document's leading fields decoded.
#include "item_walk.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "civil_date.h"
#include "searcher_rep.h"
#include "stored.h"
#include "term_prefixes.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

// Days from `from` to `to` (YYYY-MM-DD); 0 when either is not a date.
int DaysBetween(const std::string& from, const std::string& to) {
  long a = 0, b = 0;
  if (!ParseDate(from, &a) || !ParseDate(to, &b)) return 0;
  return static_cast<int>(b - a);
}

// How often a walk starts again after the revision it read was recycled by a writer.
constexpr int kWalkAttempts = 3;

std::vector<ListedItem> Walk(const Xapian::Database& db, const std::string& today, const std::string& term) {
  struct Entry {
    std::string title_key;  // the value sort=title orders by; ties in docid order, as Xapian breaks them
    Xapian::docid docid;
    ListedItem item;
  };
  std::vector<Entry> entries;
  entries.reserve(term.empty() ? db.get_doccount() : db.get_termfreq(term));
  for (Xapian::PostingIterator p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
    const Xapian::Document doc = db.get_document(*p);
    StoredItem stored = DecodeStoredHead(doc, today);
    Item& it = stored.item;
    const int overdue = stored.stale_after.empty() ? 0 : DaysBetween(stored.stale_after, today);
    entries.push_back({doc.get_value(kSlotTitleSort),
                       *p,
                       {{std::move(it.id), std::move(it.title), std::move(it.owner), std::move(it.path),
                         std::move(it.verified), std::move(stored.stale_after), overdue},
                        stored.stale}});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.title_key != b.title_key ? a.title_key < b.title_key : a.docid < b.docid;
  });
  std::vector<ListedItem> items;
  items.reserve(entries.size());
  std::unordered_set<std::string> seen;
  for (Entry& entry : entries) {
    if (seen.insert(entry.item.ref.id).second) items.push_back(std::move(entry.item));
  }
  return items;
}

}  // namespace

const Xapian::Database& SearcherAccess::Database(const Searcher& searcher) { return searcher.rep_->db; }

Result<std::vector<ListedItem>> ListItems(Searcher& searcher, const std::string& today,
                                          const std::string& filter_term) {
  return Guard("listing items", [&]() -> Result<std::vector<ListedItem>> {
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
