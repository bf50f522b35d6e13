#include "remote_docs.h"

#include <utility>

#include "term_prefixes.h"

namespace kb::internal {

Xapian::Document RemoteDocs::Get(const Xapian::MSetIterator& it) {
  const Xapian::docid did = *it;
  if (auto found = index_.find(did); found != index_.end()) {
    order_.splice(order_.begin(), order_, found->second);
    return found->second->doc;
  }
  const Xapian::Document read = it.get_document();
  // A copy held in memory: its data and values are read here once, never again over the wire.
  Xapian::Document kept;
  kept.set_data(read.get_data());
  std::size_t bytes = kept.get_data().size();
  for (auto v = read.values_begin(); v != read.values_end(); ++v) {
    if (v.get_valueno() == kSlotBody) continue;
    kept.add_value(v.get_valueno(), *v);
    bytes += (*v).size();
  }
  order_.push_front({did, kept, bytes});
  index_[did] = order_.begin();
  bytes_ += bytes;
  while (bytes_ > max_bytes_ && order_.size() > 1) {
    bytes_ -= order_.back().bytes;
    index_.erase(order_.back().did);
    order_.pop_back();
  }
  return kept;
}

void RemoteDocs::FetchKeys(const Xapian::Database& db, const Xapian::MSet& window, const Xapian::Query& query,
                           const Xapian::Weight& weight) {
  bool missing = false;
  for (auto it = window.begin(); it != window.end() && !missing; ++it) missing = !Key(*it);
  if (!missing) return;
  Xapian::Enquire keyed(db);
  keyed.set_query(query);
  keyed.set_weighting_scheme(weight);
  keyed.set_sort_by_relevance_then_value(kSlotRerank, false);
  const Xapian::MSet keys = keyed.get_mset(window.get_firstitem(), window.size());
  for (auto it = keys.begin(); it != keys.end(); ++it) PutKey(*it, it.get_sort_key());
}

const std::string* RemoteDocs::Key(Xapian::docid did) const {
  auto found = keys_.find(did);
  return found == keys_.end() ? nullptr : &found->second;
}

void RemoteDocs::PutKey(Xapian::docid did, std::string key) {
  if (keys_.size() >= kMaxKeys) keys_.clear();
  keys_[did] = std::move(key);
}

void RemoteDocs::Clear() {
  order_.clear();
  index_.clear();
  bytes_ = 0;
  keys_.clear();
}

}  // namespace kb::internal
