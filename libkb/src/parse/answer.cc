#include "kb/answer.h"

#include <algorithm>

namespace kb {
namespace {

// One `{{` found in the text, and what follows it.
struct Placeholder {
  enum class Type { kValid, kUnclosed, kEmpty, kInvalidName };
  Type type = Type::kValid;
  std::size_t begin = 0;  // offset of `{{`
  std::size_t end = 0;    // one past `}}` (for kUnclosed: past the name-like text after `{{`)
  std::string_view name;  // trimmed text between the braces
};

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '.'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsValidName(std::string_view name) {
  return !name.empty() && IsNameStart(name[0]) && std::all_of(name.begin(), name.end(), IsNameChar);
}

// Calls visit(const Placeholder&) for every `{{` in order. A placeholder must close on its own line and
// before the next `{{`; otherwise that `{{` is unclosed and scanning resumes right after it.
template <typename Visit>
void ScanPlaceholders(std::string_view text, Visit visit) {
  constexpr auto npos = std::string_view::npos;
  // The next `}}`, `{{` and newline at or after a position only move forward as scanning does, so each is
  // searched for again only once passed: hostile input such as a line of a million `{{` stays linear.
  std::size_t next_close = text.find("}}"), next_open = text.find("{{"), next_eol = text.find('\n');
  auto next = [&](std::size_t* cursor, std::string_view needle, std::size_t from) {
    if (*cursor != npos && *cursor < from) *cursor = text.find(needle, from);
    return *cursor;
  };
  std::size_t i = next_open;
  while (i != npos) {
    const std::size_t inner = i + 2;
    const std::size_t close = next(&next_close, "}}", inner);
    const std::size_t following = next(&next_open, "{{", inner);
    if (close == npos || close > following || close > next(&next_eol, "\n", inner)) {
      std::size_t end = inner;
      while (end < text.size() && IsBlank(text[end])) ++end;
      while (end < text.size() && IsNameChar(text[end]) && end - i < 80) ++end;
      while (end > inner && IsBlank(text[end - 1])) --end;
      visit(Placeholder{Placeholder::Type::kUnclosed, i, end, {}});
      i = following;
      continue;
    }
    std::string_view name = text.substr(inner, close - inner);
    while (!name.empty() && IsBlank(name.front())) name.remove_prefix(1);
    while (!name.empty() && IsBlank(name.back())) name.remove_suffix(1);
    const auto type = name.empty()        ? Placeholder::Type::kEmpty
                      : IsValidName(name) ? Placeholder::Type::kValid
                                          : Placeholder::Type::kInvalidName;
    visit(Placeholder{type, i, close + 2, name});
    i = next(&next_open, "{{", close + 2);
  }
}

// The placeholder as written, shortened so that one bad line cannot flood a report.
std::string Quote(std::string_view text, const Placeholder& p) {
  const std::string_view written = text.substr(p.begin, p.end - p.begin);
  std::string quoted = "'";
  if (written.size() <= 80) {
    quoted.append(written);
  } else {
    std::size_t cut = 77;
    while (cut > 0 && (static_cast<unsigned char>(written[cut]) & 0xC0) == 0x80) --cut;  // whole characters
    quoted.append(written.substr(0, cut));
    quoted += "...";
  }
  quoted += '\'';
  return quoted;
}

}  // namespace

std::vector<std::string> ListPlaceholders(std::string_view text) {
  std::vector<std::string> names;
  ScanPlaceholders(text, [&](const Placeholder& p) {
    if (p.type == Placeholder::Type::kValid && std::find(names.begin(), names.end(), p.name) == names.end()) {
      names.emplace_back(p.name);
    }
  });
  return names;
}

std::vector<PlaceholderProblem> FindPlaceholderProblems(std::string_view text) {
  std::vector<PlaceholderProblem> problems;
  // Placeholders come in text order, so the line/column position only ever moves forward.
  std::size_t pos = 0;
  int line = 1, column = 1;
  ScanPlaceholders(text, [&](const Placeholder& p) {
    if (p.type == Placeholder::Type::kValid) return;
    for (; pos < p.begin; ++pos) {
      if (text[pos] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80) {
        ++column;  // columns count characters, not UTF-8 continuation bytes
      }
    }
    std::string message;
    switch (p.type) {
      case Placeholder::Type::kUnclosed:
        message = "unclosed placeholder " + Quote(text, p) + " (add '}}' on the same line)";
        break;
      case Placeholder::Type::kEmpty: message = "empty placeholder " + Quote(text, p); break;
      case Placeholder::Type::kInvalidName:
        message = "invalid placeholder name " + Quote(text, p) +
                  " (use letters, digits, '_' and '.', starting with a letter or '_')";
        break;
      case Placeholder::Type::kValid: break;
    }
    problems.push_back({line, column, std::move(message)});
  });
  return problems;
}

RenderedAnswer RenderAnswer(std::string_view text, const std::map<std::string, std::string>& values) {
  RenderedAnswer out;
  out.text.reserve(text.size());
  std::size_t copied = 0;
  // One left-to-right pass: inserted values are never scanned again, so a value containing `{{x}}` stays
  // literal text.
  ScanPlaceholders(text, [&](const Placeholder& p) {
    if (p.type != Placeholder::Type::kValid) return;
    const auto it = values.find(std::string(p.name));
    // A value of only blanks is no value: the placeholder stays missing.
    if (it != values.end() && it->second.find_first_not_of(" \t\r\n") != std::string::npos) {
      out.text.append(text.substr(copied, p.begin - copied));
      out.text += it->second;
      copied = p.end;
    } else if (std::find(out.missing.begin(), out.missing.end(), p.name) == out.missing.end()) {
      out.missing.emplace_back(p.name);
    }
  });
  out.text.append(text.substr(copied));
  return out;
}

}  // namespace kb
