// Items related to an item: the ones it links to and that link to it, then those that share its error codes,
// then its tags, then more-like-this by its most informative words; always in the item's own language.
#ifndef KB_SRC_RELATED_H_
#define KB_SRC_RELATED_H_

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

namespace kb::internal {

// The term an item's own file is known by ("XF" + source + ":" + path without extension, lowercase).
std::string FileTerm(std::string_view source, std::string_view path);
// The term for a Markdown link from `from_path` to `target` ("XL" + …), "" for links that leave the source
// (URLs, mail) or point at something other than a Markdown file.
std::string LinkTerm(std::string_view source, std::string_view from_path, std::string_view target);

// Up to `count` documents related to `did`, best first. REQUIRES: `did` exists in `db`.
std::vector<Xapian::docid> RelatedDocs(const Xapian::Database& db, Xapian::docid did, int count);

}  // namespace kb::internal

#endif  // KB_SRC_RELATED_H_
