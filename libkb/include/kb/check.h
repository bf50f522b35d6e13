// kb::Check: validates the files of one or more sources without touching any index (the CI mode of
// kb-index).
//
// Usage:
//   auto report = kb::Check({*kb::LoadSource("content")});
//   for (const kb::CheckFinding& f : report->findings) { ... f.diagnostic.path, .line, .message, f.rule ... }
//
// Rules (CheckFinding::rule), all errors unless noted:
//   front-matter     the file cannot be parsed: YAML syntax, unclosed front matter, bad field values,
//                    binary or non-UTF-8 content, oversize file
//   missing-field    a field in the source config's `required` list is absent (and has no config default)
//   unknown-field    a front matter field kb does not know (severity from the config's `unknown_fields`)
//   unknown-kind     `kind` is not article, answer or incident
//   incident-until   an incident has no `until` (its banner would never end)
//   unknown-tier     `tier` is not L1 or L2
//   duplicate-id     two files have the same id (across all sources); reported on the later one
//   duplicate-code   two articles claim the same error code; reported on the later one
//   broken-link      a relative link to a file that does not exist
//   broken-anchor    a `#anchor` (in the same file or another item) that matches no heading or HTML id
//   placeholder      a malformed {{placeholder}} in a scripted answer
//   future-verified  `verified` is after today
//   stale            (warning) the item is past verified + verify_every
//   empty-body       the body has no text
//   io               the file cannot be read
//   owners           the source's owners.yaml cannot be parsed (kb/owners.h)
//   unknown-owner    `owner` names a team that the source's owners.yaml lacks (only when it has one)
//   owner-contact    a team in owners.yaml has neither `contact` nor `oncall`
//   placeholder-pattern  a scripted answer's `placeholders:` pattern is not a valid regular expression, or
//                    names a placeholder its text does not use
//   curation         curation.yaml: not valid YAML, an unknown key, a rule without queries or without pin/hide,
//                    or an `until` that is not a date-time with a zone
//   curation-id      a curation rule pins or hides an id that no file has
//   curation-expired (warning) a curation rule's `until` has passed (it no longer applies; remove it)
// Positions are 1-based file lines and columns (characters); file-level findings use 1:1.
//
// Thread-safety: reentrant.
#ifndef KB_CHECK_H_
#define KB_CHECK_H_

#include <string>
#include <vector>

#include "kb/item.h"
#include "kb/source.h"
#include "kb/status.h"

namespace kb {

struct CheckOptions {
  // The date staleness and future dates are judged against (YYYY-MM-DD); "" = today (UTC). Curation rules
  // count as expired when they end before its start (00:00 UTC), or before the clock when "".
  std::string today;
};

struct CheckFinding {
  Diagnostic diagnostic;  // path is Source::DisplayPath of the file
  std::string rule;       // one of the rule names above
};

struct CheckReport {
  std::vector<CheckFinding> findings;  // sorted by path, line, column
  std::size_t files = 0;               // files checked
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::vector<SkippedFile> skipped;  // files the scan could not read (also reported as findings)
};

// Checks every selected file of `sources`. Fails only when a source root cannot be read or `today` is
// malformed; problems in files are findings.
Result<CheckReport> Check(const std::vector<Source>& sources, const CheckOptions& options = {});

}  // namespace kb

#endif  // KB_CHECK_H_
