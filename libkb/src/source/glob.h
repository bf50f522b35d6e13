// Glob matching of a source's relative paths (the include/exclude syntax of kb-source.yaml, kb/source.h).
#ifndef KB_SRC_GLOB_H_
#define KB_SRC_GLOB_H_

#include <string_view>

#include "kb/source.h"

namespace kb::internal {

// True if the '/'-separated relative `path` matches `pattern` (the syntax in kb/source.h).
bool GlobMatch(std::string_view pattern, std::string_view path);
// True if the config selects `path`: some include matches and no exclude does.
bool IsSelected(const SourceConfig& config, std::string_view path);

}  // namespace kb::internal

#endif  // KB_SRC_GLOB_H_
