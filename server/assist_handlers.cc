// POST /api/assist and the escalation contacts shown with results (assist.h).
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "api_json.h"
#include "assist.h"
#include "kb/answer.h"

namespace kb::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTicketTextBytes = 16u << 10;
constexpr int kCandidates = 10;  // hits read to find both the article and the scripted answer

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& v : list) out += (out.empty() ? "" : ", ") + v;
  return out;
}

json ValuesJson(const std::map<std::string, FilledValue>& values) {
  json out = json::object();
  for (const auto& [name, v] : values) out[name] = {{"value", v.value}, {"from", v.from}};
  return out;
}

// The team's escalation note with what the ticket and the article state; the rest stays {{name}}.
json EscalationNote(const Team& team, const SearchHit& article, const TicketSignals& signals, const Ticket& ticket) {
  std::map<std::string, std::string> values = {{"team", team.name},
                                               {"article_title", article.title},
                                               {"tier", TierName(article.tier)},
                                               {"error_codes", Join(signals.error_codes)},
                                               {"identifiers", Join(signals.identifiers)}};
  if (FilledValue sender = FindSenderName(ticket); !sender.value.empty()) values["customer_name"] = sender.value;
  RenderedAnswer note = RenderAnswer(team.escalation_note, values);
  return {{"text", note.text}, {"missing", note.missing}};
}

// The ticket's scripted answer, filled: {id, title, text, values, missing, placeholders}.
Result<json> AnswerJson(ServerState& s, const SearchHit& hit, const Ticket& ticket) {
  Result<StoredItem> item = WithSearcher(s, [&](Searcher& x) { return x.GetItem(hit.id); });
  if (!item.ok()) return item.status();
  const std::string text = AnswerText(item->item);
  FilledAnswer filled = FillAnswer(text, item->item.placeholder_patterns, ticket);
  return json{{"id", hit.id},
              {"title", hit.title},
              {"text", filled.text},
              {"values", ValuesJson(filled.values)},
              {"missing", filled.missing},
              {"placeholders", ListPlaceholders(text)},
              {"template", text}};
}

}  // namespace

std::shared_ptr<const OwnersRegistry> IndexOwners(const Searcher& searcher) {
  static std::mutex mu;
  static std::string cached_raw;
  static std::shared_ptr<const OwnersRegistry> cached = std::make_shared<OwnersRegistry>();
  std::string raw;
  std::vector<std::pair<std::string, std::string>> files;  // source name, its owners.yaml
  const std::string sources = searcher.GetMetadata("sources");
  for (std::size_t b = 0; b < sources.size();) {
    const std::size_t e = std::min(sources.find('\n', b), sources.size());
    if (e > b) {
      std::string name = sources.substr(b, e - b);
      std::string bytes = searcher.GetMetadata("source:" + name + ":owners");
      raw += name + '\0' + bytes + '\0';
      files.emplace_back(std::move(name), std::move(bytes));
    }
    b = e + 1;
  }
  std::lock_guard<std::mutex> lock(mu);
  if (raw == cached_raw) return cached;
  auto merged = std::make_shared<OwnersRegistry>();
  for (const auto& [name, bytes] : files) {
    if (bytes.empty()) continue;
    if (Result<OwnersRegistry> parsed = ParseOwners(name + "/owners.yaml", bytes); parsed.ok()) merged->Merge(*parsed);
  }
  cached_raw = std::move(raw);
  cached = std::move(merged);
  return cached;
}

json EscalationJson(const OwnersRegistry& owners, const std::string& owner, const std::string& tier) {
  json out = {{"owner", owner}, {"team", owner}, {"tier", tier}, {"contact", ""}};
  if (const Team* team = owners.Find(owner)) {
    out["team"] = team->name;
    out["contact"] = team->EscalationContact();
    out["intake"] = team->intake;
    out["oncall"] = team->oncall;
    out["hours"] = team->hours;
  }
  return out;
}

void AddEscalations(ServerState& s, json* results) {
  Result<Searcher*> searcher = s.index.Acquire();
  if (!searcher.ok() || !results->is_array()) return;
  const std::shared_ptr<const OwnersRegistry> owners = IndexOwners(**searcher);
  for (json& r : *results) {
    r["escalation"] = EscalationJson(*owners, r.value("owner", ""), r.value("tier", ""));
  }
}

