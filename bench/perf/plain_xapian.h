// The floor of the search benchmarks: the same query on the same database through plain Xapian, doing what
// any application must do to show ten results.
//
// A plain Xapian::QueryParser (English stemmer, STEM_SOME, FLAG_DEFAULT, plus FLAG_PARTIAL for as-you-type,
// the kb filter fields as boolean prefixes so that `tag:x` means the same), get_mset(0, 10), and for each
// hit Document::get_data() (kb keeps the title and the section texts there). With `snippets`, also
// MSet::snippet() of 240 bytes over that text, as kb's snippets are 240 bytes. No facets, no re-ranking,
// no spelling, no synonyms.
//
// Thread-safety: not thread-safe (one Xapian::Database).
#ifndef KB_BENCH_PERF_PLAIN_XAPIAN_H_
#define KB_BENCH_PERF_PLAIN_XAPIAN_H_

#include <xapian.h>

#include <cstddef>
#include <string>

namespace kb::perf {

class PlainXapian {
 public:
  explicit PlainXapian(const std::string& db_path);

  // Returns Xapian's estimate of the number of matches.
  std::size_t Search(const std::string& query, bool partial, bool snippets);
  // Bytes of data and snippets produced so far (so the work cannot be optimised away).
  std::size_t bytes() const { return bytes_; }

 private:
  Xapian::Database db_;
  Xapian::Stem stem_;
  std::size_t bytes_ = 0;
};

}  // namespace kb::perf

#endif  // KB_BENCH_PERF_PLAIN_XAPIAN_H_
