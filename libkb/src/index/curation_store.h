// How the curation files of a database's sources are kept in its metadata: the indexer stores each file's
// display path and text, and a Searcher parses them whenever it (re)opens, so that rules reach a running
// server with the normal live reload and the server never reads content files.
#ifndef KB_SRC_CURATION_STORE_H_
#define KB_SRC_CURATION_STORE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kb/curation.h"

namespace kb::internal {

inline constexpr char kMetaCuration[] = "curation:files";

// (display path, file text) of each source that has a curation.yaml → one metadata value.
std::string EncodeCurationFiles(const std::vector<std::pair<std::string, std::string>>& files);
// The rules of every stored file, in order; a malformed value yields no rules, never a crash.
Curation DecodeCuration(std::string_view value);

}  // namespace kb::internal

#endif  // KB_SRC_CURATION_STORE_H_