bool HitEscalations(ServerState& s, const std::vector<SearchHit>& hits, std::vector<std::string>* out) {
  out->clear();
  Result<Searcher*> searcher = s.index.Acquire();
  if (!searcher.ok()) return false;
  std::shared_ptr<const OwnersRegistry> owners = IndexOwners(**searcher);
  // Searches name the same few owners again and again: each worker thread keeps each owner and tier's text
  // until the registry changes (a new one comes with a rebuilt index).
  struct Written {
    std::shared_ptr<const OwnersRegistry> owners;
    std::map<std::pair<std::string, Tier>, std::string> texts;
  };
  thread_local Written written;
  constexpr std::size_t kMaxWritten = 4096;
  if (written.owners != owners || written.texts.size() > kMaxWritten) written = {std::move(owners), {}};
  out->reserve(hits.size());
  for (const SearchHit& h : hits) {
    auto [it, added] = written.texts.try_emplace({h.owner, h.tier});
    if (added) it->second = Dump(EscalationJson(*written.owners, h.owner, TierName(h.tier)));
    out->push_back(it->second);
  }
  return true;
}

Result<json> Assist(ServerState& s, const AssistRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  const Ticket& ticket = request.ticket;
  SearchRequest sr;
  sr.query = ticket.subject.empty() ? ticket.text : ticket.subject + "\n" + ticket.text;
  sr.size = kCandidates;
  sr.language = request.lang;
  Result<TicketMatch> match = WithSearcher(s, [&](Searcher& x) { return MatchTicket(x, sr); });
  if (!match.ok()) return match.status();
  const SearchResponse& found = match->found;
  const SearchHit* article = match->article < 0 ? nullptr : &found.hits[static_cast<std::size_t>(match->article)];
  const SearchHit* answer = match->answer ? &*match->answer : nullptr;

  Result<Searcher*> searcher = s.index.Acquire();
  if (!searcher.ok()) return searcher.status();
  const std::shared_ptr<const OwnersRegistry> owners = IndexOwners(**searcher);
  const TicketSignals signals = ExtractSignals(sr.query);
  json out = {{"language", found.language.empty() ? request.lang : found.language},
              {"signals",
               {{"error_codes", signals.error_codes},
                {"http_statuses", signals.http_statuses},
                {"identifiers", signals.identifiers}}},
              {"article", nullptr},
              {"answer", nullptr},
              {"escalation", nullptr},
              {"results", json::array()}};
  if (article != nullptr) {
    out["article"] = HitJson(*article);
    json escalation = EscalationJson(*owners, article->owner, TierName(article->tier));
    if (const Team* team = owners->Find(article->owner); team && !team->escalation_note.empty()) {
      escalation["note"] = EscalationNote(*team, *article, signals, ticket);
    }
    out["article"]["escalation"] = escalation;
    out["escalation"] = std::move(escalation);
  }
  if (answer != nullptr) {
    Result<json> filled = AnswerJson(s, *answer, ticket);
    if (!filled.ok()) return filled.status();
    out["answer"] = std::move(*filled);
  }
  for (const SearchHit& h : found.hits) {
    if (&h == article || (answer && h.id == answer->id)) continue;
    if (static_cast<int>(out["results"].size()) >= request.results) break;
    json hit = HitJson(h);
    hit["escalation"] = EscalationJson(*owners, h.owner, TierName(h.tier));
    out["results"].push_back(std::move(hit));
  }
  out["took_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return out;
}

void post_assist(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  json body;
  if (!JsonBody(req, res, &body)) return;
  AssistRequest ar;
  Ticket& t = ar.ticket;
  if (!StringField(body, "text", kMaxTicketTextBytes, res, &t.text) ||
      !StringField(body, "subject", 1000, res, &t.subject) || !StringField(body, "from", 512, res, &t.from) ||
      !StringField(body, "lang", 16, res, &ar.lang) || !StringField(body, "agent", 200, res, &t.agent)) {
    return;
  }
  if (t.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return SendError(res, 400, "invalid_argument", "text is required: paste the ticket or message");
  }
  if (ar.lang.empty() && !ReaderLanguage(req, res, &ar.lang)) return;
  if (!ar.lang.empty() && (ar.lang.size() != 2 || !std::islower(static_cast<unsigned char>(ar.lang[0])) ||
                           !std::islower(static_cast<unsigned char>(ar.lang[1])))) {
    return SendError(res, 400, "invalid_argument", "lang must be a 2-letter ISO 639-1 code such as en or tr");
  }
  Result<json> out = Assist(s, ar);
  if (!out.ok()) return SendStatus(s, res, out.status());
  SendJson(res, *out);
}

}  // namespace kb::server
