// A search's hits as the page shows them: the best section's anchor and snippet of each item, and pins and
// hides of the matching curation rules.

#include <xapian.h>

#include <algorithm>

#include "searcher_rep.h"
#include "stored.h"
#include "xapian_util.h"

namespace kb {
namespace {

// Length of a result's snippet.
constexpr std::size_t kSnippetBytes = 240;

}  // namespace

// Pins and hides of the matching curation rules, applied to the whole ranked window before paging.
void Searcher::Rep::AddCuratedHits(const SearchRequest& request, const CurationMatch& match,
                                   const std::vector<internal::RankedHit>& ranked, const internal::QueryWords& words,
                                   const std::string& today, SearchResponse* out, std::vector<int>* from) {
  std::vector<Xapian::docid> ids;
  for (const internal::RankedHit& r : ranked) ids.push_back(*r.it);
  int removed = 0, added = 0;
  const std::vector<internal::CuratedSlot> slots = internal::CurateRanked(db, ids, match, &removed, &added);
  out->total = std::max(0, out->total - removed) + added;
  const std::size_t first = static_cast<std::size_t>(request.page - 1) * static_cast<std::size_t>(request.size);
  for (std::size_t i = first; i < slots.size() && out->hits.size() < static_cast<std::size_t>(request.size); ++i) {
    SearchHit hit;
    const internal::RankedHit* match =
        slots[i].ranked >= 0 ? &ranked[static_cast<std::size_t>(slots[i].ranked)] : nullptr;
    if (match) {
      hit.score = match->score;
      hit.exact = match->exact;
    }
    hit.pinned = slots[i].pinned;
    hit.pin_note = slots[i].note;
    from->push_back(slots[i].ranked);
    hit.rank = static_cast<int>(first + out->hits.size()) + 1;
    Finish(match ? DocOf(match->it) : db.get_document(slots[i].docid), words, today, request.snippets, &hit);
    out->hits.push_back(std::move(hit));
  }
}

void Searcher::Rep::Finish(const Xapian::Document& doc, const internal::QueryWords& words, const std::string& today,
                           bool snippets, SearchHit* hit) {
  StoredItem stored = internal::DecodeStoredItem(doc, today);
  internal::FillHit(stored, hit);
  const std::vector<Section>& sections = stored.item.sections;
  if (sections.empty()) return;
  const Xapian::Stem stem = internal::MakeStemmer(stored.item.lang);
  const Section* best =
      options.ranking.section_scoring ? internal::BestSection(stored.item, words, stem) : &sections.front();
  if (best->level > 0) {
    hit->section_title = best->title;
    hit->section_anchor = best->anchor;
  }
  if (!snippets) return;
  const Section* text = best;
  for (auto s = sections.begin(); text->text.empty() && s != sections.end(); ++s) text = &*s;
  hit->snippet = internal::MakeSnippet(text->text, words, stem, kSnippetBytes);
}

}  // namespace kb
