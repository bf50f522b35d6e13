// kb::IndexWriter: the one writer of a kb database (a Xapian database on disk).
//
// Usage:
//   auto writer = kb::IndexWriter::Open("/var/lib/kb/db", {});
//   if (!writer.ok()) return writer.status();
//   Status s = (*writer)->Upsert(item);          // add or replace by item id
//   s = (*writer)->Commit();                     // readers see all of it, or none of it
//
// Changes between Open/Commit are applied atomically (a Xapian transaction): a crash at any point leaves the
// last committed state searchable. Only one IndexWriter may hold a database at a time; a second Open fails
// with StatusCode::kBusy (or waits, with WriterOptions::wait_for_lock).
//
// Thread-safety: not thread-safe; use from one thread.
#ifndef KB_INDEX_WRITER_H_
#define KB_INDEX_WRITER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kb/item.h"
#include "kb/status.h"

namespace kb {

// Version of the on-disk layout (terms, values, document data). Stored as metadata `kb:schema`. 2: link and
// file terms (XL, XF), Turkish words also indexed without diacritics, the `boost` value slot. 3: the rerank
// value slot (what the rerank reads, returned with the match). 4: the rerank value holds an incident's end date.
inline constexpr int kSchemaVersion = 4;

struct WriterOptions {
  // Create the database if missing. Default: true.
  bool create = true;
  // Drop every document first (a full rebuild inside the same atomic commit). Default: false.
  bool overwrite = false;
  // Wait for another writer's lock instead of failing with kBusy. Default: false.
  bool wait_for_lock = false;
  // Record spelling data for "did you mean". Default: true.
  bool spelling = true;
  // Language used when an item has none. Default: "en".
  std::string default_lang = "en";
  // Index titles, aliases, headings and tags with larger within-document frequencies than body text, so that
  // BM25 ranks a match there higher (kb's field weights). Off only to measure them (bench/). Default: true.
  bool field_weights = true;
  // An error code written in capitals and underscores (ERR_INSUFFICIENT_FUNDS) is also indexed as its words
  // ("err insufficient funds", with positions), so that the words find the items that write only the code: the
  // scripted answer for "insufficient funds". Lowercase identifiers (refund_failed, JSON keys) are not split.
  // Default: true.
  bool code_words = true;
  // Optional log sink (libkb never prints).
  std::function<void(const std::string&)> log;
};

// What the index holds about one item, for incremental updates.
struct IndexedItem {
  std::string id;
  std::string source;
  std::string path;
  std::string content_hash;
  std::string file_stamp;  // Item::file_stamp ("" for items indexed before kb stored it)
};

class IndexWriter {
 public:
  static Result<std::unique_ptr<IndexWriter>> Open(const std::string& path, const WriterOptions& options);
  ~IndexWriter();  // Abandons uncommitted changes.
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  // Adds or replaces the item with this id. REQUIRES: !item.id.empty().
  Status Upsert(const Item& item);
  // Removes the item; NotFound if absent.
  Status Remove(const std::string& id);
  // Every item in the index (optionally only those of `source`), for diffing against a tree.
  Result<std::vector<IndexedItem>> ListItems(const std::string& source = "") const;

  // Synonym groups: every entry of a group means the same as every other. Single words expand each other as
  // Xapian synonyms; in a group with a phrase ("amex, american express") a query's word or words that are one
  // entry also match the others as written (the phrase as a phrase). Replaces the groups given earlier.
  Status SetSynonyms(const std::vector<std::vector<std::string>>& groups);
  // Free-form metadata (e.g. "source:NAME:commit"). Keys starting with "kb:" are reserved.
  Status SetMetadata(const std::string& key, const std::string& value);
  Result<std::string> GetMetadata(const std::string& key) const;

  // Makes every change since Open (or the last Commit) durable and visible to readers, atomically.
  Status Commit();
  // Number of documents after pending changes.
  std::size_t DocCount() const;

 private:
  struct Rep;
  explicit IndexWriter(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace kb

#endif  // KB_INDEX_WRITER_H_
