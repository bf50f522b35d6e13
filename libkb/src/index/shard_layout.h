// kb-index's layout of a sharded index on disk: PATH/shard-K databases and the XAPIANDB stub that makes PATH
// open as all of them; and which shard holds an item.
#ifndef KB_SRC_SHARD_LAYOUT_H_
#define KB_SRC_SHARD_LAYOUT_H_

#include <string>
#include <vector>

#include "kb/status.h"

namespace kb::internal {

// Xapian opens a directory holding this file as the databases it lists ("auto PATH" lines, relative to it).
inline constexpr char kStubFile[] = "XAPIANDB";
// A glass database's version file, rewritten on every commit; Xapian writes it last when creating a database.
inline constexpr char kGlassVersionFile[] = "iamglass";
inline constexpr int kMaxShards = 256;

// The shard (0..shards-1) that holds the item with this id: FNV-1a (64-bit) of the id's bytes modulo
// `shards`. Stable across runs, machines and sources, so an item that moves to another source stays put.
int ShardOf(const std::string& id, int shards);
// What is at `path` already: 1 for a plain database, N for kb-index's shard layout, 0 for nothing.
Result<int> ExistingShards(const std::string& path);
// Writes the stub that makes `path` open as its N shards; replaced atomically (rename), never half-written.
Status WriteStub(const std::string& path, int n);
// The database directory of each of `n` shards at `path` (the path itself when n is 1).
std::vector<std::string> DatabasePaths(const std::string& path, int n);

}  // namespace kb::internal

#endif  // KB_SRC_SHARD_LAYOUT_H_
