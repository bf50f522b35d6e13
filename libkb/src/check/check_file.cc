#include "check_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "civil_date.h"
#include "front_matter.h"
#include "kb/answer.h"
#include "kb/assist.h"
#include "kb/item.h"
#include "text.h"

namespace kb::internal {
namespace {

// The file's lines (without line ends) for turning byte offsets and search hits into columns.
class Lines {
 public:
  explicit Lines(std::string_view bytes) {
    while (true) {
      const std::size_t end = bytes.find('\n');
      std::string_view line = bytes.substr(0, end);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.push_back(line);
      if (end == std::string_view::npos) break;
      bytes.remove_prefix(end + 1);
    }
  }
  int count() const { return static_cast<int>(lines_.size()); }
  std::string_view at(int line) const {
    return line >= 1 && line <= count() ? lines_[static_cast<std::size_t>(line - 1)] : std::string_view();
  }
  // 1-based character column of byte `offset` in `line`.
  static int Column(std::string_view line, std::size_t offset) {
    int column = 1;
    for (std::size_t i = 0; i < offset && i < line.size(); ++i) {
      if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }
  // Column of `needle` on `line` at or after byte `from`; `fallback` if absent.
  int Find(int line, std::string_view needle, int fallback, std::size_t from = 0) const {
    const std::string_view text = at(line);
    const std::size_t pos = needle.empty() ? std::string_view::npos : text.find(needle, from);
    return pos == std::string_view::npos ? fallback : Column(text, pos);
  }

 private:
  std::vector<std::string_view> lines_;
};

// Top-level front matter fields with the file position of their values.
struct Fields {
  bool ok = false;
  std::map<std::string, YAML::Node> nodes;  // lowercase key → value
  int yaml_line = 0;

  Position At(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {yaml_line, 1};
    return {yaml_line + mark.line, mark.column + 1};
  }
  const YAML::Node* Get(const std::string& key) const {
    auto it = nodes.find(key);
    return it == nodes.end() ? nullptr : &it->second;
  }
  bool HasValue(const std::string& key) const {
    const YAML::Node* node = Get(key);
    if (node == nullptr || node->IsNull()) return false;
    if (node->IsScalar()) return !Trim(node->Scalar()).empty();
    return node->size() > 0;
  }
};

Fields ReadFields(std::string_view path, std::string_view bytes) {
  Fields fields;
  FrontMatterSplit split;
  if (!SplitFrontMatter(path, bytes, &split).ok()) return fields;
  fields.yaml_line = split.yaml_line;
  if (!split.present) {
    fields.ok = true;
    return fields;
  }
  try {
    const YAML::Node root = YAML::Load(std::string(split.yaml));
    if (root.IsDefined() && !root.IsNull() && !root.IsMap()) return fields;
    if (root.IsMap()) {
      for (const auto& entry : root) {
        if (entry.first.IsScalar()) fields.nodes[AsciiLower(Trim(entry.first.Scalar()))] = entry.second;
      }
    }
    fields.ok = true;
  } catch (const YAML::Exception&) {
    // ParseItem reports the same error with its line.
  }
  return fields;
}

// "path:12: message" → line 12 and "message"; other forms → line 1 and the message after "path: ".
std::pair<int, std::string> SplitStatus(const std::string& path, const Status& status) {
  std::string m = status.message();
  if (m.rfind(path + ":", 0) != 0) return {1, m};
  m.erase(0, path.size() + 1);
  std::size_t digits = 0;
  while (digits < m.size() && m[digits] >= '0' && m[digits] <= '9') ++digits;
  if (digits > 0 && digits < m.size() && m[digits] == ':') {
    return {std::stoi(m.substr(0, digits)), std::string(Trim(m.substr(digits + 1)))};
  }
  return {1, std::string(Trim(m))};
}

// The first '[' or '{' in lines [first, last] that is never closed (quoted text skipped); line 0 if none.
Position UnclosedBracket(const Lines& lines, int first, int last) {
  std::vector<Position> open;
  for (int n = std::max(first, 1); n <= last && n <= lines.count(); ++n) {
    const std::string_view text = lines.at(n);
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || text[i - 1] == ' ')) {
        break;  // a comment
      } else if (c == '[' || c == '{') {
        open.push_back({n, static_cast<int>(i) + 1});  // byte column: the caller indexes the line with it
      } else if ((c == ']' || c == '}') && !open.empty()) {
        open.pop_back();
      }
    }
  }
  return open.empty() ? Position{0, 0} : open.front();
}

// Values of id="…" and name="…" attributes: raw-HTML anchors that links may point at.
std::set<std::string> HtmlIds(std::string_view bytes) {
  std::set<std::string> ids;
  for (std::string_view attr : {" id=\"", " name=\"", " id='", " name='"}) {
    for (std::size_t pos = bytes.find(attr); pos != std::string_view::npos; pos = bytes.find(attr, pos + 1)) {
      const std::size_t start = pos + attr.size();
      const std::size_t end = bytes.find(attr.back(), start);
      if (end != std::string_view::npos && end - start < 200) ids.insert(AsciiLower(bytes.substr(start, end - start)));
    }
  }
  return ids;
}

