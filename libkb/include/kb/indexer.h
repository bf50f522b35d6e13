// kb::BuildIndex / kb::UpdateIndex: bring a kb database in line with a set of sources, and
// kb::ReadIndexStats: what a database holds.
//
// Usage:
//   std::vector<kb::Source> sources = {*kb::LoadSource("content")};
//   kb::IndexerOptions options;
//   options.db_path = "kb.db";
//   auto summary = kb::UpdateIndex(sources, options);   // or BuildIndex
//   if (!summary.ok()) return summary.status();
//
// One run is one atomic commit: the database shows either everything the run did or nothing of it, so a
// crash or SIGKILL at any point leaves the previous revision searchable and the next run simply redoes the
// work. A run holds the database's write lock from start to end; a second concurrent run fails with
// StatusCode::kBusy (or waits, with IndexerOptions::wait_for_lock).
//
// BuildIndex re-reads every file and replaces the whole database, compacted (CompactIndex), so that repeated
// builds do not grow the files: its documents are written on every core into separate parts that the
// compactor merges into a fresh copy, swapped in atomically (the same database one writer would give; with
// IndexerOptions::compact off, one writer replaces the documents in place in one commit). UpdateIndex
// parses only the files whose content hash, path or source config changed since the last run, and does not
// even read a file whose size, modification and change times and inode are those it was indexed with
// (SourceFile::stamp; files changed under two seconds before the scan are always read); it removes items of deleted
// files and of sources not given, and moves renamed files. Both give the same database contents for the same trees (but
// for the stamps, which record when a run saw each file). Ids are unique across sources: when two files claim one id,
// the first (in source order, then path order) is indexed and the other skipped with a reason.
//
// Database metadata written: "sources" (names, one per line), "source:NAME:commit" (git HEAD, if any),
// "source:NAME:root", "source:NAME:fingerprint", "source:NAME:owners" (its owners.yaml, kb/owners.h),
// "synonyms:fingerprint".
//
// Thread-safety: each call is independent; callbacks run on the calling thread.
#ifndef KB_INDEXER_H_
#define KB_INDEXER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kb/source.h"
#include "kb/status.h"

