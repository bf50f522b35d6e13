// The curation half of kb::Check: each source's curation.yaml against the ids of all checked files.
#include <unordered_set>

#include "check_file.h"
#include "kb/curation.h"

namespace kb::internal {

void CheckCuration(const std::vector<Source>& sources, const std::vector<CheckedFile>& files, std::int64_t now_seconds,
                   std::vector<CheckFinding>* findings) {
  std::unordered_set<std::string> ids;
  for (const CheckedFile& file : files) {
    if (file.parsed) ids.insert(file.id);
  }
  for (const Source& source : sources) {
    if (source.curation_path.empty()) continue;
    Curation curation = ParseCuration(source.curation_path, source.curation_text);
    for (Diagnostic& problem : curation.problems) findings->push_back({std::move(problem), "curation"});
    for (const CurationRule& rule : curation.rules) {
      const Diagnostic at{Diagnostic::Severity::kError, rule.path, rule.line, 1, ""};
      for (const auto* list : {&rule.pin, &rule.hide}) {
        for (const std::string& id : *list) {
          if (ids.count(id)) continue;
          Diagnostic d = at;
          d.message = "curation rule " + std::string(list == &rule.pin ? "pins" : "hides") + " unknown id '" + id +
                      "' (no item has it; check the spelling or the source's id_prefix)";
          findings->push_back({std::move(d), "curation-id"});
        }
      }
      if (!rule.ActiveAt(now_seconds)) {
        Diagnostic d = at;
        d.severity = Diagnostic::Severity::kWarning;
        d.message = "curation rule ended at " + FormatDateTime(rule.until_seconds) + " (until: " + rule.until +
                    "); it no longer applies, remove it";
        findings->push_back({std::move(d), "curation-expired"});
      }
    }
  }
}

}  // namespace kb::internal
