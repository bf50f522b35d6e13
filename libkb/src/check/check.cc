// kb::Check: runs the per-file checks over every source, then the rules that need all files at once
// (duplicate ids and error codes, links between items).
#include "kb/check.h"

#include <algorithm>
#include <filesystem>
#include <tuple>
#include <unordered_map>

#include "check_file.h"
#include "civil_date.h"
#include "kb/curation.h"
#include "kb/owners.h"
#include "stored.h"
#include "text.h"
#include "xapian_util.h"

namespace kb {
namespace {

using internal::CheckedFile;

void AddError(const CheckedFile& file, internal::Position at, const char* rule, std::string message,
              std::vector<CheckFinding>* findings) {
  findings->push_back(
      {{Diagnostic::Severity::kError, file.display_path, at.line, at.column, std::move(message)}, rule});
}

std::string Where(const CheckedFile& file, internal::Position at) {
  return file.display_path + ":" + std::to_string(at.line);
}

void CheckDuplicates(const std::vector<CheckedFile>& files, std::vector<CheckFinding>* findings) {
  std::unordered_map<std::string, const CheckedFile*> ids;
  std::unordered_map<std::string, std::pair<const CheckedFile*, internal::Position>> codes;
  for (const CheckedFile& file : files) {
    if (!file.parsed) continue;
    if (auto [it, fresh] = ids.emplace(file.id, &file); !fresh) {
      AddError(file, file.id_at, "duplicate-id",
               "duplicate id '" + file.id + "': already used by " + Where(*it->second, it->second->id_at) +
                   " (ids must be unique across all sources; set another 'id:' or an id_prefix)",
               findings);
    }
    for (const internal::CheckedCode& code : file.codes) {
      if (auto [it, fresh] = codes.emplace(internal::NormalizeCode(code.code), std::pair{&file, code.at});
          !fresh && it->second.first != &file) {
        AddError(file, code.at, "duplicate-code",
                 "error code '" + code.code + "' is already claimed by " + Where(*it->second.first, it->second.second) +
                     " (one article per code; link to that article instead)",
                 findings);
      }
    }
  }
}

bool IsExternal(std::string_view target) {
  if (target.rfind("//", 0) == 0 || target.front() == '/') return true;  // other sites, site-absolute paths
  const std::size_t colon = target.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const auto scheme_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '.' ||
           c == '-';
  };
  const std::string_view scheme = target.substr(0, colon);
  return std::all_of(scheme.begin(), scheme.end(), scheme_char) && target.find('/') > colon;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto hex = [](char c) {
      return c >= '0' && c <= '9'   ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : -1;
    };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string AnchorList(const CheckedFile& file) {
  std::string list;
  int n = 0;
  for (const std::string& a : file.anchors) {
    if (n++ == 8) {
      list += ", ...";
      break;
    }
    list += (list.empty() ? "#" : ", #") + a;
  }
  return list.empty() ? "it has no headings" : "anchors there: " + list;
}

void CheckLinks(const std::vector<CheckedFile>& files, std::vector<CheckFinding>* findings) {
  namespace fs = std::filesystem;
  std::unordered_map<std::string, const CheckedFile*> by_path;
  for (const CheckedFile& file : files) by_path.emplace(file.full_path, &file);
  for (const CheckedFile& file : files) {
    for (const internal::CheckedLink& link : file.links) {
      const std::string_view target = link.target;
      if (target.empty() || IsExternal(target)) continue;
      const std::size_t hash = target.find('#');
      std::string_view path_part = target.substr(0, hash);
      path_part = path_part.substr(0, path_part.find('?'));
      const CheckedFile* dest = &file;
      if (!path_part.empty()) {
        const fs::path resolved =
            (fs::path(file.full_path).parent_path() / PercentDecode(path_part)).lexically_normal();
        auto it = by_path.find(resolved.string());
        if (it == by_path.end()) it = by_path.find(resolved.string() + ".md");  // extension-less links
        if (it == by_path.end()) {
          std::error_code ec;
          if (!fs::exists(resolved, ec)) {
            AddError(file, link.at, "broken-link", "broken link '" + link.target + "': no such file", findings);
          }
          continue;  // an existing file that is not an item: nothing more to check
        }
        dest = it->second;
      }
      if (hash == std::string_view::npos || !dest->parsed) continue;
      const std::string anchor = internal::AsciiLower(PercentDecode(target.substr(hash + 1)));
      if (anchor.empty() || dest->anchors.count(anchor) || dest->html_ids.count(anchor)) continue;
      AddError(file, link.at, "broken-anchor",
               "broken anchor in link '" + link.target +
                   "': " + (dest == &file ? std::string("this file") : "'" + dest->display_path + "'") +
                   " has no heading '#" + anchor + "' (" + AnchorList(*dest) + ")",
               findings);
    }
  }
}

// Every owner named by an item is a team of its source's owners.yaml, and every team there has a contact.
// A source without owners.yaml is not checked: the registry is optional.
void CheckOwners(const std::vector<Source>& sources, const std::vector<CheckedFile>& files,
                 std::vector<CheckFinding>* findings) {
  std::vector<OwnersRegistry> registries(sources.size());
  for (std::size_t s = 0; s < sources.size(); ++s) {
    Result<OwnersRegistry> owners = LoadOwners(sources[s]);
    const std::string display = sources[s].DisplayPath(kOwnersFile);
    if (!owners.ok()) {
      std::string message = owners.status().message();
      int line = 1;
      if (message.rfind(display + ":", 0) == 0) {
        message.erase(0, display.size() + 1);
        const std::size_t colon = message.find(':');
        if (colon != std::string::npos && colon > 0 && message.find_first_not_of("0123456789") == colon) {
          line = std::stoi(message.substr(0, colon));
          message = std::string(internal::Trim(message.substr(colon + 1)));
        }
      }
      findings->push_back({{Diagnostic::Severity::kError, display, line, 1, message}, "owners"});
      continue;
    }
    registries[s] = std::move(*owners);
    for (const auto& [id, team] : registries[s].teams) {
      if (!team.EscalationContact().empty()) continue;
      findings->push_back({{Diagnostic::Severity::kError, display, team.line, 1,
                            "team '" + id +
                                "' has no contact (add 'contact' or 'oncall': where an engineer "
                                "escalates a ticket)"},
                           "owner-contact"});
    }
  }
  for (const CheckedFile& file : files) {
    const OwnersRegistry& owners = registries[file.source_index];
    if (!file.parsed || !owners.present || file.owner.empty() || owners.Find(file.owner)) continue;
    std::string known;
    for (const auto& [id, team] : owners.teams) known += (known.empty() ? "" : ", ") + id;
    AddError(file, file.owner_at, "unknown-owner",
             "owner '" + file.owner + "' is not a team in " + sources[file.source_index].DisplayPath(kOwnersFile) +
                 " (known: " + (known.empty() ? "none" : known) + ")",
             findings);
  }
}

}  // namespace

Result<CheckReport> Check(const std::vector<Source>& sources, const CheckOptions& options) {
  return internal::Guard("checking", [&]() -> Result<CheckReport> {
    const std::string today = options.today.empty() ? Today() : options.today;
    if (!internal::ParseDate(today, nullptr)) {
      return Status::InvalidArgument("today must be a date written YYYY-MM-DD, not '" + today + "'");
    }
    CheckReport report;
    std::vector<CheckedFile> files;
    for (std::size_t s = 0; s < sources.size(); ++s) {
      Result<ScanResult> scan = ScanSource(sources[s]);
      if (!scan.ok()) return scan.status();
      for (const SkippedFile& skipped : scan->skipped) {
        report.findings.push_back(
            {{Diagnostic::Severity::kError, sources[s].DisplayPath(skipped.path), 1, 1, skipped.reason}, "io"});
        report.skipped.push_back(skipped);
      }
      for (const SourceFile& file : scan->files) {
        files.push_back(internal::CheckOneFile(sources[s], s, file, today, &report.findings));
      }
    }
    report.files = files.size();
    CheckDuplicates(files, &report.findings);
    CheckLinks(files, &report.findings);
    CheckOwners(sources, files, &report.findings);
    long days = 0;
    internal::ParseDate(today, &days);
    internal::CheckCuration(sources, files, options.today.empty() ? NowSeconds() : std::int64_t{days} * 86400,
                            &report.findings);
    std::stable_sort(report.findings.begin(), report.findings.end(), [](const CheckFinding& a, const CheckFinding& b) {
      const Diagnostic &x = a.diagnostic, &y = b.diagnostic;
      return std::tie(x.path, x.line, x.column) < std::tie(y.path, y.line, y.column);
    });
    for (const CheckFinding& f : report.findings) {
      (f.diagnostic.severity == Diagnostic::Severity::kError ? report.errors : report.warnings)++;
    }
    return report;
  });
}

}  // namespace kb
