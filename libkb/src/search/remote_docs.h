// kb::internal::RemoteDocs: the documents a Searcher read from remote shards, and the rerank values
// (rerank_key.h) a match brought, kept for the next searches.
//
// Xapian 1.4's remote backend reads each document in a round trip of its own (MSet::fetch() does not batch
// them: it reads them one by one as well). The rerank reads no document (its inputs come with the match, see
// rerank_key.h), but each hit shown is read for its title, section and snippet: a page of 10, 10 round trips.
// Documents do not change while the combined database stays at one revision, so they are kept here, least
// recently used first out, and forgotten whenever the Searcher takes up another revision or another set of
// shards (Searcher::Rep::Sync). Kept without the Markdown body (kSlotBody), which only Searcher::GetItem
// reads, and that from the database. The rerank values (some 40 bytes each) are kept for every match that
// brought one, until the shards change, up to kMaxKeys.
//
// Thread-safety: none (one per Searcher, like the Xapian objects it holds).
#ifndef KB_SRC_REMOTE_DOCS_H_
#define KB_SRC_REMOTE_DOCS_H_

#include <xapian.h>

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

namespace kb::internal {

class RemoteDocs {
 public:
  // Documents are dropped, oldest use first, once their data and values exceed `max_bytes`.
  explicit RemoteDocs(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The document `it` points at: kept from an earlier read, or read now (one round trip) and kept.
  Xapian::Document Get(const Xapian::MSetIterator& it);
  // Brings the rerank values of the matches in `window` (a match of `query` weighted by `weight`) that none
  // of the earlier searches brought: one more match of `query`, of the same window, sorted by relevance then
  // the rerank value, which comes back with each item as its sort key (also over the remote protocol: Xapian
  // 1.4's net/serialise.cc sends it, and MSetPostList hands it to the merge). It reads no document.
  //
  // The window's own match is not sorted so: a match sorted by value over more than one shard feeds the facet
  // spies each remote shard's matches that sort below the window again (Xapian 1.4's multimatch.cc), reading
  // their values for it, a round trip per document; and its ties in weight, ordered by value rather than
  // docid, would change results. A tie at the window's edge can leave a match without its value here.
  void FetchKeys(const Xapian::Database& db, const Xapian::MSet& window, const Xapian::Query& query,
                 const Xapian::Weight& weight);
  // The rerank value of `did`, if a match brought it (nullptr otherwise).
  const std::string* Key(Xapian::docid did) const;
  void PutKey(Xapian::docid did, std::string key);
  // Forgets every document and rerank value (the docids now mean other documents, or may).
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
  // Forgotten all at once when full: 200,000 values are some 12 MB, and a window's are fetched again in one
  // match.
  static constexpr std::size_t kMaxKeys = 200000;
  std::unordered_map<Xapian::docid, std::string> keys_;
};

}  // namespace kb::internal

#endif  // KB_SRC_REMOTE_DOCS_H_
