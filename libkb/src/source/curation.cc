// ParseCuration and Curation::Match: the rules of a curation.yaml and the pins and hides one query gets.
#include "kb/curation.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "civil_date.h"
#include "curation_store.h"
#include "kb/usage_log.h"
#include "text.h"

namespace kb {
namespace {

// Reads one rule's fields; each problem becomes an error on the field's line and leaves the rule out.
class RuleReader {
 public:
  RuleReader(std::string_view path, std::vector<Diagnostic>* problems) : path_(path), problems_(problems) {}

  bool Read(const YAML::Node& node, CurationRule* rule) {
    rule->path = path_;
    rule->line = LineOf(node);
    if (!node.IsMap()) return Fail(node, "each rule must be a map with queries and pin or hide");
    bool ok = true;
    for (const auto& entry : node) {
      const std::string key = entry.first.IsScalar() ? internal::AsciiLower(entry.first.Scalar()) : "";
      const YAML::Node& value = entry.second;
      if (key == "queries" || key == "query") {
        ok = List(key, value, &rule->queries) && ok;
      } else if (key == "pin") {
        ok = List(key, value, &rule->pin) && ok;
      } else if (key == "hide") {
        ok = List(key, value, &rule->hide) && ok;
      } else if (key == "note") {
        ok = Scalar(key, value, &rule->note) && ok;
      } else if (key == "until") {
        if (!Scalar(key, value, &rule->until)) {
          ok = false;
        } else if (!ParseDateTime(rule->until, &rule->until_seconds)) {
          ok = Fail(value,
                    "until must be a date-time such as 2026-12-05T18:00:00Z (or +02:00), or a date "
                    "YYYY-MM-DD, not '" +
                        rule->until + "'");
        }
      } else {
        ok = Fail(entry.first, "unknown key '" + (entry.first.IsScalar() ? entry.first.Scalar() : "?") +
                                   "' in a rule (known: queries pin hide until note)");
      }
    }
    if (!ok) return false;
    if (rule->queries.empty()) return Fail(node, "a rule needs 'queries': the queries it applies to");
    if (rule->pin.empty() && rule->hide.empty()) return Fail(node, "a rule needs 'pin' or 'hide' (item ids)");
    for (const std::string& q : rule->queries) {
      std::string key = NormalizeQuery(q);
      if (key.empty()) return Fail(node, "query '" + q + "' has no words to match");
      rule->keys.push_back(std::move(key));
    }
    return true;
  }

  int LineOf(const YAML::Node& node) const { return node.Mark().is_null() ? 1 : node.Mark().line + 1; }

  bool Fail(const YAML::Node& node, std::string message) {
    const YAML::Mark mark = node.Mark();
    problems_->push_back({Diagnostic::Severity::kError, std::string(path_), LineOf(node),
                          mark.is_null() ? 1 : mark.column + 1, std::move(message)});
    return false;
  }

 private:
  bool Scalar(const std::string& key, const YAML::Node& node, std::string* out) {
    if (!node.IsScalar()) return Fail(node, "'" + key + "' must be a single value");
    *out = std::string(internal::Trim(node.Scalar()));
    return true;
  }
  bool List(const std::string& key, const YAML::Node& node, std::vector<std::string>* out) {
    if (node.IsScalar()) {
      if (!internal::Trim(node.Scalar()).empty()) out->emplace_back(internal::Trim(node.Scalar()));
      return true;
    }
    if (!node.IsSequence()) return Fail(node, "'" + key + "' must be a list of values or one value");
    for (const YAML::Node& element : node) {
      if (!element.IsScalar()) return Fail(element, "each entry of '" + key + "' must be a single value");
      const std::string value(internal::Trim(element.Scalar()));
      if (!value.empty() && std::find(out->begin(), out->end(), value) == out->end()) out->push_back(value);
    }
    return true;
  }

