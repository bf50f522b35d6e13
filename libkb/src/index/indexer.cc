// BuildIndex and UpdateIndex: one locked, atomic pass that makes a database match a set of sources (index_run.h);
// here its opening, scan, file by file indexing and commit.
#include "kb/indexer.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "compact.h"
#include "file_pipeline.h"
#include "index_run.h"
#include "kb/index_writer.h"
#include "schema.h"
#include "shard_layout.h"
#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "writer_internal.h"
#include "xapian_util.h"

namespace kb {
namespace internal {
namespace {

// "path:12: message" → "line 12: message"; "path: message" → "message".
std::string Reason(const std::string& path, const Status& status) {
  const std::string& m = status.message();
  if (m.rfind(path, 0) != 0 || m.size() <= path.size() || m[path.size()] != ':') return m;
  std::string rest = m.substr(path.size() + 1);
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits > 0 && digits < rest.size() && rest[digits] == ':') {
    return "line " + rest.substr(0, digits) + ":" + rest.substr(digits + 1);
  }
  return std::string(internal::Trim(rest));
}

Status ValidateSources(const std::vector<Source>& sources, const IndexerOptions& options) {
  if (options.db_path.empty()) return Status::InvalidArgument("no database path given (--db PATH)");
  if (sources.empty()) return Status::InvalidArgument("no source given");
  std::set<std::string> names, roots;
  for (const Source& s : sources) {
    // Source filter terms are lowercase, so names differing only in case would share their items.
    if (!names.insert(internal::AsciiLower(s.name)).second) {
      return Status::InvalidArgument("source name '" + s.name + "' given twice; name them with NAME=DIR");
    }
    if (!roots.insert(s.real_root).second) return Status::InvalidArgument(s.root + ": directory given twice");
  }
  return Status::Ok();
}

}  // namespace

Status Run::Open() {
  if (options_.shards < 0 || options_.shards > internal::kMaxShards) {
    return Status::InvalidArgument("shards must be between 1 and " + std::to_string(internal::kMaxShards));
  }
  Result<int> existing = internal::ExistingShards(options_.db_path);
  if (!existing.ok()) return existing.status();
  const int n = options_.shards > 0 ? options_.shards : std::max(*existing, 1);
  if (*existing != 0 && *existing != n) {
    return Status::InvalidArgument(
        options_.db_path + " holds " +
        (*existing == 1 ? std::string("one unsharded database") : std::to_string(*existing) + " shards") + ", not " +
        std::to_string(n) + "; build into a new --db path to change the shard count");
  }
  if (n > 1) {
    std::error_code ec;
    std::filesystem::create_directories(options_.db_path, ec);
    if (ec) return Status::IoError(options_.db_path + ": " + ec.message());
  }
  paths_ = internal::DatabasePaths(options_.db_path, n);
  const WriterOptions wo = MakeWriterOptions();
  const bool parallel = rebuild_ && options_.compact;
  // Always locked in shard order, so two runs never each hold a shard the other waits for.
  for (const std::string& path : paths_) {
    if (parallel) {
      Result<Xapian::WritableDatabase> lock = internal::LockDatabase(path, options_.wait_for_lock);
      if (!lock.ok()) return lock.status();
      locks_.push_back(std::move(lock).value());
      continue;
    }
    Result<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(path, wo);
    if (!writer.ok()) return writer.status();
    writers_.push_back(std::move(writer).value());
  }
  if (n > 1) {
    if (Status s = internal::WriteStub(options_.db_path, n); !s.ok()) return s;
  }
  if (options_.on_locked) options_.on_locked();
  if (rebuild_) return Status::Ok();  // the rebuild starts from an empty database
  for (std::size_t k = 0; k < writers_.size(); ++k) {
    Result<std::vector<IndexedItem>> items = writers_[k]->ListItems();
    if (!items.ok()) return items.status();
    for (IndexedItem& item : *items) {
      existing_by_path_[Key(item.source, item.path)] = item.id;
      existing_shard_[item.id] = k;
      existing_.emplace(item.id, std::move(item));
    }
  }
  for (const Source& s : sources_) {
    // Any shard with another fingerprint (a run killed between shard commits) reparses the source.
    for (const auto& writer : writers_) {
      Result<std::string> fingerprint = writer->GetMetadata(SourceKey(s.name, "fingerprint"));
      if (!fingerprint.ok()) return fingerprint.status();
      if (*fingerprint != s.fingerprint) reparse_all_[&s - sources_.data()] = true;
    }
  }
  return Status::Ok();
}

WriterOptions Run::MakeWriterOptions() const {
  WriterOptions wo;
  wo.overwrite = rebuild_;
  wo.wait_for_lock = options_.wait_for_lock;
  wo.spelling = options_.spelling;
  return wo;
}

Status Run::StartParallel() {
  const WriterOptions wo = MakeWriterOptions();
  Status read = internal::Guard("reading " + paths_[0], [&]() -> Status {
    old_sources_ = locks_[0].get_metadata(std::string(kMetaSources));
    return Status::Ok();
  });
  if (!read.ok()) return read;
  const int threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  builder_ = std::make_unique<internal::ParallelBuild>(paths_, wo, threads, internal::ParallelBuild::kChunkItems);
  if (Status s = builder_->Start(); !s.ok()) return s;
  WriterOptions meta = wo;
  meta.overwrite = false;
  for (std::size_t k = 0; k < paths_.size(); ++k) {
    Result<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(builder_->MetaPath(k), meta);
    if (!writer.ok()) return writer.status();
    writers_.push_back(std::move(writer).value());
  }
  return Status::Ok();
}

Status Run::Scan() {
  Progress(IndexProgress::Phase::kScanning);
  for (const Source& s : sources_) {
    Result<ScanResult> scan = ScanSource(s);
    if (!scan.ok()) return scan.status();
    for (SkippedFile& skipped : scan->skipped) Skip(skipped.source, skipped.path, skipped.reason);
    summary_.ignored += scan->ignored;
    for (const SourceFile& f : scan->files) {
      scanned_paths_.insert(Key(s.name, f.path));
      progress_.bytes_total += f.size;
    }
    summary_.files += scan->files.size();
    summary_.sources.push_back({s.name, s.root, s.commit, scan->files.size(), 0});
    files_.push_back(std::move(scan->files));
  }
  progress_.files_total = summary_.files;
  if (options_.max_items > 0 && summary_.files > options_.max_items) {
    return Status::InvalidArgument("the sources hold " + std::to_string(summary_.files) + " files, over the limit of " +
                                   std::to_string(options_.max_items) +
                                   " items per run; nothing was written "
                                   "(raise --max-items, or split the sources)");
  }
  return Status::Ok();
}

Status Run::IndexFiles() {
  Progress(IndexProgress::Phase::kIndexing);
  // Existing items of each source whose file is gone, by content hash: a new file with the same bytes in
  // the same source is the same item, moved.
  for (const auto& [id, item] : existing_) {
    if (!scanned_paths_.count(Key(item.source, item.path)))
      gone_by_hash_.emplace(Key(item.source, item.content_hash), id);
  }
  // Decides on the worker thread whether a file must be parsed; reads state that is fixed by now.
  auto needs_parse = [this](std::size_t s, const SourceFile& file, const std::string& hash) {
    if (rebuild_ || reparse_all_[s]) return true;
    auto by_path = existing_by_path_.find(Key(sources_[s].name, file.path));
    return by_path == existing_by_path_.end() || existing_.at(by_path->second).content_hash != hash;
  };
  if (!locks_.empty()) {
    if (Status s = StartParallel(); !s.ok()) return s;
  }
  // Files unchanged by their stamp are taken here, in their turn, without a read; the others go through the
  // pipeline in the same order.
  std::vector<std::vector<bool>> unchanged(files_.size());
  std::vector<internal::FilePipeline::FileRef> to_read;
  for (std::size_t s = 0; s < files_.size(); ++s) {
    for (const SourceFile& file : files_[s]) {
      unchanged[s].push_back(UnchangedByStamp(s, file));
      if (!unchanged[s].back()) to_read.emplace_back(s, &file);
    }
  }
  internal::FilePipeline pipeline(sources_, std::move(to_read), needs_parse, options_.max_file_bytes);
  for (std::size_t s = 0; s < files_.size(); ++s) {
    for (std::size_t f = 0; f < files_[s].size(); ++f) {
      const SourceFile& file = files_[s][f];
      std::optional<internal::PreparedFile> prepared;
      if (unchanged[s][f]) {
        prepared.emplace();
        prepared->source_index = s;
        prepared->file = &file;
      } else {
        prepared = pipeline.Next();
        if (!prepared) return Status::Internal("the file pipeline ended before " + file.path);
      }
      ++progress_.files_done;
      progress_.bytes_done += file.size;
      summary_.bytes += prepared->bytes;
      if (Status st = IndexFile(*prepared); !st.ok()) return st;
      Progress(IndexProgress::Phase::kIndexing);
    }
  }
  return Status::Ok();
}

bool Run::UnchangedByStamp(std::size_t source_index, const SourceFile& file) const {
  if (rebuild_ || reparse_all_[source_index] || file.stamp.empty()) return false;
  auto by_path = existing_by_path_.find(Key(sources_[source_index].name, file.path));
  return by_path != existing_by_path_.end() && existing_.at(by_path->second).file_stamp == file.stamp;
}

Status Run::IndexFile(internal::PreparedFile& prepared) {
  const Source& source = sources_[prepared.source_index];
  const std::string& path = prepared.file->path;
  if (!prepared.read_status.ok()) {
    Skip(source.name, path, Reason(source.DisplayPath(path), prepared.read_status));
    return Status::Ok();
  }
  if (!prepared.parsed) {
    // Unchanged: keep the indexed item, unless an earlier file has taken its id since.
    const std::string& id = existing_by_path_.at(Key(source.name, path));
    if (auto [it, fresh] = claimed_.emplace(id, source.name + ":" + path); !fresh) {
      Skip(source.name, path, "duplicate id '" + id + "' (already used by " + it->second + ")");
    } else {
      ++summary_.unchanged;
      Event(FileAction::kUnchanged, source.name, path, id);
    }
    return Status::Ok();
  }
  ++summary_.parsed;
  ++progress_.parsed;
  if (!prepared.item.ok()) {
    Skip(source.name, path, Reason(path, prepared.item.status()));
    return Status::Ok();
  }
  Item& item = *prepared.item;
  item.source = source.name;
  item.content_hash = prepared.hash;
  item.file_stamp = prepared.file->stamp;
  if (auto [it, fresh] = claimed_.emplace(item.id, source.name + ":" + path); !fresh) {
    Skip(source.name, path, "duplicate id '" + item.id + "' (already used by " + it->second + ")");
    return Status::Ok();
  }
  return Store(source, path, item);
}

Status Run::Store(const Source& source, const std::string& path, Item& item) {
  const std::size_t shard = static_cast<std::size_t>(internal::ShardOf(item.id, static_cast<int>(writers_.size())));
  if (builder_) {
    // A rebuild: every item is new to the parts, and the builder writes it later on another thread.
    if (Status s = internal::CheckItemKey(item); !s.ok()) {
      claimed_.erase(item.id);
      Skip(source.name, path, Reason(path, s));
      return Status::Ok();
    }
    CountChange(source, path, item);
    return builder_->Add(shard, std::move(item));
  }
  if (Status s = writers_[shard]->Upsert(item); !s.ok()) {
    if (s.code() != StatusCode::kInvalidArgument) return s;  // the database failed: abandon the run
    claimed_.erase(item.id);
    Skip(source.name, path, Reason(path, s));
    return Status::Ok();
  }
  if (auto held = existing_shard_.find(item.id); held != existing_shard_.end() && held->second != shard) {
    if (Status s = writers_[held->second]->Remove(item.id); !s.ok() && s.code() != StatusCode::kNotFound) return s;
    held->second = shard;
  }
  CountChange(source, path, item);
  return Status::Ok();
}

void Run::CountChange(const Source& source, const std::string& path, const Item& item) {
  auto old = existing_.find(item.id);
  if (old != existing_.end()) {
    const bool same_place = old->second.source == source.name && old->second.path == path;
    if (!same_place && old->second.content_hash == item.content_hash) {
      ++summary_.moved;
      Event(FileAction::kMoved, source.name, path, item.id, old->second.path);
    } else {
      ++summary_.updated;
      Event(FileAction::kUpdated, source.name, path, item.id);
    }
  } else if (auto gone = gone_by_hash_.find(Key(source.name, item.content_hash)); gone != gone_by_hash_.end()) {
    ++summary_.moved;
    Event(FileAction::kMoved, source.name, path, item.id, existing_.at(gone->second).path);
    moved_away_.insert(gone->second);
    gone_by_hash_.erase(gone);
  } else {
    ++summary_.added;
    Event(FileAction::kAdded, source.name, path, item.id);
  }
}

Status Run::RemoveStale() {
  for (const auto& [id, item] : existing_) {
    if (claimed_.count(id)) continue;
    if (Status s = writers_[existing_shard_.at(id)]->Remove(id); !s.ok() && s.code() != StatusCode::kNotFound) return s;
    if (!moved_away_.count(id)) {
      ++summary_.removed;
      Event(FileAction::kRemoved, item.source, item.path, id);
    }
  }
  return Status::Ok();
}

Result<IndexSummary> Run::Execute() {
  const auto start = std::chrono::steady_clock::now();
  if (Status s = ValidateSources(sources_, options_); !s.ok()) return s;
  reparse_all_.assign(sources_.size(), rebuild_);
  if (Status s = Open(); !s.ok()) return s;
  if (Status s = Scan(); !s.ok()) return s;
  if (Status s = IndexFiles(); !s.ok()) return s;
  if (claimed_.empty()) {
    // Committing would empty the database; keep the previous index instead (the writer abandons the run).
    return Status::NotFound("nothing could be indexed: " + std::to_string(summary_.files) + " Markdown files found, " +
                            std::to_string(summary_.skipped.size()) + " skipped; the index was left as it was");
  }
  if (Status s = RemoveStale(); !s.ok()) return s;
  if (Status s = WriteMetadata(); !s.ok()) return s;
  if (builder_) {
    // The writers finish their last chunks (and the spelling data) while the progress says "committing".
    Progress(IndexProgress::Phase::kCommitting);
    if (Status s = builder_->Finish(); !s.ok()) return s;
  }

  const bool changed =
      rebuild_ || metadata_changed_ || summary_.added + summary_.updated + summary_.moved + summary_.removed > 0;
  if (changed) {
    Progress(IndexProgress::Phase::kCommitting);
    for (const auto& writer : writers_) {
      if (Status s = writer->Commit(); !s.ok()) return s;
    }
    summary_.committed = true;
  }
  if (rebuild_ && options_.compact) {
    // Still under the write locks, so no other run commits between the commit and the swap.
    Progress(IndexProgress::Phase::kCompacting);
    for (std::size_t k = 0; k < paths_.size(); ++k) {
      Status s = builder_ ? builder_->Merge(k) : internal::CompactInPlace(paths_[k]);
      if (!s.ok()) return s;
    }
    summary_.compacted = true;
  }
  for (const auto& writer : writers_) summary_.items += writer->DocCount();
  writers_.clear();  // releases the locks before the read below
  locks_.clear();

  Status counted = internal::Guard("counting items", [&]() -> Status {
    Xapian::Database db(options_.db_path);
    if (builder_) summary_.items = db.get_doccount();  // the writers above held only metadata
    summary_.answers = db.get_termfreq(internal::FilterTerm("kind", "answer"));
    for (SourceSummary& s : summary_.sources) s.items = db.get_termfreq(internal::FilterTerm("source", s.name));
    return Status::Ok();
  });
  if (!counted.ok()) return counted;
  summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Progress(IndexProgress::Phase::kDone);
  return std::move(summary_);
}

}  // namespace internal

