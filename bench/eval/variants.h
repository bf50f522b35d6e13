// The ablation rows: kb with one ranking feature switched (off when it is on by default, on when it is an
// option that is off by default). Each row changes SearcherOptions and, for index-time features, WriterOptions.
#ifndef KB_BENCH_EVAL_VARIANTS_H_
#define KB_BENCH_EVAL_VARIANTS_H_

#include <functional>
#include <string>
#include <vector>

#include "kb/index_writer.h"
#include "kb/options.h"

namespace kb::eval {

struct Variant {
  std::string name;                              // short row label, e.g. "-phrase"
  std::string what;                              // one line for the README
  std::function<void(SearcherOptions&)> search;  // query-time change (may be empty)
  std::function<void(WriterOptions&)> index;     // index-time change (empty: shares kb's default index)
  std::string index_key;                         // variants with the same key share one index
};

const std::vector<Variant>& Variants();

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_VARIANTS_H_
