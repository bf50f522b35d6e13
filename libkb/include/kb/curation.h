// kb::Curation: pin and hide rules from a source's `curation.yaml`, applied to search results.
//
// The file sits at a source's root, beside its content and versioned with it:
//   rules:
//     - queries: ["refund failed", "refunds not arriving"]   # one query or a list
//       pin: [incidents/refund-outage, payments/refunds]      # ids, shown first in this order
//       hide: [payments/legacy-refunds]                        # ids never shown for these queries
//       until: 2026-12-05T18:00:00Z   # optional; the rule ends by itself (a date alone: end of that day, UTC)
//       note: "Refund outage, see #inc-4711"                   # shown with the pinned results
// A query matches a rule when its NormalizeQuery key (the knowledge-gap grouping: stems, stopwords and word
// order ignored) equals that of one of the rule's queries, so "refunds failing" matches "refund failed".
// kb-index stores the rules of every source in the database; a Searcher applies them after ranking.
//
// Usage:
//   kb::Curation curation = kb::ParseCuration("content/curation.yaml", yaml_text);
//   for (const kb::Diagnostic& d : curation.problems) { ... d.path, d.line, d.message ... }
//   kb::CurationMatch m = curation.Match("refunds failing", kb::NowSeconds());
//
// Thread-safety: parsing is reentrant; a Curation is a plain value, safe to share for reading.
#ifndef KB_CURATION_H_
#define KB_CURATION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kb/item.h"

namespace kb {

inline constexpr char kCurationFile[] = "curation.yaml";

struct CurationRule {
  std::vector<std::string> queries;  // as written
  std::vector<std::string> keys;     // NormalizeQuery of each query
  std::vector<std::string> pin;      // item ids, in the order they are shown
  std::vector<std::string> hide;     // item ids
  std::string until;                 // as written; "" = no end
  std::int64_t until_seconds = 0;    // Unix time the rule ends at; 0 = no end
  std::string note;
  std::string path;  // the file and 1-based line of the rule, for messages
  int line = 0;

  bool ActiveAt(std::int64_t now_seconds) const { return until_seconds == 0 || now_seconds < until_seconds; }
};

// What the active rules say about one query.
struct CurationMatch {
  struct Pin {
    std::string id;
    std::string note;
  };
  std::vector<Pin> pins;          // in order, each id once
  std::vector<std::string> hide;  // ids to remove (pins win over hides)

  bool empty() const { return pins.empty() && hide.empty(); }
};

struct Curation {
  std::vector<CurationRule> rules;
  // Problems found while parsing, with path and line: errors (rules left out: bad dates, missing queries,
  // unknown keys, YAML syntax) and warnings (expired rules, which are kept and simply never match).
  std::vector<Diagnostic> problems;

  // Merges the rules active at `now_seconds` whose keys include NormalizeQuery(query), in file order.
  CurationMatch Match(std::string_view query, std::int64_t now_seconds) const;
};

// Parses the text of a curation.yaml; `path` is used in problems. Never throws.
Curation ParseCuration(std::string_view path, std::string_view yaml);

// "2026-12-05T18:00:00Z", "2026-12-05T20:00+02:00", or "2026-12-05" (the end of that day, UTC) → Unix time;
// false if malformed, not a real date, or a date-time without a zone (Z or ±HH:MM).
bool ParseDateTime(std::string_view text, std::int64_t* seconds);
// Unix time → "2026-12-05T18:00:00Z".
std::string FormatDateTime(std::int64_t seconds);
// The clock, in Unix seconds.
std::int64_t NowSeconds();

}  // namespace kb

#endif  // KB_CURATION_H_
