// kb::OwnersRegistry: who an item's `owner:` is and how to reach them, from `owners.yaml` at a source root.
//
// Usage:
//   auto owners = kb::LoadOwners(*kb::LoadSource("content"));
//   if (const kb::Team* team = owners->Find("payments-team")) { ... team->contact, team->intake ... }
//
// The file maps each team id (the value items give in `owner:`) to its details; every key is optional but
// a team needs `contact` or `oncall` (kb-index check reports one with neither):
//   payments-team:
//     name: Payments
//     intake: "#payments-support"           # the team's support intake channel
//     oncall: "PagerDuty: payments-primary" # who answers out of hours
//     contact: "@payments-l2 in #payments-support"   # where an engineer escalates a ticket
//     hours: "Mon-Fri 08:00-18:00 CET"
//     escalation_note: "Escalating to {{team}}: {{article_title}} ({{tier}}). Codes: {{error_codes}}"
// kb-index stores each source's file in the index (metadata "source:NAME:owners"), so a server needs no
// access to the source trees.
//
// Thread-safety: plain values and pure functions.
#ifndef KB_OWNERS_H_
#define KB_OWNERS_H_

#include <map>
#include <string>
#include <string_view>

#include "kb/source.h"
#include "kb/status.h"

namespace kb {

inline constexpr char kOwnersFile[] = "owners.yaml";

struct Team {
  std::string id;       // the key, as items name it in `owner:`
  std::string name;     // display name; default: the id
  std::string intake;   // support intake channel
  std::string oncall;   // on-call rota or pager
  std::string contact;  // where to escalate; "" = use `oncall`
  std::string hours;
  std::string escalation_note;  // template with {{placeholders}}
  int line = 0;                 // line of the key in owners.yaml

  // `contact`, else `oncall`, else "".
  const std::string& EscalationContact() const { return contact.empty() ? oncall : contact; }
};

struct OwnersRegistry {
  bool present = false;  // an owners.yaml was found
  std::string path;      // as shown in messages
  std::map<std::string, Team> teams;

  const Team* Find(std::string_view id) const;
  // Adds the teams of `other` that this registry does not have (the first source wins).
  void Merge(const OwnersRegistry& other);
};

// Parses the bytes of an owners.yaml. Errors read "path:line: message".
[[nodiscard]] Result<OwnersRegistry> ParseOwners(std::string_view path, std::string_view bytes);

// Reads `owners.yaml` at the source root; an absent file gives an empty registry (present = false).
[[nodiscard]] Result<OwnersRegistry> LoadOwners(const Source& source);

// The raw owners.yaml of a source ("" when it has none), at most 1 MiB, as the indexer stores it.
[[nodiscard]] Result<std::string> ReadOwnersFile(const Source& source);

}  // namespace kb

#endif  // KB_OWNERS_H_
