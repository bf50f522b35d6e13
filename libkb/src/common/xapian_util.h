// Internal glue between libkb and Xapian: exception → Status mapping, language → stemmer.
#ifndef KB_SRC_XAPIAN_UTIL_H_
#define KB_SRC_XAPIAN_UTIL_H_

#include <xapian.h>

#include <exception>
#include <string>
#include <string_view>

#include "kb/status.h"

namespace kb::internal {

// Maps the exception in flight to a Status. REQUIRES: called inside a catch block.
Status StatusFromCurrentException(std::string_view context);

// Runs `f` (returning Status or Result<T>) and turns any exception into a Status.
template <typename F>
auto Guard(std::string_view context, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (...) {
    return StatusFromCurrentException(context);
  }
}

// The stemmer for an ISO 639-1 code ("en", "tr"), or the no-op stemmer if Xapian has none. Turkish plurals
// meet their singular ("bildirimler" and "bildirim" → "bildir"), which Snowball's Turkish alone misses.
Xapian::Stem MakeStemmer(std::string_view lang);
// MakeStemmer's stemmer, remembering the stems it gave: the same stems, faster when the words recur (indexing).
// Each copy shares the memory, so one thread only may use it and its copies.
Xapian::Stem MakeCachingStemmer(std::string_view lang);

}  // namespace kb::internal

#endif  // KB_SRC_XAPIAN_UTIL_H_
