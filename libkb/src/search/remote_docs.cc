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

void RemoteDocs::Clear() {
  order_.clear();
  index_.clear();
  bytes_ = 0;
}

}  // namespace kb::internal
