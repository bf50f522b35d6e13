// Relevance metrics over ranked lists (the definitions of ../shared/data/README.md) and latency summaries.
#ifndef KB_BENCH_EVAL_METRICS_H_
#define KB_BENCH_EVAL_METRICS_H_

#include <map>
#include <string>
#include <vector>

namespace kb::eval {

struct Scores {
  double ndcg10 = 0;    // nDCG@10, linear gain (the grade), ideal over all judged relevant documents
  double mrr10 = 0;     // reciprocal rank of the first relevant document within the top 10
  double recall100 = 0; // relevant documents in the top 100 / all relevant documents
  double p1 = 0;        // 1 if the first result is relevant
};

// Scores one ranked list against the relevant documents (doc id → grade > 0) of its query.
Scores ScoreRanking(const std::vector<std::string>& ranked, const std::map<std::string, int>& relevant);

// Mean of each metric.
Scores Mean(const std::vector<Scores>& per_query);

struct Latency {
  double p50_ms = 0;
  double p99_ms = 0;
  double mean_ms = 0;
};

Latency Summarize(std::vector<double> millis);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_METRICS_H_
