#include "handlers.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api_json.h"
#include "assist.h"
#include "kb/answer.h"
#include "kb/searcher.h"
#include "usage.h"

namespace kb::server {

extern const char kOpenApiJson[];  // openapi.json, compiled in (see CMakeLists.txt)

namespace {

using nlohmann::json;

constexpr std::size_t kMaxFilterValues = 50;
constexpr std::size_t kMaxValueBytes = 256;

bool BoolParam(const httplib::Request& req, httplib::Response& res, const char* name, bool* out) {
  *out = false;
  if (!req.has_param(name)) return true;
  const std::string v = req.get_param_value(name);
  if (v == "1" || v == "true") {
    *out = true;
  } else if (!v.empty() && v != "0" && v != "false") {
    SendError(res, 400, "invalid_argument", std::string(name) + " must be true or false");
    return false;
  }
  return true;
}

// The query `q`, or answers 414 when it is longer than allowed.
bool QueryParam(const ServerState& s, const httplib::Request& req, httplib::Response& res, std::string* q) {
  *q = req.get_param_value("q");
  if (q->size() > s.config.searcher.max_query_bytes) {
    SendError(res, 414, "query_too_long",
              "q is " + std::to_string(q->size()) + " bytes; the limit is " +
                  std::to_string(s.config.searcher.max_query_bytes));
    return false;
  }
  return true;
}

}  // namespace

bool IntParam(const httplib::Request& req, httplib::Response& res, const char* name, int fallback, int min, int max,
              int* out) {
  *out = fallback;
  if (!req.has_param(name)) return true;
  const std::string v = req.get_param_value(name);
  int n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || n < min || n > max) {
    SendError(res, 400, "invalid_argument",
              std::string(name) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return false;
  }
  *out = n;
  return true;
}

int HttpStatus(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kBusy:
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
    case StatusCode::kInternal: break;
  }
  return 500;
}

// Answers a libkb error. Details of server-side failures go to the log, not to the client.
void SendStatus(ServerState& s, httplib::Response& res, const Status& status) {
  const int http = HttpStatus(status.code());
  if (http < 500) {
    SendError(res, http, StatusCodeName(status.code()), status.message());
    return;
  }
  s.log.Write({{"level", "error"}, {"msg", status.ToString()}});
  SendError(res, http, StatusCodeName(status.code()),
            http == 503 ? "the index is not available right now; retry shortly"
                        : "internal error; the server log has the details");
}

// Parses a JSON object body, or answers 400.
bool JsonBody(const httplib::Request& req, httplib::Response& res, json* out) {
  *out = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded() || !out->is_object()) {
    SendError(res, 400, "invalid_json", "the request body must be a JSON object");
    return false;
  }
  return true;
}

void SendJson(httplib::Response& res, const json& body, int status) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(Dump(body), "application/json");
}

void SendError(httplib::Response& res, int status, std::string_view code, std::string_view message) {
  SendJson(res, {{"error", {{"code", code}, {"message", message}}}}, status);
}

