// The usage routes: POST /api/events, GET /api/insights, GET /api/verification.
#include <charconv>
#include <string>

#include "handlers.h"
#include "kb/insights.h"
#include "usage.h"

namespace kb::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCommentBytes = 2000;
constexpr std::size_t kMaxUserBytes = 64;
// How long an event or report request waits for the usage log to catch up.
constexpr int kFlushMs = 1000;

bool LogOn(ServerState& s, httplib::Response& res) {
  if (s.usage != nullptr && s.usage->log() != nullptr) return true;
  SendError(res, 503, "unavailable", "the usage log is off; start kb-server with --usage-log PATH");
  return false;
}

bool IntParam(const httplib::Request& req, httplib::Response& res, const char* name, int fallback, int min, int max,
              int* out) {
  *out = fallback;
  if (!req.has_param(name)) return true;
  const std::string v = req.get_param_value(name);
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || *out < min || *out > max) {
    SendError(res, 400, "invalid_argument",
              std::string(name) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return false;
  }
  return true;
}

bool FormatParam(const httplib::Request& req, httplib::Response& res, std::string* format) {
  *format = req.has_param("format") ? req.get_param_value("format") : "json";
  if (*format == "json" || *format == "markdown") return true;
  SendError(res, 400, "invalid_argument", "format must be json or markdown");
  return false;
}

void SendText(httplib::Response& res, const std::string& body, const std::string& format) {
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, format == "json" ? "application/json" : "text/markdown; charset=utf-8");
}

void SendLibError(ServerState& s, httplib::Response& res, const Status& status) {
  const int http = HttpStatus(status.code());
  if (http >= 500) s.log.Write({{"level", "error"}, {"msg", status.ToString()}});
  SendError(
      res, http, StatusCodeName(status.code()),
      http < 500 ? status.message() : "could not read the usage log or the index; the server log has the details");
}

}  // namespace

void post_events(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  if (!LogOn(s, res)) return;
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return SendError(res, 400, "invalid_json", "the request body must be a JSON object");
  }
  FeedbackEvent event;
  std::string type;
  if (!StringField(body, "type", 32, res, &type) ||
      !StringField(body, "query", s.config.max_query_bytes, res, &event.query) ||
      !StringField(body, "item_id", kMaxIdBytes, res, &event.item_id) ||
      !StringField(body, "comment", kMaxCommentBytes, res, &event.comment) ||
      !StringField(body, "user", kMaxUserBytes, res, &event.user)) {
    return;
  }
  if (!ParseFeedbackType(type, &event.type)) {
    return SendError(res, 400, "invalid_argument", "type must be open, copy, not_helpful or kb_lacks");
  }
  if ((event.type == FeedbackType::kOpen || event.type == FeedbackType::kCopy) && event.item_id.empty()) {
    return SendError(res, 400, "invalid_argument", "item_id is required for open and copy");
  }
  if (auto p = body.find("position"); p != body.end() && !p->is_null()) {
    if (!p->is_number_integer() || p->get<long long>() < 0 || p->get<long long>() > 10000) {
      return SendError(res, 400, "invalid_argument", "position must be an integer from 0 to 10000");
    }
    event.position = p->get<int>();
  }
  // A proxy-identified user cannot be overridden by the body's "user".
  event.user = RecordedUser(s, req, event.user);
  const std::string name = FeedbackTypeName(event.type);
  s.usage->log()->RecordFeedback(std::move(event));
  // Events are rare next to searches: wait for the commit, so that an acknowledged event survives a crash.
  const bool stored = s.usage->log()->Flush(kFlushMs).ok();
  SendJson(res, {{"type", name}, {"stored", stored}}, 202);
}

void get_insights(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  if (!LogOn(s, res)) return;
  InsightsOptions options;
  std::string format;
  if (!IntParam(req, res, "days", 7, 1, 3650, &options.days) ||
      !IntParam(req, res, "limit", 20, 1, 1000, &options.limit) || !FormatParam(req, res, &format)) {
    return;
  }
  (void)s.usage->log()->Flush(kFlushMs);  // include what was just recorded
  Result<Searcher*> searcher = s.index.Acquire();
  Result<Insights> insights = ComputeInsights(*s.usage->log(), searcher.ok() ? *searcher : nullptr, options);
  if (!insights.ok()) return SendLibError(s, res, insights.status());
  SendText(res, format == "json" ? InsightsToJson(*insights) : InsightsToMarkdown(*insights), format);
}

void get_verification(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  VerificationOptions options;
  std::string format;
  if (!IntParam(req, res, "within", 30, 0, 3650, &options.horizon_days) ||
      !IntParam(req, res, "limit", 0, 0, 10000, &options.limit_per_owner) || !FormatParam(req, res, &format)) {
    return;
  }
  options.owner = req.get_param_value("owner");
  Result<Searcher*> searcher = s.index.Acquire();
  if (!searcher.ok()) return SendLibError(s, res, searcher.status());
  Result<VerificationPlan> plan = PlanVerification(**searcher, options);
  if (!plan.ok()) return SendLibError(s, res, plan.status());
  SendText(res, format == "json" ? VerificationToJson(*plan) : VerificationToMarkdown(*plan), format);
}

}  // namespace kb::server
