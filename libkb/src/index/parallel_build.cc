#include "parallel_build.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include "compact.h"
#include "stored.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

namespace fs = std::filesystem;

// .NAME.build next to the database at `path` (as compaction's .NAME.compact).
std::string PartsDir(const std::string& path) {
  fs::path db(path);
  if (db.filename().empty()) db = db.parent_path();  // "kb.db/"
  std::string name(".");
  name += db.filename().string();
  name += ".build";
  return (db.parent_path() / name).string();
}

// Parts are scratch space until Merge: never synced (a crash discards them), created afresh.
constexpr int kPartFlags = Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC;

}  // namespace

ParallelBuild::ParallelBuild(std::vector<std::string> shard_paths, WriterOptions options, int threads,
                             std::size_t chunk_items)
    : shard_paths_(std::move(shard_paths)),
      options_(std::move(options)),
      threads_count_(static_cast<std::size_t>(std::max(threads, 1))),
      chunk_items_(std::max<std::size_t>(chunk_items, 1)) {
  for (const std::string& path : shard_paths_) shards_.push_back({PartsDir(path), {}, nullptr});
  spelling_.assign(threads_count_, std::vector<SpellingCounts>(shard_paths_.size()));
}

ParallelBuild::~ParallelBuild() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
  }
  Stop();
  std::error_code ec;
  for (const Shard& shard : shards_) fs::remove_all(shard.dir, ec);
}

Status ParallelBuild::Start() {
  for (const Shard& shard : shards_) {
    std::error_code ec;
    fs::remove_all(shard.dir, ec);
    if (ec) return Status::IoError(shard.dir + ": cannot remove a leftover build: " + ec.message());
    fs::create_directories(shard.dir, ec);
    if (ec) return Status::IoError(shard.dir + ": " + ec.message());
  }
  for (std::size_t t = 0; t < threads_count_; ++t) threads_.emplace_back([this, t] { Work(t); });
  return Status::Ok();
}

Status ParallelBuild::Add(std::size_t shard, Item item) {
  Shard& s = shards_[shard];
  if (!s.open) {
    s.open = std::make_unique<Chunk>();
    s.open->shard = shard;
    s.open->path = s.dir + "/part-" + std::to_string(s.parts.size());
    s.open->items.reserve(chunk_items_);
    s.parts.push_back(s.open->path);
  }
  s.open->items.push_back(std::move(item));
  if (s.open->items.size() < chunk_items_) return Status::Ok();
  return Submit(std::move(s.open));
}

Status ParallelBuild::Submit(std::unique_ptr<Chunk> chunk) {
  std::unique_lock<std::mutex> lock(mu_);
  // One chunk waiting besides those being written: the reader stays close ahead, and memory bounded.
  cv_.wait(lock, [this] { return in_flight_ <= threads_count_ || !error_.ok(); });
  if (!error_.ok()) return error_;
  queue_.push_back(std::move(chunk));
  ++in_flight_;
  lock.unlock();
  cv_.notify_all();
  return Status::Ok();
}

void ParallelBuild::Work(std::size_t thread) {
  TextIndexer indexer;  // this thread's, for every chunk it writes (its stemmers remember their stems)
  for (;;) {
    std::unique_ptr<Chunk> chunk;
    bool skip = false;  // after a failure, or when the run was abandoned: nothing will be merged
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;
      chunk = std::move(queue_.front());
      queue_.pop_front();
      skip = cancelled_ || !error_.ok();
    }
    Status s = skip ? Status::Ok() : WriteChunk(*chunk, spelling_[thread][chunk->shard], indexer);
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
      if (s.ok()) written_ += chunk->items.size();
      if (!s.ok() && error_.ok()) error_ = s;
    }
    cv_.notify_all();
  }
}

