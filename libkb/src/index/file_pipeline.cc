#include "file_pipeline.h"

#include <utility>

#include "content_hash.h"

namespace kb::internal {
namespace {

// Enough to keep the indexing thread busy without holding many parsed bodies in memory.
constexpr std::size_t kQueueDepth = 64;

}  // namespace

FilePipeline::FilePipeline(const std::vector<Source>& sources, const std::vector<std::vector<SourceFile>>& files,
                           NeedsParse needs_parse, std::size_t max_file_bytes)
    : sources_(sources), files_(files), needs_parse_(std::move(needs_parse)), max_file_bytes_(max_file_bytes) {
  worker_ = std::thread([this] { Work(); });
}

FilePipeline::~FilePipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void FilePipeline::Work() {
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    const Source& source = sources_[s];
    ParseOptions options = source.ItemParseOptions();
    if (max_file_bytes_ > 0) options.max_file_bytes = max_file_bytes_;
    for (const SourceFile& file : files_[s]) {
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
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || queue_.size() < kQueueDepth; });
      if (stop_) return;
      queue_.push_back(std::move(out));
      lock.unlock();
      cv_.notify_all();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  done_ = true;
  cv_.notify_all();
}

std::optional<PreparedFile> FilePipeline::Next() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return done_ || !queue_.empty(); });
  if (queue_.empty()) return std::nullopt;
  PreparedFile out = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  cv_.notify_all();
  return out;
}

}  // namespace kb::internal
