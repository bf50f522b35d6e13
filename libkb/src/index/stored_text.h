#ifndef KB_SRC_INDEX_STORED_TEXT_H_
#define KB_SRC_INDEX_STORED_TEXT_H_

// The words of an item's text as BuildDocument indexes them: every field with its weight, and the extra forms
// that let other spellings find it (Turkish without its letters, acronyms' plurals, error codes' words).

#include <xapian.h>

#include "kb/item.h"

namespace kb::internal {

// The within-document frequency each field's words get: with field weights, title, aliases, tags and headings
// count more than body text, so BM25 ranks a match there above one in a paragraph.
struct FieldWdf {
  unsigned title, alias, heading, tag;
};

// The free text of every field, each also under its own prefix where a `field:` search needs one.
void IndexText(const Item& item, const FieldWdf& wdf, Xapian::TermGenerator& tg);

// A Turkish item's words with ç ğ ı ö ş ü, also indexed folded, without positions.
void IndexFoldedTurkish(const Item& item, const FieldWdf& wdf, Xapian::TermGenerator& tg);

// Each acronym's plural ("IBANs") also indexed as the acronym's exact term ("iban").
void IndexAcronymSingulars(const Item& item, const FieldWdf& wdf, Xapian::Document& doc);

// Each error code in capitals joined by underscores, also indexed as its words with positions
// (WriterOptions::code_words).
void IndexCodeWords(const Item& item, Xapian::TermGenerator& tg);

}  // namespace kb::internal

#endif  // KB_SRC_INDEX_STORED_TEXT_H_
