#include "file_pipeline.h"

#include <algorithm>
#include <utility>

#include "content_hash.h"

namespace kb::internal {
namespace {

// Enough to keep the indexing thread busy without holding many parsed bodies in memory.
constexpr std::size_t kQueueDepth = 64;
constexpr unsigned kMaxWorkers = 4;

}  // namespace

FilePipeline::FilePipeline(const std::vector<Source>& sources, std::vector<FileRef> files, NeedsParse needs_parse,
                           std::size_t max_file_bytes)
    : sources_(sources),
      needs_parse_(std::move(needs_parse)),
      max_file_bytes_(max_file_bytes),
      order_(std::move(files)) {
  const std::size_t n = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxWorkers);
  queues_.resize(n);
  for (std::size_t k = 0; k < n; ++k) workers_.emplace_back([this, k] { Work(k); });
}

FilePipeline::~FilePipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

PreparedFile FilePipeline::Prepare(std::size_t s, const SourceFile& file, const ParseOptions& options) const {
  const Source& source = sources_[s];
  PreparedFile out;
  out.source_index = s;
  out.file = &file;
  try {
    Result<std::string> bytes = ReadSourceFile(source, file.path, options.max_file_bytes);
    if (!bytes.ok()) {
      out.read_status = bytes.status();
    } else {
      out.bytes = bytes->size();
      out.hash = ContentHash(*bytes);
      if (needs_parse_(s, file, out.hash)) {
        out.parsed = true;
        out.item = ParseItem(file.path, *bytes, options);
      }
    }
  } catch (const std::exception& e) {
    out.read_status = Status::Internal(source.DisplayPath(file.path) + ": " + e.what());
  }
  return out;
}

void FilePipeline::Work(std::size_t worker) {
  const std::size_t n = queues_.size();
  const std::size_t depth = std::max<std::size_t>(kQueueDepth / n, 2);
  std::vector<ParseOptions> options;  // per source
  for (const Source& source : sources_) {
    options.push_back(source.ItemParseOptions());
    if (max_file_bytes_ > 0) options.back().max_file_bytes = max_file_bytes_;
  }
  for (std::size_t i = worker; i < order_.size(); i += n) {
    PreparedFile out = Prepare(order_[i].first, *order_[i].second, options[order_[i].first]);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stop_ || queues_[worker].size() < depth; });
    if (stop_) return;
    queues_[worker].push_back(std::move(out));
    lock.unlock();
    cv_.notify_all();
  }
}

std::optional<PreparedFile> FilePipeline::Next() {
  if (next_ >= order_.size()) return std::nullopt;
  std::deque<PreparedFile>& queue = queues_[next_ % queues_.size()];
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !queue.empty(); });
  PreparedFile out = std::move(queue.front());
  queue.pop_front();
  ++next_;
  lock.unlock();
  cv_.notify_all();
  return out;
}

}  // namespace kb::internal
