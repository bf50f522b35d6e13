#include "server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http_server.h"

namespace kb::server {
namespace {

using Clock = std::chrono::steady_clock;
using Handler = void (*)(ServerState&, const httplib::Request&, httplib::Response&);

struct Route {
  const char* method;
  const char* pattern;  // std::regex, matched against the whole decoded path
  const char* label;    // route template, the metrics label
  Handler handler;
  ScopeSet need;  // the scope a token or proxy user needs (tokens.h); 0 = any authenticated caller
};

// Order matters: httplib takes the first pattern that matches.
constexpr Route kRoutes[] = {
    {"GET", "/api/search", "/api/search", get_search, kSearch},
    {"GET", "/api/suggest", "/api/suggest", get_suggest, kSearch},
    {"GET", "/api/items/(.+)/related", "/api/items/{id}/related", get_related, kSearch},
    {"GET", "/api/items/(.+)", "/api/items/{id}", get_item, kSearch},
    {"POST", "/api/answers/(.+)/render", "/api/answers/{id}/render", post_answer_render, kSearch},
    {"POST", "/api/assist", "/api/assist", post_assist, kAssist},
    {"POST", "/api/feedback", "/api/feedback", post_feedback, kEvents},
    {"POST", "/api/events", "/api/events", post_feedback, kEvents},
    {"GET", "/api/insights", "/api/insights", get_insights, kInsights},
    {"POST", "/api/insights/reviewed", "/api/insights/reviewed", post_insights_reviewed, kInsights},
    {"GET", "/api/verification", "/api/verification", get_verification, kInsights},
    {"GET", "/api/whoami", "/api/whoami", get_whoami, 0},
    {"GET", "/healthz", "/healthz", get_healthz, 0},
    {"GET", "/readyz", "/readyz", get_readyz, 0},
    {"GET", "/metrics", "/metrics", get_metrics, kAdmin},
    {"GET", "/openapi.json", "/openapi.json", get_openapi, 0},
    {"POST", "/slack/commands", "/slack/commands", post_slack_command, 0},  // signed by Slack, not a token
};

const std::vector<std::regex>& RouteRegexes() {
  static const std::vector<std::regex> compiled = [] {
    std::vector<std::regex> out;
    for (const Route& r : kRoutes) out.emplace_back(r.pattern);
    return out;
  }();
  return compiled;
}

// Longest path any route can match ("/api/answers/" + a kMaxIdBytes id + "/render", decoded), with room.
constexpr std::size_t kMaxPathBytes = 1024;
static_assert(kMaxPathBytes > sizeof("/api/answers//render") + kMaxIdBytes);

bool IsApi(const std::string& path) { return path == "/api" || path.rfind("/api/", 0) == 0; }

// What a path is, for the metrics label and the 405 check.
struct Match {
  std::string label = "unmatched";
  std::string allow;  // "GET, HEAD" / "POST"; empty when nothing lives at this path
  ScopeSet need = 0;  // of the first route at this path
};

Match MatchPath(const ServerState& state, const std::string& path) {
  Match m;
  const auto& regexes = RouteRegexes();
  for (std::size_t i = 0; i < regexes.size(); ++i) {
    if (!std::regex_match(path, regexes[i])) continue;
    if (m.allow.empty()) {
      m.label = kRoutes[i].label;
      m.need = kRoutes[i].need;
    }
    const std::string method = std::string(kRoutes[i].method) == "GET" ? "GET, HEAD" : kRoutes[i].method;
    if (m.allow.find(method) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + method;
  }
  if (m.allow.empty() && !IsApi(path) && state.web.Find(path) != nullptr) {
    m.label = "static";
    m.allow = "GET, HEAD";
  }
  return m;
}

bool MethodAllowed(const std::string& allow, const std::string& method) {
  std::size_t at = 0;
  while ((at = allow.find(method, at)) != std::string::npos) {
    const std::size_t end = at + method.size();
    if ((at == 0 || allow[at - 1] == ' ') && (end == allow.size() || allow[end] == ',')) return true;
    at = end;
  }
  return false;
}

std::string MethodLabel(const std::string& m) {
  static const char* const kKnown[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
  for (const char* k : kKnown) {
    if (m == k) return m;
  }
  return m.empty() ? "none" : "other";
}

// Token buckets per client address. Entries idle for a minute are dropped when the table grows.
class RateLimiter {
 public:
  RateLimiter(double rate, int burst) : rate_(rate), burst_(burst) {}
  bool Allow(const std::string& client) {
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (buckets_.size() > 10000) {
      std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.last > std::chrono::minutes(1); });
    }
    auto [it, fresh] = buckets_.try_emplace(client, Bucket{static_cast<double>(burst_), now});
    Bucket& b = it->second;
    if (!fresh) {
      b.tokens = std::min<double>(burst_, b.tokens + rate_ * std::chrono::duration<double>(now - b.last).count());
      b.last = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  const double rate_;
  const int burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// What the pre-routing handler learnt about the request this thread is serving, for the logger.
struct RequestScope {
  bool active = false;
  Clock::time_point start;
  std::string label;
  std::string id;
  double seconds = 0;
  std::string who;  // the token's label or "user:NAME" (Principal::label); never a token
};
thread_local RequestScope t_request;

std::string ErrorCodeFor(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 411: return "length_required";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 416: return "range_not_satisfiable";
    case 429: return "rate_limited";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "bad_request";
  }
}

std::string ErrorMessageFor(const ServerState& state, int status) {
  switch (status) {
    case 400: return "malformed request";
    case 404: return "no such route";
    case 413: return "request body over the limit of " + std::to_string(state.config.max_body_bytes) + " bytes";
    case 414: return "request URI too long";
    default: return "request failed";
  }
}

// Rejects a request before routing. A body the client sent is not read: ask the client to close.
httplib::Server::HandlerResponse Reject(const httplib::Request& req, httplib::Response& res, int status,
                                        const std::string& message) {
  if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) res.set_header("Connection", "close");
  SendError(res, status, ErrorCodeFor(status), message);
  return httplib::Server::HandlerResponse::Handled;
}

void SetOptions(socket_t sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

}  // namespace

std::unique_ptr<httplib::Server> MakeServer(ServerState& state) {
  const Config& config = state.config;
  AdmissionLimits limits;
  limits.threads = static_cast<std::size_t>(config.threads);
  limits.max_queue = static_cast<std::size_t>(config.max_queue);
  limits.request_deadline = std::chrono::seconds(config.header_timeout_s);
  limits.keep_alive = std::chrono::seconds(config.keep_alive_s);
  // A client that keeps its connection is served up to 1000 requests on it (nginx's default): reconnecting
  // every 20, as before, cost a TCP handshake and teardown per 20 searches under load.
  limits.keep_alive_max = 1000;
  // After an answer, a worker waits up to 2 ms for the same connection's next request (while another worker
  // is idle) instead of handing it back to the gate: 3.2-3.6 -> 1.8-1.9 context switches per search under wrk
  // with 8 connections (bench/README.md, "Session 11").
  limits.linger = std::chrono::milliseconds(2);
  limits.io_timeout = std::chrono::seconds(config.request_timeout_s);
  auto svr = std::make_unique<HttpServer>(limits, &state.metrics);
  svr->set_payload_max_length(config.max_body_bytes);
  svr->set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  });

