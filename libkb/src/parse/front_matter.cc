#include "front_matter.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "civil_date.h"
#include "kb/curation.h"
#include "text.h"

namespace kb::internal {
namespace {

std::string_view TrimRightSpaceCr(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Fields other documentation tools (Microsoft Docs, Jekyll, Hugo) put in front matter; kb ignores them
// without a warning so that importing such a tree does not bury real typos under noise.
bool IsCommonForeignField(const std::string& key) {
  static const std::set<std::string> kFields = {"api_location", "api_name", "api_type",   "appliesto", "audience",
                                                "author",       "authors",  "categories", "date",      "draft",
                                                "editor",       "keywords", "layout",     "manager",   "permalink",
                                                "slug",         "toc",      "topic_type", "uid",       "weight"};
  return kFields.count(key) != 0;
}

// Reads typed fields out of YAML nodes; every error names the file line of the offending node.
class FieldReader {
 public:
  FieldReader(std::string_view path, const FrontMatterSplit& split) : path_(path), split_(split) {}

  int LineOf(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? split_.yaml_line : split_.yaml_line + mark.line;
  }

  // Marks of errors found at the end of the input can point past the closing fence.
  int LineOfError(const YAML::Mark& mark) const {
    const int line = mark.is_null() ? split_.yaml_line : split_.yaml_line + mark.line;
    return std::clamp(line, split_.yaml_line, std::max(split_.yaml_line, split_.body_line - 1));
  }

  Status Error(int line, const std::string& message) const {
    return Status::InvalidArgument(std::string(path_) + ":" + std::to_string(line) + ": " + message);
  }

  // A single value; null and absent give "".
  Status Scalar(const std::string& field, const YAML::Node& node, std::string* out) const {
    out->clear();
    if (!node.IsDefined() || node.IsNull()) return Status::Ok();
    if (!node.IsScalar()) {
      return Error(LineOf(node),
                   "field '" + field + "' must be a single value, not a " + (node.IsSequence() ? "list" : "map"));
    }
    *out = std::string(Trim(node.Scalar()));
    return Status::Ok();
  }

  // A list of values, or one string (split on commas when `split_commas`). Empty entries are dropped.
  Status List(const std::string& field, const YAML::Node& node, bool split_commas,
              std::vector<std::string>* out) const {
    out->clear();
    if (node.IsSequence()) {
      for (const YAML::Node& element : node) {
        std::string value;
        if (!element.IsScalar() && !element.IsNull()) {
          return Error(LineOf(element), "each entry of '" + field + "' must be a single value");
        }
        if (Status s = Scalar(field, element, &value); !s.ok()) return s;
        if (!value.empty()) out->push_back(std::move(value));
      }
    } else if (node.IsMap()) {
      return Error(LineOf(node), "field '" + field + "' must be a list or a string, not a map");
    } else {
      std::string value;
      if (Status s = Scalar(field, node, &value); !s.ok()) return s;
      if (split_commas) {
        *out = Split(value, ',');
      } else if (!value.empty()) {
        out->push_back(std::move(value));
      }
    }
    // Duplicates would only inflate term weights in the index.
    std::vector<std::string> unique;
    for (std::string& v : *out) {
      if (std::find(unique.begin(), unique.end(), v) == unique.end()) unique.push_back(std::move(v));
    }
    *out = std::move(unique);
    return Status::Ok();
  }

  // A map of single values (`{name: value}`); null and absent give an empty map.
  Status Map(const std::string& field, const YAML::Node& node, std::map<std::string, std::string>* out) const {
    out->clear();
    if (!node.IsDefined() || node.IsNull()) return Status::Ok();
    if (!node.IsMap()) return Error(LineOf(node), "field '" + field + "' must be a map of name: value");
    for (const auto& entry : node) {
      if (!entry.first.IsScalar() || !entry.second.IsScalar()) {
        return Error(LineOf(entry.first), "each entry of '" + field + "' must be name: value");
      }
      (*out)[std::string(Trim(entry.first.Scalar()))] = entry.second.Scalar();
    }
    return Status::Ok();
  }

 private:
  std::string_view path_;
  const FrontMatterSplit& split_;
};

// "90d", "12w", "6m" (30 days), "1y" (365 days) or a plain number of days; false if malformed.
bool ParseInterval(std::string_view text, int* days) {
  std::size_t digits = 0;
  long value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    if (digits == 6) return false;  // over 999,999 of any unit is never meant
    value = value * 10 + (text[digits++] - '0');
  }
  if (digits == 0) return false;
  const std::string unit = AsciiLower(Trim(text.substr(digits)));
  long multiplier = 0;
  if (unit.empty() || unit == "d") multiplier = 1;
  if (unit == "w") multiplier = 7;
  if (unit == "m") multiplier = 30;
  if (unit == "y") multiplier = 365;
  if (multiplier == 0 || value * multiplier > 36500) return false;
  *days = static_cast<int>(value * multiplier);
  return true;
}

bool IsLanguageCode(std::string_view s) {
  return s.size() == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
}

bool IsCheckedField(const std::string& key) {
  return key == "kind" || key == "tier" || key == "lang" || key == "verified" || key == "verify_every" ||
         key == "boost" || key == "scope" || key == "started" || key == "until";
}

// Sets a field whose value must be one of a few forms; returns what is wrong with `value`, or "".
std::string SetCheckedField(const std::string& key, const std::string& value, Item* item) {
  if (key == "kind") {
    const std::string kind = AsciiLower(value);
    if (kind != "article" && kind != "answer" && kind != "incident") {
      return "kind must be 'article', 'answer' or 'incident', not '" + value + "'";
    }
    item->kind = kind == "answer" ? Kind::kAnswer : kind == "incident" ? Kind::kIncident : Kind::kArticle;
  } else if (key == "tier") {
    const std::string tier = AsciiUpper(value);
    if (tier != "L1" && tier != "L2") return "tier must be L1 or L2, not '" + value + "'";
    item->tier = tier == "L1" ? Tier::kL1 : Tier::kL2;
  } else if (key == "lang") {
    item->lang = AsciiLower(value);
    if (!IsLanguageCode(item->lang)) {
      return "lang must be a 2-letter ISO 639-1 code such as 'en' or 'tr', not '" + value + "'";
    }
  } else if (key == "verified") {
    item->verified = value;
    if (!ParseDate(value, nullptr)) {
      return "verified must be a real date written YYYY-MM-DD, not '" + value + "'";
    }
  } else if (key == "boost") {
    char* end = nullptr;
    const double boost = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0' || !(boost >= 0.05 && boost <= 20)) {
      return "boost must be a number from 0.05 to 20 (1 = no change), not '" + value + "'";
    }
    item->boost = boost;
  } else if (key == "scope") {
    const std::string scope = AsciiLower(value);
    if (scope != "product" && scope != "process" && scope != "kb") {
      return "scope must be 'product', 'process' (about doing support itself) or 'kb' (about the knowledge base "
             "itself), not '" +
             value + "'";
    }
    item->scope = scope == "product" ? "" : scope;
  } else if (key == "started" || key == "until") {
    (key == "until" ? item->until : item->started) = value;
    std::int64_t seconds = 0;
    if (!ParseDateTime(value, &seconds)) {
      return key +
             " must be a date-time with a zone such as 2026-12-05T18:00:00Z (or +02:00), or a date "
             "YYYY-MM-DD, not '" +
             value + "'";
    }
  } else if (key == "verify_every") {
    if (!ParseInterval(value, &item->verify_every_days)) {
      return "verify_every must be days or a duration such as 90d, 12w, 6m, 1y (at most 100 years), not '" + value +
             "'";
    }
  }
  return "";
}

Status ReadFields(const FieldReader& reader, std::string_view path, const YAML::Node& root, Item* item) {
  std::string description, summary, value;
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) continue;  // complex keys are legal YAML but never kb fields
    const std::string key = AsciiLower(Trim(entry.first.Scalar()));
    const YAML::Node& node = entry.second;
    Status s;
    if (key == "id") {
      s = reader.Scalar(key, node, &item->id);
    } else if (key == "title") {
      s = reader.Scalar(key, node, &item->title);
    } else if (key == "product") {
      s = reader.Scalar(key, node, &item->product);
    } else if (key == "owner") {
      s = reader.Scalar(key, node, &item->owner);
    } else if (key == "description") {
      s = reader.Scalar(key, node, &description);
    } else if (key == "summary") {
      s = reader.Scalar(key, node, &summary);
    } else if (key == "tags") {
      s = reader.List(key, node, /*split_commas=*/true, &item->tags);
    } else if (key == "error_codes") {
      s = reader.List(key, node, /*split_commas=*/true, &item->error_codes);
    } else if (key == "aliases") {
      s = reader.List(key, node, /*split_commas=*/false, &item->aliases);
    } else if (key == "placeholders") {
      s = reader.Map(key, node, &item->placeholder_patterns);
    } else if (IsCheckedField(key)) {
      s = reader.Scalar(key, node, &value);
      if (s.ok() && !value.empty()) {
        if (const std::string problem = SetCheckedField(key, value, item); !problem.empty()) {
          s = reader.Error(reader.LineOf(node), problem);
        }
      }
    } else if (key.find('.') == std::string::npos && !IsCommonForeignField(key)) {
      const YAML::Mark mark = entry.first.Mark();
      item->warnings.push_back({Diagnostic::Severity::kWarning, std::string(path), reader.LineOf(entry.first),
                                mark.is_null() ? 0 : mark.column + 1,
                                "unknown front matter field '" + entry.first.Scalar() + "' (ignored)"});
    }
    if (!s.ok()) return s;
  }
  item->summary = !summary.empty() ? summary : description;
  return Status::Ok();
}

}  // namespace