class FileChecker {
 public:
  FileChecker(const Source& source, CheckedFile* out, std::vector<CheckFinding>* findings)
      : source_(source), out_(out), findings_(findings) {}

  void Add(Diagnostic::Severity severity, Position at, std::string rule, std::string message) {
    findings_->push_back({{severity, out_->display_path, at.line, at.column, std::move(message)}, std::move(rule)});
    if (severity == Diagnostic::Severity::kError) error_lines_.push_back(at.line);
  }
  void Error(Position at, std::string rule, std::string message) {
    Add(Diagnostic::Severity::kError, at, std::move(rule), std::move(message));
  }
  bool HasErrorOnLine(int line) const {
    return std::find(error_lines_.begin(), error_lines_.end(), line) != error_lines_.end();
  }

  void CheckFields(const Fields& fields, const std::string& today) {
    for (const std::string& field : source_.config.required) {
      if (fields.HasValue(field) || (field == "owner" && !source_.config.owner.empty()) || field == "lang") continue;
      Error({1, 1}, "missing-field",
            "missing required field '" + field + "'" +
                (field == "owner" ? " (the team to escalate to; or set a default 'owner' in kb-source.yaml)" : ""));
    }
    if (const YAML::Node* kind = fields.Get("kind"); kind && kind->IsScalar()) {
      const std::string value = AsciiLower(Trim(kind->Scalar()));
      if (!value.empty() && value != "article" && value != "answer" && value != "incident") {
        Error(fields.At(*kind), "unknown-kind",
              "unknown kind '" + kind->Scalar() + "' (use article, answer or incident)");
      }
      if (value == "incident" && !fields.HasValue("until")) {
        Error(fields.At(*kind), "incident-until",
              "an incident needs 'until' (a date-time such as 2026-12-05T18:00:00Z): its banner ends then");
      }
    }
    if (const YAML::Node* tier = fields.Get("tier"); tier && tier->IsScalar()) {
      const std::string value = AsciiUpper(Trim(tier->Scalar()));
      if (!value.empty() && value != "L1" && value != "L2") {
        Error(fields.At(*tier), "unknown-tier", "unknown tier '" + tier->Scalar() + "' (use L1 or L2)");
      }
    }
    long day = 0, now = 0;
    if (const YAML::Node* verified = fields.Get("verified"); verified && verified->IsScalar() &&
                                                             ParseDate(Trim(verified->Scalar()), &day) &&
                                                             ParseDate(today, &now) && day > now) {
      Error(fields.At(*verified), "future-verified",
            "verified date " + verified->Scalar() + " is in the future (today is " + today + ")");
    }
  }

  void CheckItem(const Item& item, const Fields& fields, const Lines& lines, const std::string& today) {
    for (const Diagnostic& w : item.warnings) {
      if (w.message.rfind("unknown front matter field", 0) == 0) {
        if (source_.config.unknown_fields == UnknownFieldPolicy::kIgnore) continue;
        Add(source_.config.unknown_fields == UnknownFieldPolicy::kError ? Diagnostic::Severity::kError
                                                                        : Diagnostic::Severity::kWarning,
            {w.line, std::max(1, w.column)}, "unknown-field",
            w.message.substr(0, w.message.find(" (ignored)")) +
                " (known: id title kind tags product owner "
                "tier lang verified verify_every aliases error_codes summary description placeholders started until)");
      } else if (item.kind != Kind::kAnswer) {
        Add(Diagnostic::Severity::kWarning, {w.line, std::max(1, w.column)}, "front-matter", w.message);
      }
    }
    if (item.kind == Kind::kAnswer) {
      for (const PlaceholderProblem& p : FindPlaceholderProblems(item.body)) {
        Error({item.body_line + p.line - 1, p.column}, "placeholder", p.message);
      }
    }
    CheckPlaceholderPatterns(item, fields);
    if (item.IsStaleOn(today)) {
      const YAML::Node* verified = fields.Get("verified");
      Add(Diagnostic::Severity::kWarning, verified ? fields.At(*verified) : Position{}, "stale",
          "stale since " + item.StaleAfter() + " (verified " + item.verified + ", verify every " +
              std::to_string(item.verify_every_days) + " days); " +
              (item.owner.empty() ? "its owner" : "'" + item.owner + "'") + " should re-verify it");
    }
    const bool empty =
        std::all_of(item.sections.begin(), item.sections.end(), [](const Section& s) { return Trim(s.text).empty(); });
    if (empty) {
      Error({std::clamp(item.body_line, 1, lines.count()), 1}, "empty-body",
            "the body has no text (write the article below the front matter)");
    }
  }

