// Fuzzes kb::RenderHtml on arbitrary bytes: the HTML must stay safe (no raw HTML, no script URLs), and for
// a plain UTF-8 body every heading anchor ParseItem computes must be an `id` in the HTML, since links
// to `page#anchor` rely on the two agreeing.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "kb/item.h"

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using kb::fuzz::Require;
  const std::string_view markdown(reinterpret_cast<const char*>(data), size);
  const std::string html = kb::RenderHtml(markdown);
  const std::string lower = Lower(html);
  Require(lower.find("<script") == std::string::npos, "no <script> in rendered HTML");
  for (const char* attr : {"href=\"", "src=\""}) {
    for (std::size_t pos = lower.find(attr); pos != std::string::npos; pos = lower.find(attr, pos + 1)) {
      const std::string_view value = std::string_view(lower).substr(pos + std::string_view(attr).size());
      Require(!kb::fuzz::StartsWith(value, "javascript:") && !kb::fuzz::StartsWith(value, "vbscript:"),
              "no script URLs in links or images");
    }
  }

  // Same body through ParseItem: only when the bytes are the body (no front matter, no BOM).
  if (markdown.empty() || markdown.front() == '-' || kb::fuzz::StartsWith(markdown, "\xEF\xBB\xBF")) return 0;
  kb::Result<kb::Item> item = kb::ParseItem("fuzz.md", markdown);
  if (!item.ok() || item->body != markdown) return 0;
  for (const kb::Section& s : item->sections) {
    if (s.level == 0) continue;
    Require(html.find(" id=\"" + s.anchor + "\">") != std::string::npos,
            "every section anchor of ParseItem is an id in RenderHtml");
  }
  return 0;
}
