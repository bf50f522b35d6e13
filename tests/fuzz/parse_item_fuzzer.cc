// Fuzzes kb::ParseItem (front matter + CommonMark body → Item: sections, anchors, code blocks, links,
// placeholders) and checks what item.h promises for any input: no crash, failures are invalid_argument
// naming the file, and a parsed item is complete and consistent.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "kb/answer.h"
#include "kb/item.h"

namespace {

constexpr std::string_view kPath = "docs/fuzz-input.md";

// Lines as CommonMark and YAML count them: "\n", "\r\n" and a lone "\r" each end one.
int CountLines(std::string_view s) {
  int lines = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    lines += s[i] == '\n' || (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n'));
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using kb::fuzz::Require;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  kb::ParseOptions options;
  options.id_prefix = "fuzz/";
  options.default_owner = "fuzz-team";
  kb::Result<kb::Item> item = kb::ParseItem(kPath, bytes, options);
  if (!item.ok()) {
    Require(item.status().code() == kb::StatusCode::kInvalidArgument, "a bad file fails with invalid_argument");
    Require(kb::fuzz::StartsWith(item.status().message(), std::string(kPath) + ":"),
            "an error message starts with the file path");
    return 0;
  }
  Require(kb::fuzz::IsUtf8(bytes) && bytes.find('\0') == std::string_view::npos,
          "binary and non-UTF-8 files are rejected");
  Require(!item->id.empty() && !item->title.empty() && !item->lang.empty(), "id, title and lang are set");
  Require(!item->owner.empty(), "owner falls back to ParseOptions::default_owner");
  const int lines = CountLines(bytes);
  Require(item->body_line >= 1 && item->body_line <= lines + 1, "body_line is a line of the file");
  Require(!item->sections.empty(), "there is always a lead section");
  Require(item->sections.front().level == 0 && item->sections.front().anchor.empty(),
          "the lead section has level 0 and no anchor");
  Require(item->sections.front().title == item->title, "the lead section is titled like the item");
  std::set<std::string> anchors;
  for (std::size_t i = 1; i < item->sections.size(); ++i) {
    const kb::Section& s = item->sections[i];
    Require(s.level >= 1 && s.level <= 6, "heading levels are 1..6");
    Require(!s.anchor.empty(), "headings have anchors");
    Require(anchors.insert(s.anchor).second, "anchors are unique within an item");
    Require(s.line >= item->body_line && s.line <= lines, "a heading's line is in the body");
  }
  for (const kb::CodeBlock& c : item->code_blocks) {
    Require(c.line >= item->body_line && c.line <= lines, "a code block's line is in the body");
  }
  for (const kb::Link& l : item->links) {
    Require(l.line >= item->body_line && l.line <= lines, "a link's line is in the body");
  }
  for (const kb::Diagnostic& d : item->warnings) {
    Require(d.line >= 1 && d.line <= lines, "a warning points at a line of the file");
  }
  if (item->kind == kb::Kind::kAnswer) {
    Require(item->placeholders == kb::ListPlaceholders(item->body), "answers list their placeholders");
  }
  (void)item->StaleAfter();
  (void)item->IsStaleOn("2026-06-01");
  return 0;
}