  // Each declared pattern compiles and fills a placeholder the answer's text uses.
  void CheckPlaceholderPatterns(const Item& item, const Fields& fields) {
    const YAML::Node* node = fields.Get("placeholders");
    for (const auto& [name, pattern] : item.placeholder_patterns) {
      Position at = node ? fields.At(*node) : Position{};
      if (node && node->IsMap()) {
        for (const auto& entry : *node) {
          if (entry.first.IsScalar() && Trim(entry.first.Scalar()) == name) at = fields.At(entry.first);
        }
      }
      if (item.kind != Kind::kAnswer) {
        Error(at, "placeholder-pattern", "'placeholders' is only for scripted answers (kind: answer)");
        return;
      }
      if (std::find(item.placeholders.begin(), item.placeholders.end(), name) == item.placeholders.end()) {
        Error(at, "placeholder-pattern", "pattern for '" + name + "', but the text has no {{" + name + "}}");
      } else if (const std::string problem = PatternProblem(pattern); !problem.empty()) {
        Error(at, "placeholder-pattern", "pattern for '" + name + "' " + problem);
      }
    }
  }

  void Collect(const Item& item, const Fields& fields, const Lines& lines, std::string_view bytes) {
    out_->parsed = true;
    out_->id = item.id;
    if (const YAML::Node* id = fields.Get("id"); id && fields.HasValue("id")) out_->id_at = fields.At(*id);
    out_->is_answer = item.kind == Kind::kAnswer;
    out_->owner = item.owner;
    if (const YAML::Node* owner = fields.Get("owner"); owner && fields.HasValue("owner")) {
      out_->owner_at = fields.At(*owner);
    }
    if (const YAML::Node* codes = fields.Get("error_codes"); codes && !out_->is_answer) {
      for (const std::string& code : item.error_codes) {
        Position at = fields.At(*codes);
        if (codes->IsSequence()) {
          for (const YAML::Node& element : *codes) {
            if (element.IsScalar() && Trim(element.Scalar()) == code) at = fields.At(element);
          }
        } else {
          at.column = lines.Find(at.line, code, at.column, 0);
        }
        out_->codes.push_back({code, at});
      }
    }
    for (const Link& link : item.links) {
      int column = lines.Find(link.line, "(" + link.target, 0);
      column = column > 0 ? column + 1 : lines.Find(link.line, link.target, 1);
      out_->links.push_back({link.target, {link.line, column}});
    }
    for (const Section& s : item.sections) {
      if (!s.anchor.empty()) out_->anchors.insert(AsciiLower(s.anchor));
    }
    // A leading `# Title` heading stays in the lead section (anchor ""), but renderers still give it an id.
    if (const std::string title_anchor = MakeAnchor(item.title); !title_anchor.empty()) {
      out_->anchors.insert(AsciiLower(title_anchor));
    }
    out_->html_ids = HtmlIds(bytes);
  }

 private:
  const Source& source_;
  CheckedFile* out_;
  std::vector<CheckFinding>* findings_;
  std::vector<int> error_lines_;
};

}  // namespace

CheckedFile CheckOneFile(const Source& source, std::size_t source_index, const SourceFile& file,
                         const std::string& today, std::vector<CheckFinding>* findings) {
  CheckedFile out;
  out.source_index = source_index;
  out.path = file.path;
  out.display_path = source.DisplayPath(file.path);
  out.full_path = source.real_root + "/" + file.path;
  FileChecker checker(source, &out, findings);
  const ParseOptions options = source.ItemParseOptions();
  Result<std::string> bytes = ReadSourceFile(source, file.path, options.max_file_bytes);
  if (!bytes.ok()) {
    const bool too_big = bytes.status().code() == StatusCode::kInvalidArgument;
    checker.Error({1, 1}, too_big ? "front-matter" : "io", SplitStatus(out.display_path, bytes.status()).second);
    return out;
  }
  if (Status encoding = CheckTextEncoding(file.path, *bytes); !encoding.ok()) {
    // A binary or mis-encoded file is that and nothing else: the fields it "lacks" would hide why.
    const auto [line, message] = SplitStatus(file.path, encoding);
    checker.Error({line, 1}, "encoding", message);
    return out;
  }
  const Lines lines(*bytes);
  const Fields fields = ReadFields(file.path, *bytes);
  if (fields.ok) checker.CheckFields(fields, today);
  Result<Item> item = ParseItem(file.path, *bytes, options);
  if (!item.ok()) {
    auto [line, message] = SplitStatus(file.path, item.status());  // NOLINT: both are adjusted below
    int column = 1;  // the value of the field on that line, when there is one
    for (const auto& [key, node] : fields.nodes) {
      if (fields.At(node).line == line) column = fields.At(node).column;
    }
    if (message.find("flow not found") != std::string::npos) {
      // YAML reports an unclosed [ or { where the input ends; the bracket that opened it is more useful.
      if (const Position open = UnclosedBracket(lines, fields.yaml_line, line); open.line > 0) {
        line = open.line;
        column = open.column;
        message += " (the '" + std::string(1, lines.at(line)[static_cast<std::size_t>(column - 1)]) +
                   "' here is never closed)";
      }
    }
    if (!checker.HasErrorOnLine(line)) checker.Error({line, column}, "front-matter", message);
    return out;
  }
  checker.CheckItem(*item, fields, lines, today);
  checker.Collect(*item, fields, lines, *bytes);
  return out;
}

}  // namespace kb::internal
