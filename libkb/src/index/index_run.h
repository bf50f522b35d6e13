// One run of BuildIndex or UpdateIndex: open (and lock) every shard, scan the sources, index the files that
// changed, remove the items whose files are gone, write the metadata, commit. indexer.cc holds the run,
// index_metadata.cc what it writes besides items.
#ifndef KB_SRC_INDEX_RUN_H_
#define KB_SRC_INDEX_RUN_H_

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <xapian.h>

#include "file_pipeline.h"
#include "kb/index_writer.h"
#include "kb/indexer.h"
#include "kb/source.h"
#include "parallel_build.h"

namespace kb::internal {

class Run {
 public:
  Run(const std::vector<Source>& sources, const IndexerOptions& options, bool rebuild)
      : sources_(sources), options_(options), rebuild_(rebuild) {}

  Result<IndexSummary> Execute();

 private:
  Status Open();
  // A build that compacts writes its documents on several threads (parallel_build.h) and merges them in at
  // the end: Open only locks the databases, and this (when indexing starts) starts the builder and opens its
  // meta parts as writers_, which take the run's metadata.
  Status StartParallel();
  WriterOptions MakeWriterOptions() const;
  Status Scan();
  Status IndexFiles();
  // One file from the pipeline: skipped, kept unchanged, or parsed and stored.
  Status IndexFile(internal::PreparedFile& prepared);
  // True when the file's stamp (size, times, inode) is the one its item was indexed with: it is not read.
  bool UnchangedByStamp(std::size_t source_index, const SourceFile& file) const;
  // Upserts a parsed item into its shard (removing it from the shard that held it before).
  Status Store(const Source& source, const std::string& path, Item& item);
  // Counts and reports a stored item as added, updated or moved.
  void CountChange(const Source& source, const std::string& path, const Item& item);
  Status RemoveStale();
  // Sources, owners, curation rules and synonyms, on every shard.
  Status WriteMetadata();
  Status WriteSourceMetadata();
  Status WriteSynonyms();
  Status SetMetadata(const std::string& key, const std::string& value);
  void Event(FileAction action, const std::string& source, const std::string& path, const std::string& id,
             const std::string& detail = "") {
    if (options_.on_file && (action != FileAction::kUnchanged || options_.report_unchanged)) {
      options_.on_file({action, source, path, id, detail});
    }
  }
  void Skip(const std::string& source, const std::string& path, const std::string& reason) {
    summary_.skipped.push_back({source, path, reason});
    Event(FileAction::kSkipped, source, path, "", reason);
  }
  void Progress(IndexProgress::Phase phase) {
    progress_.phase = phase;
    if (options_.progress) options_.progress(progress_);
  }
  static std::string Key(const std::string& source, const std::string& path) { return source + '\n' + path; }

  const std::vector<Source>& sources_;
  const IndexerOptions& options_;
  const bool rebuild_;
  std::vector<std::string> paths_;                     // the database of each shard
  std::vector<Xapian::WritableDatabase> locks_;        // parallel build: each shard's database, locked
  std::unique_ptr<ParallelBuild> builder_;             // parallel build: writes the documents
  std::string old_sources_;                            // parallel build: the sources the database had
  std::vector<std::unique_ptr<IndexWriter>> writers_;  // one per shard; item → writers_[ShardOf(id, n)]
  IndexSummary summary_;
  IndexProgress progress_;
  std::vector<std::vector<SourceFile>> files_;
  std::vector<bool> reparse_all_;                                  // per source: its fingerprint changed
  std::unordered_map<std::string, IndexedItem> existing_;          // by id
  std::unordered_map<std::string, std::size_t> existing_shard_;    // id → shard that holds it
  std::unordered_map<std::string, std::string> existing_by_path_;  // Key(source, path) → id
  std::unordered_set<std::string> scanned_paths_;                  // Key(source, path) of every selected file
  std::unordered_map<std::string, std::string> claimed_;           // id → "source:path" of the file that has it
  std::unordered_set<std::string> moved_away_;                     // ids of items whose file was renamed
  std::multimap<std::string, std::string> gone_by_hash_;  // Key(source, hash) → id of an item whose file is gone
  bool metadata_changed_ = false;
};

}  // namespace kb::internal

#endif  // KB_SRC_INDEX_RUN_H_
