// Escaping text for HTML (snippets, rendered Markdown headings).
#ifndef KB_SRC_HTML_ESCAPE_H_
#define KB_SRC_HTML_ESCAPE_H_

#include <string>
#include <string_view>

namespace kb::internal {

// Escapes & < > " ' for HTML text and attributes.
std::string HtmlEscape(std::string_view s);

}  // namespace kb::internal

#endif  // KB_SRC_HTML_ESCAPE_H_
