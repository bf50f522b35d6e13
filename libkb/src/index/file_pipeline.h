// Reads, hashes and (when needed) parses the files of a run on a worker thread, handing them to the
// indexing thread in order: on two cores parsing overlaps with Xapian's indexing.
//
// Thread-safety: Next() is called from one consumer thread; the worker is internal.
#ifndef KB_SRC_FILE_PIPELINE_H_
#define KB_SRC_FILE_PIPELINE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kb/item.h"
#include "kb/source.h"
#include "kb/status.h"

namespace kb::internal {

// One file as the worker prepared it.
struct PreparedFile {
  std::size_t source_index = 0;
  const SourceFile* file = nullptr;
  std::uint64_t bytes = 0;
  std::string hash;     // "" when the file could not be read
  Status read_status;   // why the file could not be read
  bool parsed = false;  // false: the caller said the hash needs no parse
  Result<Item> item = Status::Internal("not parsed");
};

class FilePipeline {
 public:
  // `needs_parse(source_index, file, hash)` decides, on the worker thread, whether to parse. It must be
  // safe to call concurrently with the consumer (read shared state only).
  using NeedsParse = std::function<bool(std::size_t, const SourceFile&, const std::string&)>;

  FilePipeline(const std::vector<Source>& sources, const std::vector<std::vector<SourceFile>>& files,
               NeedsParse needs_parse, std::size_t max_file_bytes = 0);  // 0: ParseOptions' default
  ~FilePipeline();                                                       // stops and joins the worker
  FilePipeline(const FilePipeline&) = delete;
  FilePipeline& operator=(const FilePipeline&) = delete;

  // The next file in (source, path) order; nullopt at the end.
  std::optional<PreparedFile> Next();

 private:
  void Work();

  const std::vector<Source>& sources_;
  const std::vector<std::vector<SourceFile>>& files_;
  NeedsParse needs_parse_;
  const std::size_t max_file_bytes_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PreparedFile> queue_;
  bool done_ = false;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace kb::internal

#endif  // KB_SRC_FILE_PIPELINE_H_
