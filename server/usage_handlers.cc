// The usage routes: POST /api/feedback (and /api/events), GET /api/insights, GET /api/verification.
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "handlers.h"
#include "insights_cache.h"
#include "kb/insights.h"
#include "usage.h"

namespace kb::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCommentBytes = 2000;
constexpr std::size_t kMaxUserBytes = 64;
constexpr std::size_t kMaxOwnerBytes = 200;
// How long an event or report request waits for the usage log to catch up.
constexpr int kFlushMs = 1000;

bool LogOn(ServerState& s, httplib::Response& res) {
  if (s.usage != nullptr && s.usage->log() != nullptr) return true;
  SendError(res, 503, "unavailable", "the usage log is off; start kb-server with --usage-log PATH");
  return false;
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

// A parameter echoed into JSON must be UTF-8: nlohmann::json refuses to write anything else (the fuzzer found an
// `owner` of raw bytes that ended the request with an exception instead of a 400).
bool ValidUtf8(const std::string& s) {
  try {
    (void)json(s).dump();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

// What a report's kind is stored as in the usage log; false for "helpful", which the log has no type for.
bool StoredType(const std::string& kind, FeedbackType* type) {
  if (kind == "no_answer") {
    *type = FeedbackType::kKbLacks;
    return true;
  }
  if (kind == "wrong") {
    *type = FeedbackType::kNotHelpful;
    return true;
  }
  return ParseFeedbackType(kind, type);
}

// The body member `key`, else its older name `old_key` (POST /api/events spelt item and kind so).
bool StringField2(const json& body, const char* key, const char* old_key, std::size_t limit, httplib::Response& res,
                  std::string* out) {
  return body.contains(key) || !body.contains(old_key) ? StringField(body, key, limit, res, out)
                                                       : StringField(body, old_key, limit, res, out);
}

}  // namespace

void post_feedback(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  json body;
  if (!JsonBody(req, res, &body)) return;
  FeedbackEvent event;
  std::string kind;
  if (!StringField2(body, "kind", "type", 32, res, &kind) ||
      !StringField(body, "query", s.config.searcher.max_query_bytes, res, &event.query) ||
      !StringField2(body, "item", "item_id", kMaxIdBytes, res, &event.item_id) ||
      !StringField(body, "comment", kMaxCommentBytes, res, &event.comment) ||
      !StringField(body, "user", kMaxUserBytes, res, &event.user)) {
    return;
  }
  if (kind.empty()) kind = "no_answer";
  const bool stored_kind = StoredType(kind, &event.type);
  if (!stored_kind && kind != "helpful") {
    return SendError(res, 400, "invalid_argument",
                     "kind must be open, copy, not_helpful, kb_lacks, no_answer, helpful or wrong");
  }
  const bool click = stored_kind && (event.type == FeedbackType::kOpen || event.type == FeedbackType::kCopy);
  if (click && event.item_id.empty())
    return SendError(res, 400, "invalid_argument", "item is required for open and copy");
  if (auto p = body.find("position"); p != body.end() && !p->is_null()) {
    if (!p->is_number_integer() || p->get<long long>() < 0 || p->get<long long>() > 10000) {
      return SendError(res, 400, "invalid_argument", "position must be an integer from 0 to 10000");
    }
    event.position = p->get<int>();
  }
  json filters = json::object();
  if (auto f = body.find("filters"); f != body.end() && !f->is_null()) {
    if (!f->is_object() || f->dump().size() > 4096)
      return SendError(res, 400, "invalid_argument", "filters must be a small object");
    filters = *f;
  }
  // A proxy-identified user cannot be overridden by the body's "user".
  event.user = RecordedUser(s, req, event.user);
  const std::uint64_t count = s.metrics.Feedback(kind);
  if (!click) {
    // A report is also a line of the server log, masked like the usage log.
    static const Redactor kBuiltIn;
    const Redactor& redactor = s.redactor ? *s.redactor : kBuiltIn;
    s.log.Write({{"level", "info"},
                 {"msg", "feedback"},
                 {"kind", kind},
                 {"query", redactor.Redact(event.query)},
                 {"filters", filters},
                 {"item", event.item_id},
                 {"comment", redactor.Redact(event.comment)}});
  }
  bool stored = false;
  const std::string type = stored_kind ? FeedbackTypeName(event.type) : kind;
  if (stored_kind && s.usage != nullptr && s.usage->log() != nullptr) {
    s.usage->log()->RecordFeedback(std::move(event));
    // Reports are rare next to searches: wait for the commit, so that an acknowledged one survives a crash.
    stored = s.usage->log()->Flush(kFlushMs).ok();
  }
  SendJson(res, {{"recorded", true}, {"kind", kind}, {"count", count}, {"type", type}, {"stored", stored}}, 202);
}

namespace {

// The owner filter keeps the gaps, reported items and stale items of one team; words no item mentions are no
// team's yet.
void KeepOwner(const std::string& owner, Insights* in) {
  if (owner.empty()) return;
  for (auto* list : {&in->no_result_queries, &in->no_click_queries, &in->gap_reports}) {
    std::erase_if(*list, [&](const QueryGroup& g) { return g.owner != owner; });
  }
  std::erase_if(in->most_reported_items, [&](const ReportedItem& i) { return i.owner != owner; });
  in->missing_words.clear();
  std::erase_if(in->stale_by_owner, [&](const OwnerItems& t) { return t.owner != owner; });
}

template <typename T>
void Trim(std::vector<T>* list, int limit) {
  if (list->size() > static_cast<std::size_t>(limit)) list->resize(limit);
}

void TrimLists(int limit, Insights* in) {
  Trim(&in->top_queries, limit);
  Trim(&in->no_result_queries, limit);
  Trim(&in->no_click_queries, limit);
  Trim(&in->gap_reports, limit);
  Trim(&in->most_reported_items, limit);
  Trim(&in->never_shown_items, limit);
}

// Every owner a gap, reported item or stale item is routed to: the page's owner filter.
json Owners(const Insights& in) {
  std::set<std::string> owners;
  for (const auto* list : {&in.no_result_queries, &in.no_click_queries, &in.gap_reports}) {
    for (const QueryGroup& g : *list) owners.insert(g.owner);
  }
  for (const ReportedItem& i : in.most_reported_items) owners.insert(i.owner);
  for (const OwnerItems& t : in.stale_by_owner) owners.insert(t.owner);
  owners.erase("");
  return json(std::vector<std::string>(owners.begin(), owners.end()));
}

}  // namespace

// Answers from InsightsCache (insights_cache.h) when the server has one and the limit fits it.
void get_insights(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  if (!LogOn(s, res)) return;
  InsightsOptions options;
  std::string format;
  if (!IntParam(req, res, "days", 7, 1, 3650, &options.days) ||
      !IntParam(req, res, "limit", 20, 1, 1000, &options.limit) || !FormatParam(req, res, &format)) {
    return;
  }
  const std::string owner = req.get_param_value("owner");
  if (owner.size() > kMaxOwnerBytes) return SendError(res, 400, "invalid_argument", "owner is too long");
  if (!ValidUtf8(owner)) return SendError(res, 400, "invalid_argument", "owner is not valid UTF-8");
  (void)s.usage->log()->Flush(kFlushMs);  // include what was just recorded
  Insights insights;
  json extra = {{"stale", false}};
  if (s.insights != nullptr && options.limit <= InsightsCache::kCachedLimit) {
    Result<InsightsCache::Snapshot> snap = s.insights->Get(options.days);
    if (!snap.ok()) return SendLibError(s, res, snap.status());
    insights = *snap->insights;
    extra = {{"stale", snap->stale}, {"computed_ms", snap->computed_ms}};
    Result<std::unordered_map<std::string, std::string>> reviewed = s.usage->log()->Reviewed();
    if (!reviewed.ok()) return SendLibError(s, res, reviewed.status());
    ApplyReviewed(*reviewed, &insights);  // marks made since the computation
  } else {
    Result<Searcher*> searcher = s.index.Acquire();
    Result<Insights> computed = ComputeInsights(*s.usage->log(), searcher.ok() ? *searcher : nullptr, options);
    if (!computed.ok()) return SendLibError(s, res, computed.status());
    insights = std::move(*computed);
  }
  const json owners = Owners(insights);
  KeepOwner(owner, &insights);
  TrimLists(options.limit, &insights);
  if (format != "json") return SendText(res, InsightsToMarkdown(insights), format);
  json body = json::parse(InsightsToJson(insights));
  body.update(extra);
  body["owners"] = owners;
  body["owner"] = owner;
  SendText(res, body.dump(), format);
}

// POST /api/insights/reviewed {"key": query key, "reviewed": true|false}: a support lead has dealt with a gap.
void post_insights_reviewed(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  if (!LogOn(s, res)) return;
  json body;
  if (!JsonBody(req, res, &body)) return;
  std::string key;
  if (!StringField(body, "key", 1000, res, &key)) return;
  if (key.empty()) return SendError(res, 400, "invalid_argument", "key (a gap's query key) is required");
  auto flag = body.find("reviewed");
  if (flag != body.end() && !flag->is_boolean()) {
    return SendError(res, 400, "invalid_argument", "reviewed must be true or false");
  }
  const bool reviewed = flag == body.end() || flag->get<bool>();
  Status st = s.usage->log()->MarkReviewed(key, reviewed, RecordedUser(s, req));
  if (!st.ok()) return SendLibError(s, res, st);
  SendJson(res, {{"key", key}, {"reviewed", reviewed}});
}

void get_verification(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  VerificationOptions options;
  std::string format;
  if (!IntParam(req, res, "within", 30, 0, 3650, &options.horizon_days) ||
      !IntParam(req, res, "limit", 0, 0, 10000, &options.limit_per_owner) || !FormatParam(req, res, &format)) {
    return;
  }
  options.owner = req.get_param_value("owner");
  if (!ValidUtf8(options.owner)) return SendError(res, 400, "invalid_argument", "owner is not valid UTF-8");
  Result<Searcher*> searcher = s.index.Acquire();
  if (!searcher.ok()) return SendLibError(s, res, searcher.status());
  Result<VerificationPlan> plan = PlanVerification(**searcher, options);
  if (!plan.ok()) return SendLibError(s, res, plan.status());
  SendText(res, format == "json" ? VerificationToJson(*plan) : VerificationToMarkdown(*plan), format);
}

}  // namespace kb::server