const char* FileActionName(FileAction action) {
  switch (action) {
    case FileAction::kAdded: return "added";
    case FileAction::kUpdated: return "updated";
    case FileAction::kMoved: return "moved";
    case FileAction::kRemoved: return "removed";
    case FileAction::kUnchanged: return "unchanged";
    case FileAction::kSkipped: return "skipped";
  }
  return "unknown";
}

Result<IndexSummary> BuildIndex(const std::vector<Source>& sources, const IndexerOptions& options) {
  return internal::Guard("building " + options.db_path, [&]() -> Result<IndexSummary> {
    return internal::Run(sources, options, /*rebuild=*/true).Execute();
  });
}

Result<IndexSummary> UpdateIndex(const std::vector<Source>& sources, const IndexerOptions& options) {
  return internal::Guard("updating " + options.db_path, [&]() -> Result<IndexSummary> {
    // An index an older kb wrote cannot be updated in place; the sources given are the whole index (an update
    // removes the sources not given), so rebuilding from them gives what the update was asked for.
    Result<std::string> older = internal::OlderSchema(options.db_path);
    if (!older.ok()) return older.status();
    Result<IndexSummary> summary = internal::Run(sources, options, /*rebuild=*/!older->empty()).Execute();
    if (summary.ok()) summary->rebuilt_from_schema = *older;
    return summary;
  });
}

}  // namespace kb
