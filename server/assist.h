// Ticket assist in kb-server: the owners registry the index carries, escalation contacts in JSON, and the
// one function both POST /api/assist and the Slack command use to answer a ticket.
//
// Thread-safety: all functions may be called from any worker thread; the registry cache is locked.
#ifndef KB_SERVER_ASSIST_H_
#define KB_SERVER_ASSIST_H_

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "handlers.h"
#include "kb/assist.h"
#include "kb/owners.h"
#include "kb/searcher.h"

namespace kb::server {

// The merged owners.yaml of every source in the index (metadata "source:NAME:owners"), parsed once per
// distinct content. A file that does not parse counts as absent (kb-index check reports it).
std::shared_ptr<const OwnersRegistry> IndexOwners(const Searcher& searcher);

// {"owner","team","tier","contact","intake","oncall","hours"}; contact "" when the registry lacks the team.
nlohmann::json EscalationJson(const OwnersRegistry& owners, const std::string& owner, const std::string& tier);

// Adds "escalation" to each result object (with "owner" and "tier") of a /api/search-shaped array.
void AddEscalations(ServerState& s, nlohmann::json* results);
// The same "escalation" for each hit, in order, as JSON text (SearchBody); false (and `out` empty) when the
// index is unavailable.
bool HitEscalations(ServerState& s, const std::vector<SearchHit>& hits, std::vector<std::string>* out);

struct AssistRequest {
  Ticket ticket;
  std::string lang;  // the reader's language (SearchRequest::language), "" = the index default
  int results = 5;   // how many further items to list
};

// Searches with the ticket's text (the same Searcher::Search as /api/search), then fills the best scripted
// answer and finds the article's escalation contact. The /api/assist response body.
Result<nlohmann::json> Assist(ServerState& s, const AssistRequest& request);

}  // namespace kb::server

#endif  // KB_SERVER_ASSIST_H_
