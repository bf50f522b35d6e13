#include "schema.h"

#include <charconv>
#include <filesystem>
#include <system_error>

#include "kb/index_writer.h"
#include "shard_layout.h"
#include "term_prefixes.h"
#include "xapian_util.h"

namespace kb::internal {

namespace {

// The version `found` names when it is a number, else -1.
int SchemaNumber(const std::string& found) {
  int version = 0;
  const auto [end, ec] = std::from_chars(found.data(), found.data() + found.size(), version);
  return ec == std::errc() && end == found.data() + found.size() ? version : -1;
}

}  // namespace

Status CheckSchema(const std::string& found, const std::string& path) {
  const std::string ours = std::to_string(kSchemaVersion);
  if (found.empty() || found == ours) return Status::Ok();
  const bool newer = SchemaNumber(found) > kSchemaVersion;
  const std::string rebuild = "kb-index build SOURCE... --db " + path;
  if (newer) {
    return Status::InvalidArgument(path + " was written by a newer kb (index schema " + found +
                                   "; this kb reads schema " + ours +
                                   "): upgrade kb, or rebuild the index with this version: " + rebuild);
  }
  return Status::InvalidArgument(path + " was written by an older kb (index schema " + found +
                                 "; this kb reads schema " + ours + "): rebuild it with " + rebuild);
}

Result<std::string> OlderSchema(const std::string& path) {
  Result<int> shards = ExistingShards(path);
  if (!shards.ok()) return shards.status();
  if (*shards == 0) return std::string();
  const std::string first = DatabasePaths(path, *shards).front();
  // A shard a killed first build left without its version file holds nothing yet; the writer clears it.
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(first) / kGlassVersionFile, ec)) return std::string();
  return Guard("reading " + first, [&]() -> Result<std::string> {
    const std::string found = Xapian::Database(first).get_metadata(std::string(kMetaSchema));
    // As CheckSchema reads it: empty is no schema yet; anything not a number below ours is older.
    return !found.empty() && SchemaNumber(found) < kSchemaVersion ? found : std::string();
  });
}

}  // namespace kb::internal
