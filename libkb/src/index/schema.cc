#include "schema.h"

#include <charconv>

#include "kb/index_writer.h"

namespace kb::internal {

Status CheckSchema(const std::string& found, const std::string& path) {
  const std::string ours = std::to_string(kSchemaVersion);
  if (found.empty() || found == ours) return Status::Ok();
  int version = 0;
  const auto [end, ec] = std::from_chars(found.data(), found.data() + found.size(), version);
  const bool newer = ec == std::errc() && end == found.data() + found.size() && version > kSchemaVersion;
  const std::string rebuild = "kb-index build SOURCE... --db " + path;
  if (newer) {
    return Status::InvalidArgument(path + " was written by a newer kb (index schema " + found +
                                   "; this kb reads schema " + ours +
                                   "): upgrade kb, or rebuild the index with this version: " + rebuild);
  }
  return Status::InvalidArgument(path + " was written by an older kb (index schema " + found +
                                 "; this kb reads schema " + ours + "): rebuild it with " + rebuild);
}

}  // namespace kb::internal