  std::shared_ptr<RateLimiter> limiter;
  if (config.rate_limit > 0) limiter = std::make_shared<RateLimiter>(config.rate_limit, config.rate_burst);

  svr->set_pre_routing_handler([&state, limiter](const httplib::Request& req, httplib::Response& res) {
    static std::atomic<unsigned long long> counter{0};
    // Routes are std::regex patterns, and libstdc++'s matcher recurses once per character of the path: an
    // 8 KiB path overflowed a worker's stack under AddressSanitizer. No route is longer than a prefix, an
    // id (at most 240 bytes) and a suffix, so a longer path is refused before any regex sees it.
    if (req.path.size() > kMaxPathBytes) {
      t_request = {true, Clock::now(), "invalid", std::to_string(++counter), 0, ""};
      res.set_header("X-Request-Id", t_request.id);
      return Reject(req, res, 414,
                    "the path is longer than any kb route (" + std::to_string(kMaxPathBytes) + " bytes)");
    }
    const Match m = MatchPath(state, req.path);
    t_request = {true, Clock::now(), m.label, std::to_string(++counter), 0, ""};
    res.set_header("X-Request-Id", t_request.id);
    const bool api = IsApi(req.path);
    if (api && limiter && !limiter->Allow(req.remote_addr)) {
      res.set_header("Retry-After", "1");
      return Reject(req, res, 429, "too many requests from this address; retry in a second");
    }
    const Principal who = state.access ? state.access->Identify(req) : Principal{true, "open", "", "", kAllScopes};
    t_request.who = who.label;
    // /metrics needs `admin` unless it is asked from this host directly (a local scraper), not relayed by a
    // proxy on loopback for someone else.
    const bool guarded =
        api || (m.label == "/metrics" && state.access && state.access->enabled() && !state.access->DirectLocal(req));
    if (guarded && !who.authenticated) {
      res.set_header("WWW-Authenticate", "Bearer realm=\"kb\"");
      return Reject(req, res, 401, "this server needs an 'Authorization: Bearer <token>' header on /api");
    }
    if (guarded && m.need != 0 && (who.scopes & m.need) == 0) {
      return Reject(req, res, 403,
                    "'" + who.label + "' lacks the '" + ScopeName(static_cast<Scope>(m.need)) + "' scope that " +
                        m.label + " needs; ask the kb owners to add it in the tokens file");
    }
    if (!m.allow.empty() && !MethodAllowed(m.allow, req.method)) {
      res.set_header("Allow", m.allow);
      return Reject(req, res, 405, req.method + " is not allowed here; use " + m.allow);
    }
    if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE") {
      // httplib would read a body without a length until the peer closes, unbounded: refuse it.
      if (req.has_header("Transfer-Encoding") || !req.has_header("Content-Length")) {
        return Reject(req, res, 411, "send the body with a Content-Length (chunked bodies are not accepted)");
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  svr->set_error_handler(
      httplib::Server::HandlerWithResponse([&state](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty()) SendError(res, res.status, ErrorCodeFor(res.status), ErrorMessageFor(state, res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));

  svr->set_exception_handler([&state](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    state.log.Write({{"level", "error"}, {"msg", "handler threw: " + what}, {"request_id", t_request.id}});
    SendError(res, 500, "internal", "internal error; the server log has the details");
  });

  // Metrics are recorded before the response is written, so that a client that got its answer finds it
  // counted in its next /metrics; the access log follows the write, with the size sent.
  svr->set_post_routing_handler([&state](const httplib::Request& req, httplib::Response& res) {
    RequestScope& scope = t_request;
    if (!scope.active) scope = {true, Clock::now(), "invalid", "", 0, ""};  // rejected before routing (400, 414)
    scope.seconds = std::chrono::duration<double>(Clock::now() - scope.start).count();
    state.metrics.ObserveRequest(scope.label, MethodLabel(req.method), res.status, scope.seconds);
  });

  svr->set_logger([&state](const httplib::Request& req, const httplib::Response& res) {
    RequestScope scope = std::move(t_request);
    t_request.active = false;
    state.access_log.Write({{"type", "access"},
                            {"id", scope.id},
                            {"remote", req.remote_addr},
                            {"method", req.method.substr(0, 16)},
                            {"path", req.path.substr(0, 256)},
                            {"route", scope.label},
                            {"status", res.status},
                            {"bytes", res.body.size()},
                            {"ms", scope.seconds * 1000},
                            {"auth", scope.who}});
  });

  for (const Route& r : kRoutes) {
    auto fn = [&state, h = r.handler](const httplib::Request& req, httplib::Response& res) { h(state, req, res); };
    if (std::string(r.method) == "GET") {
      svr->Get(r.pattern, fn);
    } else {
      svr->Post(r.pattern, fn);
    }
  }
  svr->Get("/.*", [&state](const httplib::Request& req, httplib::Response& res) {
    if (IsApi(req.path)) return SendError(res, 404, "not_found", "no such API route");
    get_static(state, req, res);
  });
  return svr;
}

int Bind(httplib::Server& svr, const std::string& host, int port) {
  // httplib's default socket options add SO_REUSEPORT, which lets a second server bind the same port and
  // silently take half the traffic: keep only SO_REUSEADDR (quick restarts), so a busy port fails here.
  // TCP_NODELAY (inherited by accepted sockets) stops Nagle's algorithm from holding the body, written
  // apart from the headers, for the client's delayed ACK: 40 ms per request on keep-alive connections.
  int fd = -1;
  svr.set_socket_options([&fd](socket_t sock) {
    SetOptions(sock);
    fd = sock;
  });
  int bound = -1;
  if (port == 0) {
    bound = svr.bind_to_any_port(host);
  } else if (svr.bind_to_port(host, port)) {
    bound = port;
  }
  // The library listens with a backlog of 5, compiled in: a burst of new connections overflows it and
  // clients see resets. Listening again on the bound socket widens the queue.
  if (bound > 0 && fd >= 0) ::listen(fd, SOMAXCONN);
  svr.set_socket_options(SetOptions);
  return bound > 0 ? bound : -1;
}

}  // namespace kb::server
