#include "curated_results.h"

#include <algorithm>
#include <unordered_set>

#include "stored.h"
#include "term_prefixes.h"

namespace kb::internal {
namespace {

// The document holding `id`, 0 if none.
Xapian::docid FindId(const Xapian::Database& db, const std::string& id) {
  const std::string term = std::string(kPrefixId) + id;
  if (id.empty() || term.size() > kMaxTermBytes) return 0;
  Xapian::PostingIterator p = db.postlist_begin(term);
  return p == db.postlist_end(term) ? 0 : *p;
}

}  // namespace

std::vector<CuratedSlot> CurateRanked(const Xapian::Database& db, const std::vector<Xapian::docid>& ranked_ids,
                                      const CurationMatch& match, int* removed, int* added) {
  std::vector<CuratedSlot> out;
  std::unordered_set<Xapian::docid> taken;
  for (const CurationMatch::Pin& pin : match.pins) {
    const Xapian::docid docid = FindId(db, pin.id);
    if (docid == 0 || !taken.insert(docid).second) continue;
    out.push_back({docid, -1, true, pin.note});
  }
  std::unordered_set<Xapian::docid> hidden;
  for (const std::string& id : match.hide) {
    if (const Xapian::docid docid = FindId(db, id); docid != 0 && !taken.count(docid)) hidden.insert(docid);
  }
  *removed = 0;
  for (std::size_t i = 0; i < ranked_ids.size(); ++i) {
    const Xapian::docid docid = ranked_ids[i];
    if (taken.count(docid) || hidden.count(docid)) {
      ++*removed;
      for (CuratedSlot& slot : out) {
        if (slot.docid == docid) slot.ranked = static_cast<int>(i);
      }
      continue;
    }
    out.push_back({docid, static_cast<int>(i), false, ""});
  }
  *added = static_cast<int>(std::count_if(out.begin(), out.end(), [](const CuratedSlot& s) { return s.pinned; }));
  // A pinned item among the ranked ones was counted in `removed` too: it moved rather than being added.
  for (const CuratedSlot& slot : out) {
    if (slot.pinned && slot.ranked >= 0) {
      --*removed;
      --*added;
    }
  }
  return out;
}

std::vector<IncidentBanner> FindIncidents(const Xapian::Database& db, const Xapian::Query& query,
                                          std::int64_t now_seconds, int limit) {
  std::vector<IncidentBanner> out;
  const std::string kind = FilterTerm("kind", KindName(Kind::kIncident));
  if (query.empty() || db.get_termfreq(kind) == 0) return out;
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(kind)));
  // Expired incidents stay in the index as history, so look past a few of them.
  Xapian::MSet mset = enquire.get_mset(0, 50);
  for (auto it = mset.begin(); it != mset.end() && static_cast<int>(out.size()) < limit; ++it) {
    const Xapian::Document doc = it.get_document();
    std::int64_t until = 0;
    if (!ParseDateTime(doc.get_value(kSlotUntil), &until) || now_seconds >= until) continue;
    const StoredItem stored = DecodeStoredItem(doc, "");
    const Item& item = stored.item;
    out.push_back({item.id, item.title, item.summary, item.owner, item.started, item.until, item.path});
  }
  return out;
}

}  // namespace kb::internal
