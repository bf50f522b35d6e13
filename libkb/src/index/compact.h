// Compaction of a kb database in place: Xapian's compactor writes a fresh copy next to the database, and
// the copy is swapped in with one rename, so a reader opening the path finds either the old database or the
// new one, never a half-written directory.
//
// Thread-safety: no shared state; the caller serialises writers through the database's write lock.
#ifndef KB_SRC_COMPACT_H_
#define KB_SRC_COMPACT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "kb/status.h"

namespace kb::internal {

// Rewrites the glass database at `path` compactly (Xapian::Database::compact into the sibling directory
// .NAME.compact, document ids renumbered from 1) and swaps the two directories with renameat2(RENAME_EXCHANGE), then
// removes the old copy. Searchers already open keep reading the old files until they reopen; kb::LiveSearcher
// (kb-server's) sees the new inode and opens the new directory afresh. A leftover .NAME.compact from a run that
// was killed is removed first. On file systems without RENAME_EXCHANGE the swap is two renames, and a reader
// opening the path in between finds nothing (and retries).
// REQUIRES: the caller holds the database's write lock and has committed everything.
Status CompactInPlace(const std::string& path);

// As CompactInPlace, but the fresh copy is the merge of the databases `parts`, in this order (each one's
// documents renumbered to follow those of the one before; spelling frequencies added up; the first part's
// value of a metadata key kept), and what was at `path` is dropped. Empty `parts`: CompactInPlace.
// REQUIRES: as CompactInPlace; nothing writes to the parts.
Status MergeInPlace(const std::string& path, const std::vector<std::string>& parts);

// Bytes of the regular files under `path` (0 if it does not exist).
std::uint64_t DirectorySize(const std::string& path);

}  // namespace kb::internal

#endif  // KB_SRC_COMPACT_H_
