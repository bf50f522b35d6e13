// ParseItem and RenderHtml: CommonMark (cmark) bodies to sections, code, links and safe HTML.
#include <cmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "content_hash.h"
#include "front_matter.h"
#include "html_escape.h"
#include "kb/answer.h"
#include "kb/item.h"
#include "text.h"

namespace kb {
namespace {

struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct IterDeleter {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;
using IterPtr = std::unique_ptr<cmark_iter, IterDeleter>;

std::string_view Literal(cmark_node* node) {
  const char* s = cmark_node_get_literal(node);
  return s == nullptr ? std::string_view() : std::string_view(s);
}

// The visible text of a heading with whitespace runs collapsed, as GitHub computes anchors from it.
std::string HeadingText(cmark_node* heading) {
  std::string raw;
  IterPtr iter(cmark_iter_new(heading));
  for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    if (ev != CMARK_EVENT_ENTER) continue;
    const cmark_node_type type = cmark_node_get_type(node);
    if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE) raw += Literal(node);
    if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) raw += ' ';
  }
  std::string text;
  for (char c : internal::Trim(raw)) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!space) {
      text += c;
    } else if (text.back() != ' ') {
      text += ' ';  // Trim() guarantees text is non-empty here
    }
  }
  return text;
}

// Assigns each heading its anchor in document order: "x", then "x-1", "x-2", ... like GitHub. Headings
// without any anchor characters get "section", because "" means the lead section.
class AnchorSet {
 public:
  std::string Assign(std::string_view heading_text) {
    std::string base = MakeAnchor(heading_text);
    if (base.empty()) base = "section";
    if (used_.insert(base).second) return base;
    // Resuming from the last suffix keeps thousands of identical headings linear, not quadratic.
    int& n = next_suffix_[base];
    std::string anchor;
    do {
      anchor = base + "-" + std::to_string(++n);
    } while (!used_.insert(anchor).second);
    return anchor;
  }

 private:
  std::unordered_set<std::string> used_;
  std::unordered_map<std::string, int> next_suffix_;
};

// Ends the current block of text with a newline so that words of adjacent blocks never run together.
void EndBlock(std::string* text) {
  if (!text->empty() && text->back() != '\n') *text += '\n';
}

// Raw HTML blocks contribute their text content, not their tags. A tag separates words ("<td>a</td><td>b"
// must not give "ab").
std::string StripTags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
      if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
    }
    if (!in_tag) out += c;
    if (c == '>') in_tag = false;
  }
  return std::string(internal::Trim(out));
}

// Walks the cmark tree once and fills the item's sections, code blocks and links.
class BodyWalker {
 public:
  BodyWalker(Item* item, const std::string& front_matter_title)
      : item_(item), fm_title_(front_matter_title), line_offset_(item->body_line - 1) {
    item_->sections.push_back({"", 0, "", "", item_->body_line});
  }

