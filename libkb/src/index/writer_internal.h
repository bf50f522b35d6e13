// What IndexWriter shares with the parallel build (parallel_build.h): the item key check, the spelling words
// of a document, and a write lock on a database that is not written through.
#ifndef KB_SRC_WRITER_INTERNAL_H_
#define KB_SRC_WRITER_INTERNAL_H_

#include <xapian.h>

#include <string>
#include <unordered_map>

#include "kb/item.h"
#include "kb/status.h"

namespace kb::internal {

// Spelling word → occurrences to add (positive) or take back (negative).
using SpellingCounts = std::unordered_map<std::string, long long>;

// InvalidArgument when the item cannot be stored: no id, or an id too long for its key term.
Status CheckItemKey(const Item& item);

// Adds (sign +1) or takes back (sign -1) the spelling words of a document: its unprefixed terms, which
// TermGenerator gives positions (unstemmed words of the text), counted once per occurrence.
void CollectSpelling(const Xapian::Document& doc, int sign, SpellingCounts& out);

// Opens (creating it if missing) the database at `path` for writing only to hold its write lock; a build
// that writes its documents elsewhere and swaps them in keeps it while it works. Busy as IndexWriter::Open.
Result<Xapian::WritableDatabase> LockDatabase(const std::string& path, bool wait_for_lock);

}  // namespace kb::internal

#endif  // KB_SRC_WRITER_INTERNAL_H_
