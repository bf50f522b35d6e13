// The per-file half of kb::Check: everything that can be judged from one file alone, plus what the
// cross-file rules (duplicate ids and codes, links) need to know about it.
#ifndef KB_SRC_CHECK_FILE_H_
#define KB_SRC_CHECK_FILE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "kb/check.h"
#include "kb/source.h"

namespace kb::internal {

struct Position {
  int line = 1;
  int column = 1;
};

struct CheckedLink {
  std::string target;
  Position at;
};

struct CheckedCode {
  std::string code;  // as written
  Position at;
};

// What one file contributes to the cross-file rules; `parsed` is false when it could not be parsed.
struct CheckedFile {
  std::size_t source_index = 0;
  std::string path;          // relative to the source root
  std::string display_path;  // as reported
  std::string full_path;     // real_root/path
  bool parsed = false;
  std::string id;
  Position id_at;  // the `id:` value, or 1:1 when the id comes from the path
  bool is_answer = false;
  std::string owner;  // `owner:` or the source's default
  Position owner_at;  // the `owner:` value, or 1:1 when it comes from kb-source.yaml
  std::vector<CheckedCode> codes;
  std::vector<CheckedLink> links;
  std::set<std::string> anchors;   // heading anchors, lowercase
  std::set<std::string> html_ids;  // id="…" and name="…" attributes in raw HTML
};

// Reads and checks one file, appending its findings. `today` is YYYY-MM-DD.
CheckedFile CheckOneFile(const Source& source, std::size_t source_index, const SourceFile& file,
                         const std::string& today, std::vector<CheckFinding>* findings);

// Checks each source's curation.yaml: syntax and fields (errors), ids no file has (errors), rules whose
// `until` is before `now_seconds` (warnings).
void CheckCuration(const std::vector<Source>& sources, const std::vector<CheckedFile>& files, std::int64_t now_seconds,
                   std::vector<CheckFinding>* findings);

}  // namespace kb::internal

#endif  // KB_SRC_CHECK_FILE_H_