  void Walk(cmark_node* document) {
    IterPtr iter(cmark_iter_new(document));
    for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
      cmark_node* node = cmark_iter_get_node(iter.get());
      if (ev == CMARK_EVENT_ENTER) {
        Enter(node);
      } else {
        Exit(node);
      }
    }
    for (Section& section : item_->sections) section.text = std::string(internal::Trim(section.text));
  }

  const std::string& first_h1() const { return first_h1_; }

 private:
  int LineOf(cmark_node* node) const {
    // Inline nodes may lack a position; the nearest positioned ancestor is the best line there is.
    for (cmark_node* n = node; n != nullptr; n = cmark_node_parent(n)) {
      if (cmark_node_get_start_line(n) > 0) return cmark_node_get_start_line(n) + line_offset_;
    }
    return item_->body_line;
  }

  std::string* Text() { return &item_->sections.back().text; }

  void Append(std::string_view s) {
    if (!in_heading_) *Text() += s;
    for (std::size_t link : open_links_) item_->links[link].text += s;
  }

  void Enter(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HEADING: StartHeading(node); break;
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE: Append(Literal(node)); break;
      case CMARK_NODE_SOFTBREAK: Append(" "); break;
      case CMARK_NODE_LINEBREAK: Append("\n"); break;
      case CMARK_NODE_HTML_INLINE:
        // Other inline tags wrap words (<b>, <kbd>); a <br> in a table cell separates them.
        if (internal::AsciiLower(Literal(node).substr(0, 3)) == "<br") Append(" ");
        break;
      case CMARK_NODE_CODE_BLOCK: {
        const std::string_view info = internal::Trim(cmark_node_get_fence_info(node));
        item_->code_blocks.push_back(
            {std::string(info.substr(0, info.find_first_of(" \t"))), std::string(Literal(node)), LineOf(node)});
        EndBlock(Text());
        *Text() += Literal(node);
        EndBlock(Text());
        break;
      }
      case CMARK_NODE_HTML_BLOCK:
        EndBlock(Text());
        *Text() += StripTags(Literal(node));
        EndBlock(Text());
        break;
      case CMARK_NODE_THEMATIC_BREAK: EndBlock(Text()); break;
      case CMARK_NODE_LINK: {
        const char* url = cmark_node_get_url(node);
        item_->links.push_back({url == nullptr ? "" : url, "", LineOf(node)});
        open_links_.push_back(item_->links.size() - 1);
        break;
      }
      default: break;
    }
  }

  void Exit(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HEADING: in_heading_ = false; break;
      case CMARK_NODE_LINK:
        if (!open_links_.empty()) {
          Link& link = item_->links[open_links_.back()];
          link.text = std::string(internal::Trim(link.text));
          open_links_.pop_back();
        }
        break;
      case CMARK_NODE_PARAGRAPH:
      case CMARK_NODE_ITEM:
      case CMARK_NODE_LIST:
      case CMARK_NODE_BLOCK_QUOTE: EndBlock(Text()); break;
      default: break;
    }
  }

  void StartHeading(cmark_node* node) {
    const std::string title = HeadingText(node);
    const int level = cmark_node_get_heading_level(node);
    const std::string anchor = anchors_.Assign(title);  // also for the title heading, as RenderHtml does
    if (level == 1 && first_h1_.empty()) first_h1_ = title;
    // A leading `# Title` repeats the item title; its text stays in the lead section.
    const bool is_title = !seen_heading_ && level == 1 &&
                          (fm_title_.empty() || internal::AsciiLower(title) == internal::AsciiLower(fm_title_));
    seen_heading_ = true;
    in_heading_ = true;
    if (!is_title) item_->sections.push_back({title, level, anchor, "", LineOf(node)});
  }

  Item* item_;
  const std::string fm_title_;
  const int line_offset_;
  AnchorSet anchors_;
  std::string first_h1_;
  bool seen_heading_ = false;
  bool in_heading_ = false;
  std::vector<std::size_t> open_links_;
};

int LineAt(std::string_view bytes, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) line += bytes[i] == '\n';
  return line;
}

// The file name without directories and without its extension.
std::string_view Stem(std::string_view path) {
  const std::size_t slash = path.find_last_of("/\\");
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  const std::size_t dot = path.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? path : path.substr(0, dot);
}

std::string DefaultId(std::string_view path, const ParseOptions& options) {
  if (path.substr(0, 2) == "./") path.remove_prefix(2);
  for (std::string_view ext : {".md", ".markdown"}) {
    if (path.size() > ext.size() && internal::AsciiLower(path.substr(path.size() - ext.size())) == ext) {
      path.remove_suffix(ext.size());
      break;
    }
  }
  std::string id = options.id_prefix;
  for (char c : path) id += c == '\\' ? '/' : c;
  return id;
}

// One report per file is enough to fix it; a hostile file must not produce millions of diagnostics.
constexpr std::size_t kMaxPlaceholderWarnings = 50;

