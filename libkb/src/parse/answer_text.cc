// kb::AnswerText (kb/answer.h): the customer-facing section of a scripted answer, found through the item's
// parsed sections (Section::line) in its Markdown body.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "kb/answer.h"
#include "text.h"

namespace kb {
namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

bool Blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// A setext underline (=== or ---) that belongs to the heading line above it.
bool Underline(std::string_view line) {
  const std::size_t b = line.find_first_not_of(' ');
  if (b == std::string_view::npos || (line[b] != '=' && line[b] != '-')) return false;
  const std::size_t e = line.find_last_not_of(" \r");
  return line.substr(b, e - b + 1).find_first_not_of(line[b]) == std::string_view::npos;
}

// Lines [begin, end) without the blank lines at either end, joined by '\n'.
std::string Join(const std::vector<std::string_view>& lines, std::size_t begin, std::size_t end) {
  while (begin < end && Blank(lines[begin])) ++begin;
  while (end > begin && Blank(lines[end - 1])) --end;
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    out.append(lines[i]);
    if (i + 1 < end) out += '\n';
  }
  return out;
}

// The heading of the part to send: "Answer", or in a Turkish answer "Yanıt" (typed "Yanit") or "Cevap".
bool IsAnswerHeading(const std::string& title) {
  const std::string lower = internal::AsciiLower(title);
  return lower == "answer" || lower == "yanıt" || lower == "yanit" || lower == "cevap";
}

}  // namespace

std::string AnswerText(const Item& item) {
  const std::vector<std::string_view> lines = Lines(item.body);
  const auto index_of = [&](const Section& s) {
    const long i = static_cast<long>(s.line) - item.body_line;
    return static_cast<std::size_t>(std::clamp<long>(i, 0, static_cast<long>(lines.size())));
  };
  for (std::size_t k = 0; k < item.sections.size(); ++k) {
    const Section& s = item.sections[k];
    if (s.level == 0 || !IsAnswerHeading(s.title)) continue;
    std::size_t begin = std::min(index_of(s) + 1, lines.size());
    if (begin < lines.size() && Underline(lines[begin])) ++begin;
    std::size_t end = lines.size();
    for (std::size_t n = k + 1; n < item.sections.size(); ++n) {
      if (item.sections[n].level > 0 && item.sections[n].level <= s.level) {
        end = std::max(begin, index_of(item.sections[n]));
        break;
      }
    }
    return Join(lines, begin, end);
  }
  std::size_t begin = 0;
  while (begin < lines.size() && Blank(lines[begin])) ++begin;
  if (begin < lines.size() && lines[begin].rfind("# ", 0) == 0) ++begin;
  return Join(lines, begin, lines.size());
}

}  // namespace kb
