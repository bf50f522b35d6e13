// kb-hash-bench: the content digest that `kb-index update` computes for every file to detect changes
// (kb::internal::ContentHash), at file sizes from a short answer to a large generated page.
//
//   build/bench/perf/kb-hash-bench [--benchmark_...]
//
// bytes/s is the throughput; the knowledge bases kb serves are Markdown files of 1-20 KB, so the 4 KiB and
// 16 KiB rows are the ones a no-change update pays for.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "content_hash.h"

namespace {

std::string Bytes(std::size_t size) {
  std::string s(size, '\0');
  std::uint32_t x = 2463534242u;  // xorshift32: content that no hash can shortcut
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return s;
}

void BM_ContentHash(benchmark::State& state) {
  const std::string bytes = Bytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string digest = kb::internal::ContentHash(bytes);
    benchmark::DoNotOptimize(digest);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ContentHash)->Arg(256)->Arg(4 << 10)->Arg(16 << 10)->Arg(1 << 20)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
