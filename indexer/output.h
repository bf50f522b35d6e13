// kb-index output: the progress line, run summaries, check reports (text, JSON, GitHub annotations) and
// stats. Everything kb-index prints goes through here.
#ifndef KB_INDEXER_OUTPUT_H_
#define KB_INDEXER_OUTPUT_H_

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "kb/check.h"
#include "kb/indexer.h"

namespace kb::cli {

// Shows a run's progress on stderr: a live line (files/s, MB/s, ETA) redrawn at most every 100 ms when
// `live`, otherwise one plain line per phase so that CI logs stay clean.
class ProgressPrinter {
 public:
  ProgressPrinter(bool live, bool enabled) : live_(live), enabled_(enabled) {}
  void Update(const IndexProgress& progress);
  void Clear();  // erases the live line before other output

 private:
  bool live_;
  bool enabled_;
  bool line_shown_ = false;
  IndexProgress::Phase last_phase_ = IndexProgress::Phase::kScanning;
  bool started_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point phase_start_ = start_;
  std::chrono::steady_clock::time_point last_draw_{};
};

// One line per file event ("updated  content:payments/refunds.md  (payments/refunds)").
void PrintFileEvent(const FileEvent& event);

// "skipped N files:" and one "  path: reason" line each (nothing when `skipped` is empty).
void PrintSkipped(const std::vector<Source>& sources, const std::vector<SkippedFile>& skipped, std::FILE* out);

void PrintIndexSummary(const std::string& command, const std::string& db, const std::vector<Source>& sources,
                       const IndexSummary& summary, Verbosity verbosity);

void PrintCheckReport(const CheckReport& report, const std::string& format, Verbosity verbosity);

void PrintStats(const std::string& db, const IndexStats& stats, const std::string& format);

}  // namespace kb::cli

#endif  // KB_INDEXER_OUTPUT_H_
