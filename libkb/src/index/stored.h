// How an item is stored in a Xapian document: its terms, values and data (JSON), and the way back.
#ifndef KB_SRC_STORED_H_
#define KB_SRC_STORED_H_

#include <xapian.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "kb/item.h"
#include "kb/searcher.h"

namespace kb::internal {

// Normalised error code as indexed: trimmed, uppercase, runs of spaces folded to one.
std::string NormalizeCode(std::string_view code);
// Normalised boolean filter value for `field` (tag, owner, kind, tier, product, lang, code, id, source).
// Returns the full term ("Krefunds"), or "" for an unknown field or an empty value.
std::string FilterTerm(std::string_view field, std::string_view value);
// YYYY-MM-DD → YYYYMMDD (for value ranges and sorting); "" stays "".
std::string CompactDate(std::string_view ymd);

// What BuildDocument indexes text with: a term generator and, by language, the stemmers it was given, each
// remembering its stems (MakeCachingStemmer). Kept for many documents, by one thread.
struct TextIndexer {
  Xapian::TermGenerator tg;
  std::map<std::string, Xapian::Stem, std::less<>> stemmers;
};

// Builds the Xapian document of an item. `indexer.tg` must have its database set when spelling is wanted.
// Without `field_weights` every field is indexed like body text; `code_words`: WriterOptions::code_words.
Xapian::Document BuildDocument(const Item& item, TextIndexer& indexer, std::string_view default_lang,
                               bool field_weights = true, bool code_words = true);

// Decodes a document's data back to an item (metadata, sections and, if asked, the Markdown body).
StoredItem DecodeStoredItem(const Xapian::Document& doc, std::string_view today, bool with_body = false);
// The leading fields of a document's data (id to source), without the sections' text or the placeholders:
// what a listing of every item needs. An empty item for data that is not a kb document.
Item DecodeItemHead(const Xapian::Document& doc);
// Fills the metadata fields of a hit from a stored item.
void FillHit(const StoredItem& stored, SearchHit* hit);

}  // namespace kb::internal

#endif  // KB_SRC_STORED_H_
