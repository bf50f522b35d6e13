// What other search tools score on the labeled sets, read from ../shared/data/BASELINES.md ("## Quality").
#ifndef KB_BENCH_EVAL_BASELINES_H_
#define KB_BENCH_EVAL_BASELINES_H_

#include <map>
#include <string>
#include <vector>

#include "metrics.h"

namespace kb::eval {

struct Baseline {
  std::string tool;
  std::map<std::string, Scores> by_set;  // nDCG@10, MRR@10, Recall@100 (P@1 is not published)
};

// Parses the quality table of BASELINES.md; empty if the file is missing or has no such table.
std::vector<Baseline> LoadBaselines(const std::string& path);

// The tool with the highest nDCG@10 on `set` (nullptr if none has a number for it).
const Baseline* BestBaseline(const std::vector<Baseline>& baselines, const std::string& set);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_BASELINES_H_
