// The support set's scores by shape and language, its tables, JSON and targets.
#ifndef KB_BENCH_EVAL_SUPPORT_REPORT_H_
#define KB_BENCH_EVAL_SUPPORT_REPORT_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report.h"

namespace kb::eval {

// Targets (bench/README.md): success@1 overall and per shape, kb's nDCG@10 over the better peer, and no
// English query with a Turkish item in its top 3.
inline constexpr double kSupportSuccessTarget = 0.85;
inline constexpr double kSupportPeerRatioTarget = 1.15;

// Means over a group of queries, and how many of them have an item in another language in their top 3.
struct GroupScores {
  int queries = 0;
  double ndcg10 = 0;
  double success1 = 0;
  double mrr10 = 0;
  int xlang3 = 0;
};

struct SupportScores {
  GroupScores all;
  std::map<std::string, GroupScores> by_shape;
  std::map<std::string, GroupScores> by_lang;
  std::vector<std::string> en_with_tr_top3;  // ids of English queries with a Turkish item in their top 3
};

// Scores one system's run over the support set held by `s` (s.queries, s.qrels).
SupportScores ScoreSupport(const SetReport& s, const RunResult& run);

// Shapes and languages in reporting order: the documented ones first (typed typo pasted code shift; en tr).
std::vector<std::string> OrderedShapes(const SetReport& s);
std::vector<std::string> OrderedLangs(const SetReport& s);

struct SupportPrintOptions {
  bool list_queries = false;  // list the English queries with a Turkish item in their top 3
};

void PrintSupportReport(const SetReport& s, const SupportPrintOptions& options, std::ostream& out);

nlohmann::json SupportJson(const SetReport& s);

// The support targets; `why` gets one line per failed target.
bool SupportMeetsTargets(const SetReport& s, std::string* why);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_SUPPORT_REPORT_H_
