// kb-perf-bench: Google Benchmark programs for parsing, indexing and searching (bench/README.md,
// "Performance"). The benchmarks are registered at run time from the command line:
//   --db=PATH        a kb database: search benchmarks (libkb and the plain-Xapian floor) per query shape
//   --queries=FILE   the query shapes (default: bench/perf/queries.tsv)
//   --tickets=FILE   pasted tickets for the assist row (default: bench/perf/tickets.txt; assist_bench.cc)
//   --corpus=DIR     a Markdown tree: parse (MB/s) and index (items/s, commit batching) benchmarks
//   --scale=LABEL    names the rows ("1k", "14k", "100k")
//   --samples=N      timed queries per search row (default 300), after one untimed warm-up pass
//   --row-seconds=S  fewer samples when a search row would take longer (default 15)
//   --index-items=N  items per index benchmark run (default 1000)
//   --scratch=DIR    where index benchmarks create their databases (default: $TMPDIR or /tmp)
//   --usage-searches=N  a usage log of N searches (30 days) in --scratch: /api/insights computed vs cached
//                       (built with the server; insights_bench.cc)
#ifndef KB_BENCH_PERF_PERF_H_
#define KB_BENCH_PERF_PERF_H_

#include <string>

namespace kb::perf {

struct Config {
  std::string db;
  std::string queries;
  std::string tickets;
  std::string corpus;
  std::string scale = "db";
  std::string scratch;
  int samples = 300;
  double row_seconds = 15;
  int index_items = 1000;
  int usage_searches = 0;
};

// Both return false (after printing why) when their inputs cannot be opened.
bool RegisterSearchBenchmarks(const Config& config);
bool RegisterBuildBenchmarks(const Config& config);
bool RegisterAssistBenchmarks(const Config& config);
bool RegisterInsightsBenchmarks(const Config& config);

}  // namespace kb::perf

#endif  // KB_BENCH_PERF_PERF_H_
