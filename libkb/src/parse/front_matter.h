// YAML front matter: finding it at the top of a file and turning its fields into Item metadata.
//
// Thread-safety: pure functions.
#ifndef KB_SRC_FRONT_MATTER_H_
#define KB_SRC_FRONT_MATTER_H_

#include <string_view>

#include "kb/item.h"
#include "kb/status.h"

namespace kb::internal {

// A file cut into front matter and body. Views point into the bytes given to SplitFrontMatter.
struct FrontMatterSplit {
  bool present = false;   // the file opens with a `---` line
  std::string_view yaml;  // the lines between the fences
  int yaml_line = 0;      // file line of the first YAML line
  std::string_view body;  // everything after the closing fence (or the whole file, minus a BOM)
  int body_line = 1;      // file line on which `body` starts
};

// Front matter exists only if the first line (after an optional UTF-8 BOM) is exactly `---`, trailing
// spaces and CR allowed; it ends at the next `---` or `...` line. An unclosed block is an error at line 1.
Status SplitFrontMatter(std::string_view path, std::string_view bytes, FrontMatterSplit* out);

// Parses `split.yaml` and sets the metadata fields of `item` (id, title, kind, tags, ...). Unknown fields
// are ignored; unknown undotted ones also add a warning to item->warnings. Errors name the file line.
Status ParseFrontMatter(std::string_view path, const FrontMatterSplit& split, Item* item);

// Whether a file's bytes are text kb can read: an error naming the file (and the line) for a binary file (a NUL
// byte) or one that is not UTF-8. ParseItem fails with it; `kb-index check` reports it alone. In markdown.cc.
Status CheckTextEncoding(std::string_view path, std::string_view bytes);

}  // namespace kb::internal

#endif  // KB_SRC_FRONT_MATTER_H_
