// kb::internal: what the files of local Xapian databases say about them without opening them, so that a
// reader can tell cheaply (a few stat calls) whether to reopen.
//
// A glass database rewrites its version file `iamglass` on every commit; a whole new directory (kb-index
// build, compaction) has a new inode. A stub directory holds a XAPIANDB file naming other databases ("auto
// PATH", relative to the stub): kb-index --shards writes one, and xapian-replicate keeps one that switches
// to a new copy ("auto replica_1") when it replaces the database as a whole. kb writes glass databases only.
//
// Thread-safety: pure functions of the file system.
#ifndef KB_SRC_DB_FILES_H_
#define KB_SRC_DB_FILES_H_

#include <string>
#include <vector>

namespace kb::internal {

struct DatabasesFingerprint {
  // Changes when a local directory is replaced or a stub or any database it names changes: open afresh.
  std::string identity;
  // Changes on every commit to a local database, as well as with the identity: move to the new revision.
  std::string version;
};

// The fingerprint of `locations` (local paths; "remote:..." locations count in the identity only).
DatabasesFingerprint FingerprintDatabases(const std::vector<std::string>& locations);

// The newest modification time (seconds since the Unix epoch) of the version files of the local databases in
// `locations`, stubs followed; -1 when there is none.
double NewestCommitTime(const std::vector<std::string>& locations);

}  // namespace kb::internal

#endif  // KB_SRC_DB_FILES_H_