Status ParallelBuild::WriteChunk(const Chunk& chunk, SpellingCounts& spelling, TextIndexer& indexer) {
  return Guard("writing " + chunk.path, [&]() -> Status {
    Xapian::WritableDatabase db(chunk.path, kPartFlags);
    for (const Item& item : chunk.items) {
      Xapian::Document doc =
          BuildDocument(item, indexer, options_.default_lang, options_.field_weights, options_.code_words);
      if (options_.spelling) CollectSpelling(doc, +1, spelling);
      // Ids are unique (the caller drops duplicates), so each item is a new document: no lookup by its key.
      db.add_document(doc);
    }
    db.commit();
    return Status::Ok();
  });
}

void ParallelBuild::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

Status ParallelBuild::Finish() {
  for (Shard& shard : shards_) {
    if (!shard.open) continue;
    if (Status s = Submit(std::move(shard.open)); !s.ok()) return s;
  }
  Stop();
  if (!error_.ok()) return error_;
  for (std::size_t k = 0; k < shards_.size(); ++k) {
    if (Status s = WriteSpelling(k); !s.ok()) return s;
  }
  return Status::Ok();
}

// The shard's spelling words, counted by every thread, sorted and cut into runs of consecutive words, each
// written into a document-less part of its own, the parts shared out over the threads. Xapian's cost per
// word grows with the words already added (its fragment sets), so sixteen runs of 72,000 words take half the
// CPU time of one, and the runs' fragments hardly overlap. The compactor adds up the frequencies of a word
// found in several parts (none here), so the merged table is the one a single writer would have written.
Status ParallelBuild::WriteSpelling(std::size_t shard) {
  if (!options_.spelling) return Status::Ok();
  std::vector<std::pair<std::string_view, long long>> words;
  for (const std::vector<SpellingCounts>& counts : spelling_) {
    for (const auto& [word, n] : counts[shard]) words.emplace_back(word, n);
  }
  std::sort(words.begin(), words.end());
  std::size_t unique = 0;  // a word counted by two threads: one entry, the counts added
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (unique > 0 && words[unique - 1].first == words[i].first) words[unique - 1].second += words[i].second;
    else words[unique++] = words[i];
  }
  words.resize(unique);
  constexpr std::size_t kMaxRuns = 16, kMinWordsPerRun = 4000;
  const std::size_t runs = std::clamp<std::size_t>(words.size() / kMinWordsPerRun, 1, kMaxRuns);
  std::vector<std::string> paths;
  for (std::size_t r = 0; r < runs; ++r) paths.push_back(shards_[shard].dir + "/spelling-" + std::to_string(r));
  auto write_run = [&](std::size_t r) {
    return Guard("writing spelling data to " + paths[r], [&]() -> Status {
      Xapian::WritableDatabase db(paths[r], kPartFlags);
      for (std::size_t i = words.size() * r / runs; i < words.size() * (r + 1) / runs; ++i) {
        if (words[i].second > 0)
          db.add_spelling(std::string(words[i].first), static_cast<Xapian::termcount>(words[i].second));
      }
      db.commit();
      return Status::Ok();
    });
  };
  std::vector<Status> results(runs);
  std::vector<std::thread> writers;
  for (std::size_t t = 0; t < std::min(threads_count_, runs); ++t) {
    writers.emplace_back([&, t] {
      for (std::size_t r = t; r < runs; r += threads_count_) results[r] = write_run(r);
    });
  }
  for (std::thread& t : writers) t.join();
  for (const Status& s : results) {
    if (!s.ok()) return s;
  }
  for (std::string& path : paths) shards_[shard].parts.push_back(std::move(path));
  return Status::Ok();
}

std::string ParallelBuild::MetaPath(std::size_t shard) const { return shards_[shard].dir + "/meta"; }

Status ParallelBuild::Merge(std::size_t shard) {
  std::vector<std::string> parts = shards_[shard].parts;
  parts.push_back(MetaPath(shard));
  return MergeInPlace(shard_paths_[shard], parts);
}

std::size_t ParallelBuild::written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

}  // namespace kb::internal
