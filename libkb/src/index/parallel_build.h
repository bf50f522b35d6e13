// A full build's documents, written on several threads. Xapian's writer is single-threaded, so the items (in
// file order) are cut into chunks of consecutive items of one shard, each chunk is written into a fresh
// database of its own (a part) by one of the writer threads, and Merge compacts a shard's parts, in order,
// into a fresh copy that is swapped in at the shard's path (compact.h). The compactor renumbers each part's
// documents to follow the part before, so they get the ids one writer would have given them (1..N in file
// order), and the terms, values, data and spelling frequencies come out as a single writer's.
//
// Nothing is written to a shard's path before Merge: a failed or killed build leaves the previous index
// as it was (the parts live in the sibling directory .NAME.build, removed by the destructor or the next
// build).
//
// Thread-safety: Start, Add, Finish, MetaPath and Merge are called from one thread; the writers are internal.
#ifndef KB_SRC_PARALLEL_BUILD_H_
#define KB_SRC_PARALLEL_BUILD_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kb/index_writer.h"
#include "kb/item.h"
#include "kb/status.h"
#include "stored.h"
#include "writer_internal.h"

namespace kb::internal {

class ParallelBuild {
 public:
  // `shard_paths`: each shard's database; `threads`: writer threads (at least 1); `chunk_items`: items per part.
  // REQUIRES: `options` are those of IndexWriter::Open for a rebuild (spelling, language, field weights).
  ParallelBuild(std::vector<std::string> shard_paths, WriterOptions options, int threads, std::size_t chunk_items);
  ~ParallelBuild();  // stops the writers and removes the parts
  ParallelBuild(const ParallelBuild&) = delete;
  ParallelBuild& operator=(const ParallelBuild&) = delete;

  // Items per part. Small parts are cheaper to write: Xapian's cost per document grows with the documents a
  // writer holds (the 14k-file build took 24.0 / 26.4 / 30.5 / 33.5 / 41.7 s of CPU with 100 / 200 / 450 /
  // 1800 / 3600 items per part), but each part leaves the merged postlists one more chunk for each of its
  // terms (the 14k index grew from 163 MB to 169 MB at 450, 172 MB at 200, 175 MB at 100). 250 is near the
  // knee; the reader also stays close ahead of the writers (a few parts).
  static constexpr std::size_t kChunkItems = 250;

  // Removes a killed build's leftovers, creates the parts' directories and starts the writers.
  Status Start();
  // Hands over the next item of shard `shard` (items in file order). Blocks while the writers are a few
  // chunks behind. REQUIRES: CheckItemKey(item) is ok. Returns the first writer's failure, if any.
  Status Add(std::size_t shard, Item item);
  // Waits until every item is written, then writes each shard's spelling words (split over the threads).
  Status Finish();
  // A document-less part of shard `shard` for the run's metadata and synonyms, merged after the others.
  std::string MetaPath(std::size_t shard) const;
  // After Finish: merges shard `shard`'s parts (with its MetaPath database) into its path. REQUIRES: the
  // caller holds the shard's write lock (LockDatabase), so the database exists and nothing else writes it.
  Status Merge(std::size_t shard);
  // Items written so far.
  std::size_t written() const;

 private:
  struct Chunk {
    std::size_t shard = 0;
    std::string path;
    std::vector<Item> items;
  };
  struct Shard {
    std::string dir;                 // .NAME.build next to the shard's database
    std::vector<std::string> parts;  // in merge order
    std::unique_ptr<Chunk> open;     // being filled by Add
  };

  Status Submit(std::unique_ptr<Chunk> chunk);
  void Work(std::size_t thread);
  Status WriteChunk(const Chunk& chunk, SpellingCounts& spelling, TextIndexer& indexer);
  Status WriteSpelling(std::size_t shard);
  void Stop();

  const std::vector<std::string> shard_paths_;
  const WriterOptions options_;
  const std::size_t threads_count_;
  const std::size_t chunk_items_;
  std::vector<Shard> shards_;
  std::vector<std::vector<SpellingCounts>> spelling_;  // [thread][shard], written by that thread only

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Chunk>> queue_;
  std::size_t in_flight_ = 0;  // chunks queued or being written
  std::size_t written_ = 0;
  bool done_ = false;
  bool cancelled_ = false;
  Status error_;  // the first writer's failure
  std::vector<std::thread> threads_;
};

}  // namespace kb::internal

#endif  // KB_SRC_PARALLEL_BUILD_H_
