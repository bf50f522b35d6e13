// kb-server route handlers: one function per route, named verb_action, each a thin map from HTTP to libkb.
//
// Handlers parse and validate parameters, call the worker thread's Searcher (through kb::LiveSearcher) and write
// JSON. Errors are {"error":{"code","message"}} with the status from HttpStatus(), the one place a
// kb::StatusCode becomes an HTTP status.
//
// Thread-safety: handlers run concurrently on the server's worker threads; ServerState is shared.
#ifndef KB_SERVER_HANDLERS_H_
#define KB_SERVER_HANDLERS_H_

#include <httplib.h>

#include <atomic>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config.h"
#include "identity.h"
#include "kb/live_searcher.h"
#include "kb/redact.h"
#include "kb/searcher.h"
#include "kb/status.h"
#include "log.h"
#include "metrics.h"
#include "web_files.h"

namespace kb::server {

class UsageTracker;
class InsightsCache;

struct ServerState {
  const Config& config;
  LiveSearcher& index;
  Metrics& metrics;
  const WebFiles& web;
  LogSink& log;         // server messages (stderr)
  LogSink& access_log;  // one line per request
  std::atomic<bool> draining{false};
  UsageTracker* usage = nullptr;       // the usage log and popularity map (usage.h); null in tests that do not need it
  InsightsCache* insights = nullptr;   // /api/insights from memory (insights_cache.h); null = computed per request
  const Access* access = nullptr;      // tokens and proxy identity (identity.h); null = open, as without tokens
  const Redactor* redactor = nullptr;  // masks customer text before it is logged; null = built-in rules
};

// The user recorded in the usage log: the trusted proxy's user when there is one, else `claimed` (a body's
// "user"), else the optional X-KB-User header.
std::string RecordedUser(const ServerState& s, const httplib::Request& req, const std::string& claimed = "");

// Longest item id a request may name (as IndexWriter enforces it).
inline constexpr std::size_t kMaxIdBytes = kMaxItemIdBytes;

// kb::StatusCode → HTTP status.
int HttpStatus(StatusCode code);

void SendJson(httplib::Response& res, const nlohmann::json& body, int status = 200);
void SendError(httplib::Response& res, int status, std::string_view code, std::string_view message);
// Reads the string member `key` of a JSON body into `out` ("" when absent or null); a non-string or one over
// `limit` bytes answers 400 and returns false.
bool StringField(const nlohmann::json& obj, const char* key, std::size_t limit, httplib::Response& res,
                 std::string* out);

// The integer query parameter `name` in [min, max], `fallback` when absent; a bad value answers 400 and
// returns false.
bool IntParam(const httplib::Request& req, httplib::Response& res, const char* name, int fallback, int min, int max,
              int* out);
// The reader's language: `ui_lang`, else the first of Accept-Language, else ""; answers 400 on a bad ui_lang.
bool ReaderLanguage(const httplib::Request& req, httplib::Response& res, std::string* lang);
// Answers a libkb error. Details of server-side failures go to the log, not to the client.
void SendStatus(ServerState& s, httplib::Response& res, const Status& status);
// Parses a JSON object body, or answers 400.
bool JsonBody(const httplib::Request& req, httplib::Response& res, nlohmann::json* out);

// Runs `fn` with this thread's Searcher. A failure other than bad input may come from a revision that was
// replaced under the reader: reopen and try once more before giving up.
template <typename Fn>
auto WithSearcher(ServerState& s, Fn fn) -> decltype(fn(std::declval<Searcher&>())) {
  Result<Searcher*> searcher = s.index.Acquire();
  if (!searcher.ok()) return searcher.status();
  auto out = fn(**searcher);
  const StatusCode code = out.status().code();
  if (out.ok() || code == StatusCode::kNotFound || code == StatusCode::kInvalidArgument) return out;
  s.index.Invalidate();
  searcher = s.index.Acquire();
  if (!searcher.ok()) return out;
  return fn(**searcher);
}

// GET /api/search?q=&page=&size=&sort=&facets=&partial=&tag=&owner=&kind=&tier=&product=&lang=&code=
void get_search(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /api/suggest?q=&completions=&hits=
void get_suggest(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /api/items/{id}
void get_item(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /api/items/{id}/related?count=
void get_related(ServerState& s, const httplib::Request& req, httplib::Response& res);
// POST /api/answers/{id}/render  {"values":{"name":"value"}}
void post_answer_render(ServerState& s, const httplib::Request& req, httplib::Response& res);
// POST /api/feedback and POST /api/events (the older name; one handler):
// {"kind" (or "type"): "open|copy|not_helpful|kb_lacks|no_answer|helpful|wrong", "query", "item" (or "item_id"),
//  "position", "comment", "user", "filters"}: counted, stored in the usage log, reports logged.
void post_feedback(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /api/insights?days=&limit=&format=json|markdown: knowledge gaps from the usage log.
void get_insights(ServerState& s, const httplib::Request& req, httplib::Response& res);
// POST /api/insights/reviewed {"key", "reviewed"}
void post_insights_reviewed(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /api/verification?owner=&within=&limit=&format=json|markdown: per owner, what to verify next.
void get_verification(ServerState& s, const httplib::Request& req, httplib::Response& res);
// POST /api/assist  {"text","subject","from","lang","agent"}: the article, the filled scripted answer and the
// escalation contact for a pasted ticket (assist_handlers.cc).
void post_assist(ServerState& s, const httplib::Request& req, httplib::Response& res);
// POST /slack/commands: the `/kb QUERY` and `/kb assist TEXT` slash command, signed by Slack (slack.cc).
void post_slack_command(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /api/whoami: who the server takes the caller for and which scopes they have (the page hides what the
// reader may not use).
void get_whoami(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /healthz: the process is up.
void get_healthz(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /readyz: the index is open and the server is not shutting down.
void get_readyz(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /metrics: Prometheus text.
void get_metrics(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET /openapi.json
void get_openapi(ServerState& s, const httplib::Request& req, httplib::Response& res);
// GET anything else: the web page's files.
void get_static(ServerState& s, const httplib::Request& req, httplib::Response& res);

}  // namespace kb::server

#endif  // KB_SERVER_HANDLERS_H_
