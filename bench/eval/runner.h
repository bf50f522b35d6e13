// Runs every judged query of a labeled set through a RankingSystem and scores the rankings.
#ifndef KB_BENCH_EVAL_RUNNER_H_
#define KB_BENCH_EVAL_RUNNER_H_

#include <string>
#include <vector>

#include "dataset.h"
#include "metrics.h"
#include "systems.h"

namespace kb::eval {

struct RunOptions {
  int depth = 100;      // results fetched per query (Recall@100 needs 100)
  int timed_runs = 1;   // timed passes after one warm-up pass; latency is the median over passes
  int long_words = 50;  // queries with at least this many words are also scored separately
  int keep_top = 10;    // hits kept per query in RunResult::top (success@1, languages of the top 3, ...)
};

struct RunResult {
  Scores all;
  Scores long_queries;  // queries with >= RunOptions::long_words words
  int queries = 0;
  int long_count = 0;
  Latency latency;          // all queries
  Latency long_latency;     // long queries only
  int errors = 0;           // queries the system failed on (scored as empty rankings)
  std::string first_error;  // "QUERY_ID: message" of the first of them
  std::vector<Scores> per_query;
  std::vector<std::vector<Hit>> top;  // each query's first RunOptions::keep_top hits (same order as per_query)
};

RunResult RunSet(RankingSystem& system, const LabeledSet& set, const RunOptions& options);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_RUNNER_H_