bool StringField(const json& obj, const char* key, std::size_t limit, httplib::Response& res, std::string* out) {
  out->clear();
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string() || it->get_ref<const std::string&>().size() > limit) {
    SendError(res, 400, "invalid_argument",
              std::string(key) + " must be a string of at most " + std::to_string(limit) + " bytes");
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

// The reader's language: `ui_lang` ("tr", "tr-TR"), else the first language of Accept-Language, else "".
// It decides the query's language only when the query's words do not (libkb: SearchRequest::language).
bool ReaderLanguage(const httplib::Request& req, httplib::Response& res, std::string* lang) {
  auto code = [](std::string_view tag) {
    std::string out;
    for (char c : tag.substr(0, 2)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool ok = out.size() == 2 && std::isalpha(static_cast<unsigned char>(out[0])) &&
                    std::isalpha(static_cast<unsigned char>(out[1])) &&
                    (tag.size() == 2 || tag[2] == '-' || tag[2] == '_');
    return ok ? out : std::string();
  };
  if (req.has_param("ui_lang")) {
    *lang = code(req.get_param_value("ui_lang"));
    if (lang->empty()) {
      SendError(res, 400, "invalid_argument", "ui_lang must be a language code such as en, tr or tr-TR");
      return false;
    }
    return true;
  }
  const std::string accept = req.get_header_value("Accept-Language");
  *lang = code(std::string_view(accept).substr(0, accept.find_first_of(",;")));
  return true;
}

void get_search(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  SearchRequest sr;
  if (!QueryParam(s, req, res, &sr.query)) return;
  if (!ReaderLanguage(req, res, &sr.language)) return;
  if (!IntParam(req, res, "page", 1, 1, 10000, &sr.page)) return;
  if (!IntParam(req, res, "size", 10, 1, kMaxPageSize, &sr.size)) return;
  if (!BoolParam(req, res, "partial", &sr.partial)) return;
  if (!BoolParam(req, res, "explain", &sr.explain)) return;
  if (req.has_param("sort")) {
    const std::optional<SortOrder> sort = ParseSortOrder(req.get_param_value("sort"));
    if (!sort) return SendError(res, 400, "invalid_argument", "sort must be relevance, verified or title");
    sr.sort = *sort;
  }
  // Facet and filter field names are checked by Searcher::Search (kb/searcher.h), which answers 400 for others.
  if (!req.has_param("facets")) sr.facets.assign(std::begin(kFacetFields), std::end(kFacetFields));
  for (std::size_t i = 0; i < req.get_param_value_count("facets"); ++i) {
    std::string list = req.get_param_value("facets", i);
    for (std::size_t b = 0; b <= list.size();) {
      std::size_t e = std::min(list.find(',', b), list.size());
      std::string f = list.substr(b, e - b);
      b = e + 1;
      if (!f.empty()) sr.facets.push_back(f);
    }
  }
  std::size_t values = 0;
  for (const std::string_view name : kFilterFields) {
    if (name == "id") continue;  // not an HTTP filter: /api/items/ID opens one item
    const std::string field(name);
    for (std::size_t i = 0; i < req.get_param_value_count(field); ++i) {
      std::string v = req.get_param_value(field, i);
      if (v.empty()) continue;
      if (v.size() > kMaxValueBytes || ++values > kMaxFilterValues) {
        return SendError(res, 400, "invalid_argument", "too many or too long filter values");
      }
      sr.filters[field].push_back(std::move(v));
    }
  }
  Result<SearchResponse> r = WithSearcher(s, [&](Searcher& x) {
    if (s.usage) s.usage->ApplyPopularity(x);
    return x.Search(sr);
  });
  if (!r.ok()) return SendStatus(s, res, r.status());
  if (s.usage) s.usage->RecordSearch(req, sr, *r, RecordedUser(s, req));
  // Written as text straight away (SearchBody): the same bytes as Dump(SearchJson) with explain and
  // escalations added to each result.
  std::vector<json> explain;
  std::vector<std::string> escalations;
  if (sr.explain) {
    for (const SearchHit& h : r->hits) explain.push_back(ExplainJson(h));
  }
  const bool escalate = HitEscalations(s, r->hits, &escalations);
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_content(SearchBody(*r, sr.explain ? &explain : nullptr, escalate ? &escalations : nullptr),
                  "application/json");
}

void get_suggest(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  std::string q;
  int completions = 0, hits = 0;
  std::string lang;
  if (!QueryParam(s, req, res, &q)) return;
  if (!ReaderLanguage(req, res, &lang)) return;
  if (!IntParam(req, res, "completions", 8, 0, 20, &completions)) return;
  if (!IntParam(req, res, "hits", 5, 0, 20, &hits)) return;
  const auto started = std::chrono::steady_clock::now();
  Result<SuggestResponse> r = WithSearcher(s, [&](Searcher& x) { return x.Suggest(q, completions, hits, lang); });
  if (!r.ok()) return SendStatus(s, res, r.status());
  json out = {{"query", q}, {"completions", json::array()}, {"results", json::array()}};
  for (const Completion& c : r->completions)
    out["completions"].push_back({{"text", c.text}, {"frequency", c.frequency}});
  for (const SearchHit& h : r->hits) out["results"].push_back(HitJson(h));
  out["took_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  SendJson(res, out);
}

void get_item(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (id.size() > kMaxIdBytes) return SendError(res, 404, "not_found", "no item with that id");
  Result<StoredItem> r = WithSearcher(s, [&](Searcher& x) { return x.GetItem(id); });
  if (!r.ok()) return SendStatus(s, res, r.status());
  json out = ItemJson(*r);
  if (Result<Searcher*> x = s.index.Acquire(); x.ok()) {
    out["escalation"] = EscalationJson(*IndexOwners(**x), r->item.owner, TierName(r->item.tier));
  }
  SendJson(res, out);
}

void get_related(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  int count = 0;
  if (!IntParam(req, res, "count", 5, 1, 20, &count)) return;
  if (id.size() > kMaxIdBytes) return SendError(res, 404, "not_found", "no item with that id");
  Result<std::vector<SearchHit>> r = WithSearcher(s, [&](Searcher& x) { return x.Related(id, count); });
  if (!r.ok()) return SendStatus(s, res, r.status());
  json results = json::array();
  for (const SearchHit& h : *r) results.push_back(HitJson(h));
  SendJson(res, {{"id", id}, {"results", std::move(results)}});
}

void post_answer_render(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  json body;
  if (!JsonBody(req, res, &body)) return;
  std::map<std::string, std::string> values;
  if (auto v = body.find("values"); v != body.end() && !v->is_null()) {
    if (!v->is_object() || v->size() > 100) {
      return SendError(res, 400, "invalid_argument", "values must be an object of at most 100 strings");
    }
    for (const auto& [name, value] : v->items()) {
      if (!value.is_string())
        return SendError(res, 400, "invalid_argument", "value of '" + name + "' must be a string");
      values[name] = value.get<std::string>();
    }
  }
  if (id.size() > kMaxIdBytes) return SendError(res, 404, "not_found", "no item with that id");
  Result<StoredItem> r = WithSearcher(s, [&](Searcher& x) { return x.GetItem(id); });
  if (!r.ok()) return SendStatus(s, res, r.status());
  if (r->item.kind != Kind::kAnswer) {
    return SendError(res, 404, "not_found",
                     "'" + id + "' is an " + std::string(KindName(r->item.kind)) + ", not a scripted answer");
  }
  const std::string text = AnswerText(r->item);
  // A misspelt name would otherwise leave its placeholder blank without a word: name what the answer has.
  const std::vector<std::string> names = ListPlaceholders(text);
  for (const auto& [name, value] : values) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    return SendError(res, 400, "invalid_argument",
                     "unknown placeholder '" + name + "'; this answer has: " + (known.empty() ? "none" : known));
  }
  RenderedAnswer rendered = RenderAnswer(text, values);
  SendJson(res, {{"id", id},
                 {"text", rendered.text},
                 {"missing", rendered.missing},
                 {"placeholders", names},
                 {"complete", rendered.complete()}});
}

std::string RecordedUser(const ServerState& s, const httplib::Request& req, const std::string& claimed) {
  if (s.access) {
    if (std::string user = s.access->ProxyUser(req); !user.empty()) return user;
  }
  return claimed.empty() ? UsageTracker::UserOf(req) : claimed;
}

void get_whoami(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const Principal who = s.access ? s.access->Identify(req) : Principal{true, "open", "", "", kAllScopes};
  res.set_header("Cache-Control", "no-store");
  SendJson(res, {{"auth", who.kind},
                 {"label", who.label},
                 {"user", who.user},
                 {"scopes", ScopeNames(who.scopes)},
                 {"limits", {{"query_bytes", s.config.searcher.max_query_bytes}}}});
}

void get_healthz(ServerState&, const httplib::Request&, httplib::Response& res) { SendJson(res, {{"status", "ok"}}); }

void get_readyz(ServerState& s, const httplib::Request&, httplib::Response& res) {
  if (s.draining.load()) return SendError(res, 503, "unavailable", "shutting down");
  Result<Searcher*> searcher = s.index.Acquire();
  if (!searcher.ok()) return SendStatus(s, res, searcher.status());
  SendJson(res, {{"status", "ready"}, {"documents", (*searcher)->DocCount()}, {"age_seconds", s.index.AgeSeconds()}});
}

void get_metrics(ServerState& s, const httplib::Request&, httplib::Response& res) {
  IndexGauges gauges;
  Result<Searcher*> searcher = s.index.Acquire();
  if (searcher.ok()) gauges.documents = static_cast<double>((*searcher)->DocCount());
  gauges.ready = searcher.ok() && !s.draining.load();
  gauges.age_seconds = s.index.AgeSeconds();
  const LiveSearcherCounters counters = s.index.Counters();
  gauges.reloads = counters.reloads;
  gauges.reload_errors = counters.reload_errors;
  res.set_header("Cache-Control", "no-store");
  UsageGauges usage;
  const bool usage_on = s.usage != nullptr && s.usage->log() != nullptr;
  if (usage_on) usage = {s.usage->log()->Counters(), s.usage->log()->Health().ok()};
  res.set_content(s.metrics.Render(gauges, usage_on ? &usage : nullptr), "text/plain; version=0.0.4; charset=utf-8");
}

void get_openapi(ServerState&, const httplib::Request&, httplib::Response& res) {
  res.set_content(kOpenApiJson, "application/json");
}

void get_static(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const WebFile* file = s.web.Find(req.path);
  if (file == nullptr) return SendError(res, 404, "not_found", "no such page");
  res.set_header("Cache-Control", "no-cache");
  res.set_content(file->body, file->content_type.c_str());
}

}  // namespace kb::server