Result<Item> ParseItemUnchecked(std::string_view path, std::string_view bytes, const ParseOptions& options) {
  const std::string where(path);
  if (bytes.size() > options.max_file_bytes) {
    return Status::InvalidArgument(where + ": file is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                                   std::to_string(options.max_file_bytes));
  }
  if (Status s = internal::CheckTextEncoding(path, bytes); !s.ok()) return s;

  Item item;
  item.path = where;
  item.content_hash = internal::ContentHash(bytes);
  internal::FrontMatterSplit split;
  if (Status s = internal::SplitFrontMatter(path, bytes, &split); !s.ok()) return s;
  if (Status s = internal::ParseFrontMatter(path, split, &item); !s.ok()) return s;
  item.body = std::string(split.body);
  item.body_line = split.body_line;

  NodePtr document(cmark_parse_document(item.body.data(), item.body.size(), CMARK_OPT_DEFAULT));
  if (!document) return Status::Internal(where + ": the Markdown parser ran out of memory");
  const std::string fm_title = item.title;
  BodyWalker walker(&item, fm_title);
  walker.Walk(document.get());

  if (item.title.empty()) item.title = walker.first_h1();
  if (item.title.empty()) item.title = std::string(Stem(path));
  item.sections.front().title = item.title;
  if (item.id.empty()) item.id = DefaultId(path, options);
  if (item.lang.empty()) item.lang = options.default_lang;
  if (item.owner.empty()) item.owner = options.default_owner;
  if (item.kind == Kind::kAnswer) {
    item.placeholders = ListPlaceholders(item.body);
    const std::vector<PlaceholderProblem> problems = FindPlaceholderProblems(item.body);
    for (std::size_t i = 0; i < problems.size() && i < kMaxPlaceholderWarnings; ++i) {
      item.warnings.push_back({Diagnostic::Severity::kWarning, where, item.body_line + problems[i].line - 1,
                               problems[i].column, problems[i].message});
    }
    if (problems.size() > kMaxPlaceholderWarnings) {
      item.warnings.push_back(
          {Diagnostic::Severity::kWarning, where, item.body_line, 0,
           std::to_string(problems.size() - kMaxPlaceholderWarnings) + " more placeholder problems not listed"});
    }
  }
  return item;
}

}  // namespace

Status internal::CheckTextEncoding(std::string_view path, std::string_view bytes) {
  const std::string where(path);
  if (const std::size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
    return Status::InvalidArgument(where + ": binary file (NUL byte at offset " + std::to_string(nul) + ")");
  }
  if (std::size_t bad = 0; !internal::IsValidUtf8(bytes, &bad)) {
    return Status::InvalidArgument(where + ":" + std::to_string(LineAt(bytes, bad)) +
                                   ": not valid UTF-8 (byte offset " + std::to_string(bad) + ")");
  }
  return Status::Ok();
}

Result<Item> ParseItem(std::string_view path, std::string_view bytes, const ParseOptions& options) {
  try {
    return ParseItemUnchecked(path, bytes, options);
  } catch (const std::exception& e) {
    return Status::Internal(std::string(path) + ": " + e.what());
  }
}

std::string RenderHtml(std::string_view markdown) {
  try {
    // VALIDATE_UTF8 replaces bad bytes with U+FFFD; valid input parses exactly as in ParseItem.
    NodePtr document(
        cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8));
    if (!document) return "";
    std::vector<std::string> anchors;
    AnchorSet anchor_set;
    IterPtr iter(cmark_iter_new(document.get()));
    for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
      cmark_node* node = cmark_iter_get_node(iter.get());
      if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_HEADING) {
        anchors.push_back(anchor_set.Assign(HeadingText(node)));
      }
    }
    std::unique_ptr<char, decltype(&std::free)> rendered(cmark_render_html(document.get(), CMARK_OPT_DEFAULT),
                                                         &std::free);
    if (!rendered) return "";
    // In safe mode every other `<` is escaped or omitted, so a line starting with `<hN>` is a heading, and
    // headings appear in the HTML in tree order.
    const std::string_view html(rendered.get());
    std::string out;
    out.reserve(html.size() + anchors.size() * 16);
    std::size_t next = 0;
    for (std::size_t pos = 0; pos < html.size();) {
      const bool at_line_start = pos == 0 || html[pos - 1] == '\n';
      if (at_line_start && next < anchors.size() && html.compare(pos, 2, "<h") == 0 && pos + 3 < html.size() &&
          html[pos + 2] >= '1' && html[pos + 2] <= '6' && html[pos + 3] == '>') {
        out.append(html.substr(pos, 3));
        out += " id=\"" + internal::HtmlEscape(anchors[next++]) + "\">";
        pos += 4;
        continue;
      }
      out += html[pos++];
    }
    return out;
  } catch (const std::exception&) {
    return "";  // only allocation failure can land here; an empty page beats a crash
  }
}

}  // namespace kb