namespace kb {

struct IndexProgress {
  enum class Phase { kScanning, kIndexing, kCommitting, kCompacting, kDone };
  Phase phase = Phase::kScanning;
  std::size_t files_done = 0;   // files read (and parsed if needed) so far
  std::size_t files_total = 0;  // files selected in all sources (known once scanning is done)
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::size_t parsed = 0;  // files parsed so far (update parses only what changed)
};

enum class FileAction { kAdded, kUpdated, kMoved, kRemoved, kUnchanged, kSkipped };
const char* FileActionName(FileAction action);  // "added", "updated", ...

// One thing a run did to one item or file (for --verbose output).
struct FileEvent {
  FileAction action = FileAction::kAdded;
  std::string source;
  std::string path;  // for kRemoved: the path the item had; for kMoved: the new path
  std::string id;
  std::string detail;  // kMoved: the old path; kSkipped: the reason
};

struct IndexerOptions {
  std::string db_path;
  // Number of shards. 1: one database at db_path. N > 1: N databases db_path/shard-0 .. shard-N-1, each
  // item in the shard given by a stable hash of its id (FNV-1a modulo N), and a Xapian stub file
  // db_path/XAPIANDB naming them all, so that readers (kb-server --db db_path, kb-index stats) open db_path
  // as one database; serve a shard alone with xapian-tcpsrv db_path/shard-K. 0: as the database already is
  // (1 when new). A count other than the existing one is InvalidArgument (build into a new path to reshard).
  // Each shard commits atomically, in order: a run killed between two shard commits leaves some shards at the
  // new revision and the rest at the old, never an item twice or lost, and the next run completes it.
  // Default: 0.
  int shards = 0;
  // Wait for another writer's lock instead of failing with kBusy. Default: false.
  bool wait_for_lock = false;
  // Record spelling data for "did you mean". Default: true.
  bool spelling = true;
  // Input limits. A file larger than max_file_bytes is not indexed and is listed in IndexSummary::skipped
  // with its size and the limit; 0 = ParseOptions' default (4 MiB). A run that selects more than max_items
  // files fails with InvalidArgument before it writes anything; 0 = no limit. Default: 0, 1000000.
  std::size_t max_file_bytes = 0;
  std::size_t max_items = 1000000;
  // Called after each file and at phase changes; keep it cheap (the caller throttles its output).
  std::function<void(const IndexProgress&)> progress;
  // Called for every added/updated/moved/removed/skipped item (and unchanged ones, if `report_unchanged`).
  std::function<void(const FileEvent&)> on_file;
  bool report_unchanged = false;
  // Called once the database is open and locked, before any file is read (tools and tests use it to
  // know the run has started).
  std::function<void()> on_locked;
  // BuildIndex only: compact the database after the commit, still under the write lock (see CompactIndex).
  // A rebuild in place leaves the pages of the replaced revision free inside the files, about doubling
  // them; compaction writes the committed revision afresh. Default: true.
  bool compact = true;
};

struct SourceSummary {
  std::string name;
  std::string root;
  std::string commit;
  std::size_t files = 0;  // Markdown files selected
  std::size_t items = 0;  // items of this source in the database after the run
};

struct IndexSummary {
  std::size_t files = 0;   // Markdown files selected in all sources
  std::size_t parsed = 0;  // files parsed (build: all; update: only changed ones)
  std::size_t added = 0, updated = 0, moved = 0, removed = 0, unchanged = 0;
  std::size_t items = 0;             // items in the database after the run
  std::size_t answers = 0;           // of which scripted answers
  std::size_t ignored = 0;           // files not selected (not Markdown, excluded, hidden)
  std::vector<SkippedFile> skipped;  // files that could not be indexed, each with a reason
  std::vector<SourceSummary> sources;
  std::vector<std::string> removed_sources;  // sources in the database but not given: their items went
  std::uint64_t bytes = 0;                   // bytes of the files read
  bool committed = false;                    // false when there was nothing to change (update)
  bool compacted = false;                    // build: the database was compacted after the commit
  std::string rebuilt_from_schema;           // update: the older schema version of the index it rebuilt ("" if none)
  double seconds = 0;
};

// Rebuilds the database at options.db_path from `sources` (creating it if missing), in place and in one
// transaction. Errors (the database is left as it was): NotFound when no file at all could be indexed,
// Busy when another writer holds the database, InvalidArgument for duplicate source names or roots or no
// db_path, IoError/Corruption/Internal from the database.
Result<IndexSummary> BuildIndex(const std::vector<Source>& sources, const IndexerOptions& options);

// Brings the database in line with `sources`, touching only what changed (creating it if missing). A database
// an older kb wrote (an older index schema) is rebuilt from `sources` as BuildIndex does, and the summary says
// so (rebuilt_from_schema). Errors as for BuildIndex, plus InvalidArgument when a newer kb wrote the database
// (upgrade kb). Otherwise never compacts: an update rewrites only the pages it changes.
Result<IndexSummary> UpdateIndex(const std::vector<Source>& sources, const IndexerOptions& options);

struct CompactSummary {
  std::uint64_t bytes_before = 0;  // files of the database directory (all shards)
  std::uint64_t bytes_after = 0;
  double seconds = 0;
};

// Rewrites the database at `db_path` (each shard of a sharded one) compactly, under its write lock: Xapian's
// compactor copies the last commit into a sibling directory, which is swapped in with one atomic rename
// (renameat2 RENAME_EXCHANGE), so a reader opening the path sees the old database or the new one, never a
// half-written one; kb-server notices the new directory and opens it. Searchers already open keep
// answering from the old files until they reopen. Every table (spelling, synonyms, metadata) is kept;
// Xapian's internal document ids are renumbered to start at 1. Errors: NotFound when there is no database at `db_path`,
// Busy when another writer holds it (unless `wait_for_lock`), InvalidArgument for another schema version, IoError from
// the swap.
Result<CompactSummary> CompactIndex(const std::string& db_path, bool wait_for_lock = false);

struct IndexStats {
  std::size_t items = 0;
  std::map<std::string, std::size_t> by_kind, by_owner, by_tier, by_lang, by_source;  // "" = not set
  std::map<std::string, std::size_t> stale_by_owner;  // items past verify_every on `today`
  std::size_t stale = 0;
  std::uint64_t size_bytes = 0;  // files of the database directory
  std::string schema;            // kb:schema metadata
  std::string updated;           // time of the last commit (ISO-8601 UTC)
  struct SourceInfo {
    std::string name, root, commit;
  };
  std::vector<SourceInfo> sources;
};

// Reads statistics from the database at `db_path` (read-only; safe while an indexer runs).
// `today` (YYYY-MM-DD) decides staleness; "" = today.
Result<IndexStats> ReadIndexStats(const std::string& db_path, const std::string& today = "");

}  // namespace kb

#endif  // KB_INDEXER_H_
