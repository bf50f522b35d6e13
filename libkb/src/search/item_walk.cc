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

// How often a walk starts again after the revision it read was recycled by a writer.
constexpr int kWalkAttempts = 3;

std::vector<ItemRef> Walk(const Xapian::Database& db, const std::string& today, const std::string& term) {
  struct Entry {
    std::string title_key;  // the value sort=title orders by; ties in docid order, as Xapian breaks them
    Xapian::docid docid;
    ItemRef ref;
  };
  long today_days = 0;
  const bool dated = ParseDate(today, &today_days);
  std::vector<Entry> entries;
  entries.reserve(term.empty() ? db.get_doccount() : db.get_termfreq(term));
  for (Xapian::PostingIterator p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
    const Xapian::Document doc = db.get_document(*p);
    Item it = DecodeItemHead(doc);
    std::string stale_after = it.StaleAfter();
    long stale_days = 0;
    const int overdue = dated && ParseDate(stale_after, &stale_days) ? static_cast<int>(today_days - stale_days) : 0;
    entries.push_back({doc.get_value(kSlotTitleSort),
                       *p,
                       {std::move(it.id), std::move(it.title), std::move(it.owner), std::move(it.path),
                        std::move(it.verified), std::move(stale_after), overdue}});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.title_key != b.title_key ? a.title_key < b.title_key : a.docid < b.docid;
  });
  std::vector<ItemRef> items;
  items.reserve(entries.size());
  std::unordered_set<std::string> seen;
  for (Entry& entry : entries) {
    if (seen.insert(entry.ref.id).second) items.push_back(std::move(entry.ref));
  }
  return items;
}

}  // namespace

const Xapian::Database& SearcherAccess::Database(const Searcher& searcher) { return searcher.rep_->db; }
std::size_t SearcherAccess::RemoteDocsKept(const Searcher& searcher) { return searcher.rep_->remote_docs.size(); }

Result<std::vector<ItemRef>> ListItems(Searcher& searcher, const std::string& today, const std::string& filter_term) {
  return Guard("listing items", [&]() -> Result<std::vector<ItemRef>> {
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