Status SplitFrontMatter(std::string_view path, std::string_view bytes, FrontMatterSplit* out) {
  std::string_view text = bytes;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  *out = FrontMatterSplit();
  out->body = text;

  const std::size_t first_end = text.find('\n');
  if (TrimRightSpaceCr(text.substr(0, first_end)) != "---") return Status::Ok();
  if (first_end != std::string_view::npos) {
    std::size_t pos = first_end + 1;
    for (int line = 2;; ++line) {
      const std::size_t end = text.find('\n', pos);
      const std::string_view fence =
          TrimRightSpaceCr(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
      if (fence == "---" || fence == "...") {
        out->present = true;
        out->yaml = text.substr(first_end + 1, pos - first_end - 1);
        out->yaml_line = 2;
        out->body = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        out->body_line = line + 1;
        return Status::Ok();
      }
      if (end == std::string_view::npos) break;
      pos = end + 1;
    }
  }
  return Status::InvalidArgument(std::string(path) +
                                 ":1: front matter opened with '---' is never closed; end it with a '---' line");
}

Status ParseFrontMatter(std::string_view path, const FrontMatterSplit& split, Item* item) {
  if (!split.present) return Status::Ok();
  FieldReader reader(path, split);
  try {
    const YAML::Node root = YAML::Load(std::string(split.yaml));
    if (!root.IsDefined() || root.IsNull()) return Status::Ok();
    if (!root.IsMap()) {
      return reader.Error(split.yaml_line, std::string("front matter must be a YAML map of fields "
                                                       "('key: value' lines), not a ") +
                                               (root.IsSequence() ? "list" : "single value"));
    }
    return ReadFields(reader, path, root, item);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp gives this exception a meaningless message ("bad file"); say what it means.
    return reader.Error(reader.LineOfError(e.mark),
                        "front matter is nested too deeply (over " + std::to_string(e.depth()) + " levels)");
  } catch (const YAML::Exception& e) {
    return reader.Error(reader.LineOfError(e.mark), "front matter is not valid YAML: " + e.msg);
  }
}

}  // namespace kb::internal
