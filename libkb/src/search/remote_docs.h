// kb::internal::RemoteDocs: the documents a Searcher read from remote shards, kept for the next searches.
//
// Xapian 1.4's remote backend reads each document in a round trip of its own (MSet::fetch() does not batch
// them: it reads them one by one as well), and the rerank reads every document of its 50-result window. On
// loopback those round trips were ~90% of a search over remote shards (55 messages per one-word search, 50 of
// them documents). Documents do not change while the combined database stays at one revision, so they are
// kept here, least recently used first out, and forgotten whenever the Searcher takes up another revision or
// another set of shards (Searcher::Rep::Sync). Kept without the Markdown body (kSlotBody), which only
// Searcher::GetItem reads, and that from the database.
//
// Thread-safety: none (one per Searcher, like the Xapian objects it holds).
#ifndef KB_SRC_REMOTE_DOCS_H_
#define KB_SRC_REMOTE_DOCS_H_

#include <xapian.h>

#include <cstddef>
#include <list>
#include <unordered_map>

namespace kb::internal {

class RemoteDocs {
 public:
  // Documents are dropped, oldest use first, once their data and values exceed `max_bytes`.
  explicit RemoteDocs(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The document `it` points at: kept from an earlier read, or read now (one round trip) and kept.
  Xapian::Document Get(const Xapian::MSetIterator& it);
  // Forgets every document (the docids now mean other documents, or may).
  void Clear();

  std::size_t size() const { return index_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    Xapian::docid did;
    Xapian::Document doc;
    std::size_t bytes;
  };
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<Xapian::docid, std::list<Entry>::iterator> index_;
};

}  // namespace kb::internal

#endif  // KB_SRC_REMOTE_DOCS_H_
