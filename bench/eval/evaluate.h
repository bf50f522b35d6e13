// Evaluates one labeled set: the reference, FTS5, kb with default options, then each ablation variant.
#ifndef KB_BENCH_EVAL_EVALUATE_H_
#define KB_BENCH_EVAL_EVALUATE_H_

#include <filesystem>
#include <functional>
#include <set>
#include <string>

#include "dataset.h"
#include "kb/index_writer.h"
#include "report.h"
#include "systems.h"

namespace kb::eval {

struct EvalOptions {
  int runs = 3;  // timed passes for kb, the reference and FTS5 (1 for ablations)
  int long_words = 50;
  bool ablations = true;
  std::set<std::string> variants;  // only these ablation rows; empty = all
  KbQueryOptions kb_query;
};

// Builds kb's index of the set at `path`. `variant_options` is null for kb's defaults, else the WriterOptions
// of an index-time ablation.
using KbIndexBuilder = std::function<Status(const std::string& path, const WriterOptions* variant_options)>;

// Hit ids starting with `id_prefix` lose it before scoring. Indexes go under `work`.
Result<SetReport> EvaluateSet(const LabeledSet& set, const KbIndexBuilder& build_kb, const std::string& id_prefix,
                              const EvalOptions& options, const std::filesystem::path& work);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_EVALUATE_H_
