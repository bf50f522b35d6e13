// The query shapes of the performance benchmarks and the load test, read from bench/perf/queries.tsv.
#ifndef KB_BENCH_PERF_QUERY_SET_H_
#define KB_BENCH_PERF_QUERY_SET_H_

#include <map>
#include <string>
#include <vector>

namespace kb::perf {

struct Query {
  std::string text;
  bool partial = false;  // the "prefix" shape: the last word is still being typed
};

// Shape name → its queries, in file order. Lines are SHAPE<TAB>QUERY; '#' starts a comment line.
// Returns an empty map (and prints why) if the file cannot be read.
std::map<std::string, std::vector<Query>> LoadQueries(const std::string& path);

// The shapes in the order the report lists them.
const std::vector<std::string>& ShapeOrder();

}  // namespace kb::perf

#endif  // KB_BENCH_PERF_QUERY_SET_H_
