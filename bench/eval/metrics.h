// Relevance metrics over ranked lists (the definitions of ../shared/data/README.md) and latency summaries.
#ifndef KB_BENCH_EVAL_METRICS_H_
#define KB_BENCH_EVAL_METRICS_H_

#include <map>
#include <string>
#include <vector>

namespace kb::eval {

struct Scores {
  double ndcg10 = 0;     // nDCG@10, linear gain (the grade), ideal over all judged relevant documents
  double mrr10 = 0;      // reciprocal rank of the first relevant document within the top 10
  double recall100 = 0;  // relevant documents in the top 100 / all relevant documents
  double p1 = 0;         // 1 if the first result is relevant
};

// Scores one ranked list against the relevant documents (doc id → grade > 0) of its query.
Scores ScoreRanking(const std::vector<std::string>& ranked, const std::map<std::string, int>& relevant);

// Mean of each metric.
Scores Mean(const std::vector<Scores>& per_query);

// The support set's grade for "the item that answers the query" (bench/support/qrels.tsv: 1-3).
inline constexpr int kAnswerGrade = 3;

// success@1: 1 if the first ranked id has at least `answer_grade` in `relevant`, else 0.
double SuccessAt1(const std::vector<std::string>& ranked, const std::map<std::string, int>& relevant,
                  int answer_grade = kAnswerGrade);

// True if one of the first `k` results' languages differs from the query's language (xlang@3 with k = 3).
bool OtherLanguageInTop(const std::vector<std::string>& result_langs, const std::string& query_lang, int k = 3);

struct Latency {
  double p50_ms = 0;
  double p99_ms = 0;
  double mean_ms = 0;
};

Latency Summarize(std::vector<double> millis);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_METRICS_H_
