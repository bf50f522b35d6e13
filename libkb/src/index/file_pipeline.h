// Reads, hashes and (when needed) parses the files of a run on worker threads (one per core, at most four),
// handing them to the indexing thread in order: worker k takes every k-th file and has a queue of its own,
// which Next reads in turn. On two cores reading and hashing (all of a no-change update) take half the time,
// and parsing overlaps with Xapian's indexing.
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
#include <utility>
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

  // A file of the run: its source's index in `sources` and the file (which must outlive the pipeline).
  using FileRef = std::pair<std::size_t, const SourceFile*>;

  // `files`: the files to prepare, in the order Next returns them.
  FilePipeline(const std::vector<Source>& sources, std::vector<FileRef> files, NeedsParse needs_parse,
               std::size_t max_file_bytes = 0);  // 0: ParseOptions' default
  ~FilePipeline();                               // stops and joins the workers
  FilePipeline(const FilePipeline&) = delete;
  FilePipeline& operator=(const FilePipeline&) = delete;

  // The next file in (source, path) order; nullopt at the end.
  std::optional<PreparedFile> Next();

 private:
  void Work(std::size_t worker);
  PreparedFile Prepare(std::size_t source_index, const SourceFile& file, const ParseOptions& options) const;

  const std::vector<Source>& sources_;
  NeedsParse needs_parse_;
  const std::size_t max_file_bytes_;
  const std::vector<FileRef> order_;  // (source, file) in run order
  std::size_t next_ = 0;              // order_ index Next returns next
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::deque<PreparedFile>> queues_;  // worker k: order_ indexes k, k + n, k + 2n, ...
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace kb::internal

#endif  // KB_SRC_FILE_PIPELINE_H_
