// kb-perf-bench: see perf.h for the flags; Google Benchmark's own flags (--benchmark_format=json, ...)
// work as usual.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "perf.h"

#ifndef KB_PERF_TICKETS
#define KB_PERF_TICKETS "tickets.txt"
#endif
#ifndef KB_PERF_QUERIES
#define KB_PERF_QUERIES "queries.tsv"
#endif

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  kb::perf::Config config;
  config.queries = KB_PERF_QUERIES;
  config.tickets = KB_PERF_TICKETS;
  const char* tmp = std::getenv("TMPDIR");
  config.scratch = tmp && *tmp ? tmp : "/tmp";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (name == "--db") config.db = value;
    else if (name == "--queries") config.queries = value;
    else if (name == "--tickets") config.tickets = value;
    else if (name == "--corpus") config.corpus = value;
    else if (name == "--scale") config.scale = value;
    else if (name == "--scratch") config.scratch = value;
    else if (name == "--samples") config.samples = std::atoi(value.c_str());
    else if (name == "--index-items") config.index_items = std::atoi(value.c_str());
    else if (name == "--row-seconds") config.row_seconds = std::atof(value.c_str());
    else if (name == "--usage-searches") config.usage_searches = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "kb-perf-bench: unknown argument '%s' (see bench/perf/perf.h)\n", argv[i]);
      return 2;
    }
  }
  if (config.db.empty() && config.corpus.empty() && config.usage_searches <= 0) {
    std::fprintf(stderr,
                 "usage: kb-perf-bench [--db=PATH] [--corpus=DIR] [--scale=LABEL] [--samples=N] "
                 "[--index-items=N] [--row-seconds=S] [--queries=FILE] [--tickets=FILE] [--scratch=DIR] "
                 "[--usage-searches=N] [--benchmark_...]\n");
    return 2;
  }
  if (config.samples < 1 || config.index_items < 1 || !(config.row_seconds > 0)) {
    std::fprintf(stderr, "kb-perf-bench: --samples, --index-items and --row-seconds must be positive\n");
    return 2;
  }
  if (!config.db.empty() && !kb::perf::RegisterSearchBenchmarks(config)) return 1;
  if (!config.db.empty() && !kb::perf::RegisterAssistBenchmarks(config)) return 1;
  if (!config.corpus.empty() && !kb::perf::RegisterBuildBenchmarks(config)) return 1;
#ifdef KB_PERF_INSIGHTS
  if (config.usage_searches > 0 && !kb::perf::RegisterInsightsBenchmarks(config)) return 1;
#else
  if (config.usage_searches > 0) {
    std::fprintf(stderr, "kb-perf-bench: --usage-searches needs a build with the server (KB_BUILD_SERVER=ON)\n");
    return 2;
  }
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
