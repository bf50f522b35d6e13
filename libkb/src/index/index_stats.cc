// ReadIndexStats: counts by facet, staleness by owner, size and metadata of a kb database.
#include <xapian.h>

#include "civil_date.h"
#include "compact.h"
#include "kb/indexer.h"
#include "kb/item.h"
#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb {
namespace {

// Counts the values of `slot` over all documents; documents without one count under "".
void CountSlot(const Xapian::Database& db, unsigned slot, std::map<std::string, std::size_t>* out) {
  std::size_t with_value = 0;
  for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
    ++(*out)[*it];
    ++with_value;
  }
  if (with_value < db.get_doccount()) (*out)[""] += db.get_doccount() - with_value;
}

}  // namespace

Result<IndexStats> ReadIndexStats(const std::string& db_path, const std::string& today) {
  return internal::Guard("reading " + db_path, [&]() -> Result<IndexStats> {
    const std::string day = today.empty() ? Today() : today;
    if (!internal::ParseDate(day, nullptr))
      return Status::InvalidArgument("today must be YYYY-MM-DD, not '" + day + "'");
    Xapian::Database db(db_path);
    IndexStats stats;
    stats.items = db.get_doccount();
    CountSlot(db, internal::kSlotKind, &stats.by_kind);
    CountSlot(db, internal::kSlotOwner, &stats.by_owner);
    CountSlot(db, internal::kSlotTier, &stats.by_tier);
    CountSlot(db, internal::kSlotLang, &stats.by_lang);
    CountSlot(db, internal::kSlotSource, &stats.by_source);
    const std::string now = internal::CompactDate(day);
    for (auto it = db.valuestream_begin(internal::kSlotStaleAfter); it != db.valuestream_end(internal::kSlotStaleAfter);
         ++it) {
      if (*it >= now) continue;
      ++stats.stale;
      ++stats.stale_by_owner[db.get_document(it.get_docid()).get_value(internal::kSlotOwner)];
    }
    stats.size_bytes = internal::DirectorySize(db_path);
    stats.schema = db.get_metadata(std::string(internal::kMetaSchema));
    stats.updated = db.get_metadata(std::string(internal::kMetaUpdated));
    for (const std::string& name : internal::Split(db.get_metadata(internal::kMetaSources), '\n')) {
      stats.sources.push_back({name, db.get_metadata(internal::SourceKey(name, "root")),
                               db.get_metadata(internal::SourceKey(name, "commit"))});
    }
    return stats;
  });
}

}  // namespace kb