  std::string_view path_;
  std::vector<Diagnostic>* problems_;
};

bool Digits(std::string_view s, std::size_t from, std::size_t count, int* out) {
  if (from + count > s.size()) return false;
  int v = 0;
  for (std::size_t i = from; i < from + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool ParseDateTime(std::string_view text, std::int64_t* seconds) {
  text = internal::Trim(text);
  long days = 0;
  if (text.size() < 10 || !internal::ParseDate(text.substr(0, 10), &days)) return false;
  if (text.size() == 10) {
    *seconds = (static_cast<std::int64_t>(days) + 1) * 86400;
    return true;
  }
  int hour = 0, minute = 0, second = 0;
  if ((text[10] != 'T' && text[10] != ' ') || !Digits(text, 11, 2, &hour) || text.size() < 16 || text[13] != ':' ||
      !Digits(text, 14, 2, &minute)) {
    return false;
  }
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!Digits(text, pos + 1, 2, &second)) return false;
    pos += 3;
  }
  if (hour > 23 || minute > 59 || second > 59) return false;
  std::string_view zone = text.substr(pos);
  int offset = 0;
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int zh = 0, zm = 0;
    if (!Digits(zone, 1, 2, &zh) || !Digits(zone, 4, 2, &zm) || zh > 14 || zm > 59) return false;
    offset = (zh * 60 + zm) * 60 * (zone[0] == '-' ? -1 : 1);
  } else {
    return false;  // a time without a zone means something else on every machine
  }
  *seconds = static_cast<std::int64_t>(days) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return true;
}

std::string FormatDateTime(std::int64_t seconds) {
  std::int64_t days = seconds / 86400, rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  char time[16];
  std::snprintf(time, sizeof time, "T%02d:%02d:%02dZ", static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                static_cast<int>(rest % 60));
  return internal::FormatDate(static_cast<long>(days)) + time;
}

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Curation ParseCuration(std::string_view path, std::string_view yaml) {
  Curation out;
  RuleReader reader(path, &out.problems);
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsDefined() || root.IsNull()) return out;
    if (!root.IsMap()) {
      reader.Fail(root, "curation.yaml must be a map with a 'rules:' list");
      return out;
    }
    for (const auto& entry : root) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
      if (key != "rules") {
        reader.Fail(entry.first, "unknown top-level key '" + key + "' (known: rules)");
        continue;
      }
      if (entry.second.IsNull()) continue;
      if (!entry.second.IsSequence()) {
        reader.Fail(entry.second, "'rules' must be a list of rules");
        continue;
      }
      for (const YAML::Node& node : entry.second) {
        CurationRule rule;
        if (reader.Read(node, &rule)) out.rules.push_back(std::move(rule));
      }
    }
  } catch (const YAML::Exception& e) {
    out.problems.push_back({Diagnostic::Severity::kError, std::string(path), e.mark.is_null() ? 1 : e.mark.line + 1,
                            e.mark.is_null() ? 1 : e.mark.column + 1, "not valid YAML: " + e.msg});
  }
  return out;
}

CurationMatch Curation::Match(std::string_view query, std::int64_t now_seconds) const {
  CurationMatch out;
  if (rules.empty()) return out;
  const std::string key = NormalizeQuery(query);
  if (key.empty()) return out;
  for (const CurationRule& rule : rules) {
    if (!rule.ActiveAt(now_seconds) || std::find(rule.keys.begin(), rule.keys.end(), key) == rule.keys.end()) {
      continue;
    }
    for (const std::string& id : rule.pin) {
      const bool seen = std::any_of(out.pins.begin(), out.pins.end(), [&](const auto& p) { return p.id == id; });
      if (!seen) out.pins.push_back({id, rule.note});
    }
    for (const std::string& id : rule.hide) {
      if (std::find(out.hide.begin(), out.hide.end(), id) == out.hide.end()) out.hide.push_back(id);
    }
  }
  return out;
}

}  // namespace kb

namespace kb::internal {

// Each file is "<bytes of path>:<path><bytes of text>:<text>".
std::string EncodeCurationFiles(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  for (const auto& [path, text] : files) {
    out += std::to_string(path.size()) + ":" + path + std::to_string(text.size()) + ":" + text;
  }
  return out;
}

namespace {

bool TakeCounted(std::string_view* in, std::string_view* out) {
  const std::size_t colon = in->find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 10) return false;
  std::size_t n = 0;
  for (char c : in->substr(0, colon)) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n > in->size() - colon - 1) return false;
  *out = in->substr(colon + 1, n);
  in->remove_prefix(colon + 1 + n);
  return true;
}

}  // namespace

Curation DecodeCuration(std::string_view value) {
  Curation all;
  std::string_view path, text;
  while (!value.empty() && TakeCounted(&value, &path) && TakeCounted(&value, &text)) {
    Curation one = ParseCuration(path, text);
    for (CurationRule& rule : one.rules) all.rules.push_back(std::move(rule));
  }
  return all;
}

}  // namespace kb::internal
