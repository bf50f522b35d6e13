// Prints the evaluation as Markdown tables (stdout) and as JSON.
#ifndef KB_BENCH_EVAL_REPORT_H_
#define KB_BENCH_EVAL_REPORT_H_

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "baselines.h"
#include "runner.h"

namespace kb::eval {

struct SetReport {
  std::string name;
  int docs = 0;
  std::vector<Query> queries;  // in the order of RunResult::per_query
  Qrels qrels;
  double kb_build_s = 0;
  double reference_build_s = 0;
  double fts5_build_s = 0;
  RunResult kb;
  RunResult reference;
  RunResult fts5;
  std::vector<std::pair<std::string, RunResult>> variants;  // ablation label → result
};

// One run's metrics, query count, errors and latency (with the long-query subset when there is one).
nlohmann::json RunJson(const RunResult& r);

// nDCG@10 of the better of the two peers measured in the run (plain Xapian, FTS5).
double BestPeerNdcg(const SetReport& s);

// One section per set (kb, reference, FTS5, ratios, ablations with all metrics), then the nDCG@10 summary
// beside the cited baselines.
void PrintReport(const std::vector<SetReport>& sets, const std::vector<Baseline>& baselines, std::ostream& out);

nlohmann::json ReportJson(const std::vector<SetReport>& sets, const std::vector<Baseline>& baselines);

// kb is above the best cited baseline and not below the reference on every set. `why` lists the failures.
// (The support set has its own targets: support_report.h.)
bool MeetsTargets(const std::vector<SetReport>& sets, const std::vector<Baseline>& baselines, std::string* why);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_REPORT_H_
