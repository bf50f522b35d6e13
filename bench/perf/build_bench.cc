// Parse and index benchmarks over a Markdown tree.
//
// parse: kb::ParseItem (front matter + CommonMark → Item) over every file of the tree, held in memory;
// bytes/s is the throughput. index: kb::IndexWriter upserting already-parsed items into a fresh database
// with a commit every `batch` items (Xapian's transaction per commit), with and without spelling data;
// items/s is the throughput, including opening the database and the final commit.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kb/index_writer.h"
#include "kb/item.h"
#include "perf.h"

namespace kb::perf {
namespace {

namespace fs = std::filesystem;

struct File {
  std::string path;  // relative to the root
  std::string bytes;
};

std::vector<File>& Files() {
  static std::vector<File> files;
  return files;
}

bool LoadTree(const std::string& root) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(".")) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || !(name.ends_with(".md") || name.ends_with(".markdown"))) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    Files().push_back({fs::relative(it->path(), root).generic_string(), bytes.str()});
  }
  if (ec || Files().empty()) {
    std::fprintf(stderr, "kb-perf-bench: no Markdown files read from %s\n", root.c_str());
    return false;
  }
  std::sort(Files().begin(), Files().end(), [](const File& a, const File& b) { return a.path < b.path; });
  return true;
}

void BM_Parse(benchmark::State& state) {
  const std::vector<File>& files = Files();
  std::size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const File& f = files[i++ % files.size()];
    Result<Item> item = ParseItem(f.path, f.bytes);
    benchmark::DoNotOptimize(item);
    bytes += static_cast<int64_t>(f.bytes.size());
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// Items spread evenly over the tree (so a prefix of it does not index one directory only).
std::vector<Item> ParsedSample(std::size_t count) {
  const std::vector<File>& files = Files();
  std::vector<Item> items;
  count = std::min(count, files.size());
  for (std::size_t k = 0; k < count; ++k) {
    const File& f = files[k * files.size() / count];
    Result<Item> item = ParseItem(f.path, f.bytes);
    if (!item.ok()) continue;
    item->source = "bench";
    items.push_back(std::move(item).value());
  }
  return items;
}

void BM_Index(benchmark::State& state, const std::string& scratch, std::size_t count) {
  static std::vector<Item> items;
  if (items.empty()) items = ParsedSample(count);
  const std::size_t batch = static_cast<std::size_t>(state.range(0));
  const fs::path dir = fs::path(scratch) / ("kb-perf-index-" + std::to_string(::getpid()));
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(dir);
    state.ResumeTiming();
    WriterOptions options;
    options.spelling = state.range(1) != 0;
    Result<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(dir.string(), options);
    if (!writer.ok()) {
      state.SkipWithError(writer.status().message().c_str());
      break;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      Status s = (*writer)->Upsert(items[i]);
      if (s.ok() && ((i + 1) % batch == 0 || i + 1 == items.size())) s = (*writer)->Commit();
      if (!s.ok()) {
        state.SkipWithError(s.message().c_str());
        break;
      }
    }
    writer->reset();  // closes the database (and releases its lock) inside the timed region
  }
  fs::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * items.size()));
  state.counters["items"] = static_cast<double>(items.size());
}

}  // namespace

bool RegisterBuildBenchmarks(const Config& config) {
  if (!LoadTree(config.corpus)) return false;
  std::string name = "parse/" + config.scale;
  benchmark::RegisterBenchmark(name.c_str(), BM_Parse)->MinTime(2.0)->Unit(benchmark::kMicrosecond);
  name = "index/" + config.scale;
  const std::string scratch = config.scratch;
  const std::size_t count = static_cast<std::size_t>(config.index_items);
  benchmark::RegisterBenchmark(name.c_str(), [scratch, count](benchmark::State& st) { BM_Index(st, scratch, count); })
      ->ArgNames({"batch", "spelling"})
      ->Args({100, 1})
      ->Args({1000000, 1})
      ->Args({1000000, 0})
      ->Iterations(1)
      ->Unit(benchmark::kSecond)
      ->UseRealTime();
  return true;
}

}  // namespace kb::perf
