#include "compact.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <xapian.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "kb/index_writer.h"
#include "kb/indexer.h"
#include "shard_layout.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

namespace fs = std::filesystem;

Status Errno(const std::string& what) { return Status::IoError(what + ": " + std::strerror(errno)); }

// Makes a rename in `dir` durable.
void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Puts `fresh` at `path` and the old database at `fresh`. One syscall where the file system allows it
// (ext4, xfs, btrfs, tmpfs, overlayfs); otherwise path → aside, fresh → path.
Status Swap(const fs::path& path, const fs::path& fresh) {
  if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0) return Status::Ok();
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP && errno != EXDEV) {
    return Errno("swapping in the compacted " + path.string());
  }
  const fs::path aside = fresh.string() + ".old";
  std::error_code ec;
  fs::remove_all(aside, ec);
  if (::rename(path.c_str(), aside.c_str()) != 0) return Errno("moving " + path.string() + " aside");
  if (::rename(fresh.c_str(), path.c_str()) != 0) {
    const Status failed = Errno("moving the compacted copy to " + path.string());
    (void)::rename(aside.c_str(), path.c_str());
    return failed;
  }
  if (::rename(aside.c_str(), fresh.c_str()) != 0) return Errno("renaming the old copy of " + path.string());
  return Status::Ok();
}

}  // namespace

Status CompactInPlace(const std::string& path) { return MergeInPlace(path, {}); }

Status MergeInPlace(const std::string& path, const std::vector<std::string>& parts) {
  fs::path db = fs::path(path);
  if (db.filename().empty()) db = db.parent_path();  // "kb.db/"
  // Built with append: GCC 12 warns (-Wrestrict, a false positive) on "." + std::string here.
  std::string name(".");
  name += db.filename().string();
  name += ".compact";
  const fs::path fresh = db.parent_path() / name;
  return Guard("compacting " + path, [&]() -> Status {
    std::error_code ec;
    fs::remove_all(fresh, ec);
    if (ec) return Status::IoError(fresh.string() + ": cannot remove a leftover copy: " + ec.message());
    {
      // A reader's snapshot of the last commit; the caller's write lock keeps it the newest one. Or the parts,
      // in order: each one's documents follow the one before's.
      Xapian::Database source;
      if (parts.empty()) source.add_database(Xapian::Database(db.string()));
      for (const std::string& part : parts) source.add_database(Xapian::Database(part));
      // Renumbered: a rebuild replaces every document, so its ids start after the previous build's; the
      // compactor moves them back to start at 1 (gaps inside are kept). With the ids kept instead, each build
      // made them, and the keys that hold them, longer: five builds of 300 items ended one block larger than
      // one build (CompactTest). kb keeps no docid outside a revision (items are found by their Q term). Parts
      // are renumbered to follow each other, so their documents get the ids one writer would have given them.
      source.compact(fresh.string(), Xapian::Compactor::FULL);
    }
    SyncDirectory(fresh);
    if (Status s = Swap(db, fresh); !s.ok()) {
      fs::remove_all(fresh, ec);
      return s;
    }
    SyncDirectory(db.parent_path());
    fs::remove_all(fresh, ec);  // the old copy; open readers keep their files until they reopen
    return Status::Ok();
  });
}

std::uint64_t DirectorySize(const std::string& path) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

}  // namespace kb::internal

namespace kb {

Result<CompactSummary> CompactIndex(const std::string& db_path, bool wait_for_lock) {
  const auto start = std::chrono::steady_clock::now();
  Result<int> shards = internal::ExistingShards(db_path);
  if (!shards.ok()) return shards.status();
  if (*shards == 0)
    return Status::NotFound(db_path + ": no kb database here; build one with kb-index build SOURCE... --db " + db_path);
  const std::vector<std::string> paths = internal::DatabasePaths(db_path, *shards);
  CompactSummary summary;
  summary.bytes_before = internal::DirectorySize(db_path);
  WriterOptions wo;
  wo.create = false;
  wo.wait_for_lock = wait_for_lock;
  std::vector<std::unique_ptr<IndexWriter>> locks;  // held until every shard is swapped, in shard order
  for (const std::string& path : paths) {
    Result<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(path, wo);
    if (!writer.ok()) return writer.status();
    locks.push_back(std::move(writer).value());
  }
  for (const std::string& path : paths) {
    if (Status s = internal::CompactInPlace(path); !s.ok()) return s;
  }
  locks.clear();
  summary.bytes_after = internal::DirectorySize(db_path);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace kb
