// Fuzzes kb-server's request handling in-process (no sockets): every route handler gets a Request built
// from the input — query parameters decoded by httplib's own parser, a path id, a body — over a small index
// and a real usage log, both built once at start-up in a temporary directory.
//
// Input: byte 0 picks the route, then the query string ("q=a&page=2&tag=x", URL-encoded as a browser
// sends it) up to the first '\n', then the path id up to the next '\n', then the request body.
// Contract: no crash, leak or hang; every response is a status the API documents (200, 202, 400, 404, 413, 503)
// and an error always carries the JSON {"error":{"code","message"}} body; a 200 body is valid JSON.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <string_view>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "config.h"
#include "fuzz_util.h"
#include "handlers.h"
#include "kb/kb.h"
#include "log.h"
#include "metrics.h"
#include "usage.h"
#include "web_files.h"

namespace {

using kb::fuzz::Require;
using kb::server::ServerState;

constexpr const char* kItems[][2] = {
    {"payments/refunds.md",
     "---\ntitle: Refunds\ntags: [refunds, payments]\nowner: payments-team\ntier: L1\n"
     "verified: 2026-01-10\nverify_every: 90d\nerror_codes: [ERR_REFUND_FAILED]\n---\n"
     "# Refunds\n\nA refund returns a captured payment.\n\n## Refund failed\n\n"
     "`ERR_REFUND_FAILED` means the issuer rejected it.\n"},
    {"payments/answers/declined.md",
     "---\ntitle: Declined card reply\nkind: answer\nowner: payments-team\n---\n"
     "Hi {{customer_name}},\n\nPayment {{payment_id}} was declined.\n"},
    {"tr/iade.md",
     "---\ntitle: İade\nlang: tr\nowner: payments-team\nverified: 2020-01-01\nverify_every: 30d\n"
     "---\n# İade\n\nKısmi iade yapılabilir.\n"},
};

using Handler = void (*)(ServerState&, const httplib::Request&, httplib::Response&);
struct Route {
  const char* method;
  const char* prefix;  // the path is prefix + id + suffix
  const char* suffix;
  Handler handler;
};
constexpr Route kRoutes[] = {
    {"GET", "/api/search", "", kb::server::get_search},
    {"GET", "/api/suggest", "", kb::server::get_suggest},
    {"GET", "/api/items/", "", kb::server::get_item},
    {"GET", "/api/items/", "/related", kb::server::get_related},
    {"POST", "/api/answers/", "/render", kb::server::post_answer_render},
    {"POST", "/api/feedback", "", kb::server::post_feedback},
    {"POST", "/api/events", "", kb::server::post_feedback},
    {"GET", "/api/insights", "", kb::server::get_insights},
    {"GET", "/api/verification", "", kb::server::get_verification},
    {"GET", "/readyz", "", kb::server::get_readyz},
    {"GET", "/", "", kb::server::get_static},
};

struct World {
  std::string dir;
  kb::server::Config config;
  kb::server::Metrics metrics;
  std::unique_ptr<kb::LiveSearcher> index;
  std::unique_ptr<kb::server::WebFiles> web;
  std::unique_ptr<kb::server::LogSink> log;
  std::unique_ptr<kb::server::LogSink> access_log;
  std::unique_ptr<kb::server::UsageTracker> usage;
  std::unique_ptr<ServerState> state;
};
World* g_world = nullptr;

void TearDown() {
  if (g_world == nullptr) return;
  const std::string dir = g_world->dir;
  delete g_world;  // stops the usage log's writer thread before its file goes
  g_world = nullptr;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void Setup() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "kb-fuzz-server-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  g_world = new World;
  World& w = *g_world;
  w.dir = tmpl;
  const std::string db = w.dir + "/db";
  std::vector<std::pair<const char*, const char*>> items;
  for (const auto& [path, text] : kItems) items.emplace_back(path, text);
  kb::fuzz::BuildFixtureIndex(db, items);
  w.config.dbs = {db};
  w.config.threads = 1;
  w.config.usage_log = w.dir + "/usage.sqlite";
  {
    // The word lists load on the first misspelt query (over 1 s under ASan, libFuzzer's timeout): kb-server
    // loads them at start (main.cc), and so does this.
    auto words = kb::Searcher::Open({db});
    if (!words.ok()) kb::fuzz::SetupFailed("open searcher", words.status());
    (*words)->LoadWordLists();
  }
  w.index = std::make_unique<kb::LiveSearcher>(
      w.config.dbs, kb::SearcherOptions{}, kb::LiveSearcherOptions{.check_interval = std::chrono::milliseconds(200)});
  auto web = kb::server::WebFiles::Load(KB_FUZZ_WEB_ROOT);
  if (!web.ok()) kb::fuzz::SetupFailed("web files", web.status());
  w.web = std::move(*web);
  auto log = kb::server::LogSink::Open("off");
  auto access = kb::server::LogSink::Open("off");
  if (!log.ok() || !access.ok()) std::abort();
  w.log = std::move(*log);
  w.access_log = std::move(*access);
  w.usage = kb::server::UsageTracker::Start(w.config, [](const std::string&, const std::string&) {});
  if (w.usage == nullptr || w.usage->log() == nullptr) {
    std::fprintf(stderr, "kb fuzz: setup failed: no usage log\n");
    std::abort();
  }
  w.state.reset(new ServerState{w.config, *w.index, w.metrics, *w.web, *w.log, *w.access_log});
  w.state->usage = w.usage.get();
  std::atexit(TearDown);
}

std::string_view TakeLine(std::string_view* rest) {
  const std::size_t nl = rest->find('\n');
  std::string_view line = rest->substr(0, nl);
  rest->remove_prefix(nl == std::string_view::npos ? rest->size() : nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Route& route = kRoutes[data[0] % std::size(kRoutes)];
  const std::string query(TakeLine(&input));
  const std::string id(TakeLine(&input));

  httplib::Request req;
  req.method = route.method;
  req.path = std::string(route.prefix) + id + route.suffix;
  req.remote_addr = "127.0.0.1";
  httplib::detail::parse_query_text(query, req.params);
  req.body = std::string(input);
  req.set_header("Content-Type", "application/json");
  // kb-server refuses paths over 1024 bytes before routing (server.cc, kMaxPathBytes); handlers never see them.
  if (req.path.size() > 1024) return 0;
  // Handlers read the path id from the route's capture group, as httplib's router sets it.
  const std::string& path = req.path;
  if (route.prefix[std::strlen(route.prefix) - 1] == '/' && route.handler != kb::server::get_static) {
    static const std::regex kWithSuffix("^/api/[a-z]+/(.+)/[a-z]+$");
    static const std::regex kPlain("^/api/[a-z]+/(.+)$");
    if (!std::regex_match(path, req.matches, *route.suffix != '\0' ? kWithSuffix : kPlain)) return 0;
  }

  httplib::Response res;
  route.handler(*g_world->state, req, res);

  const int st = res.status == -1 ? 200 : res.status;  // httplib fills in 200 after the handler
  Require(st == 200 || st == 202 || st == 400 || st == 404 || st == 413 || st == 503, "a documented status");
  const bool is_json = res.get_header_value("Content-Type").rfind("application/json", 0) == 0;
  if (st != 200 && st != 202) {
    Require(is_json, "errors are JSON");
    nlohmann::json body = nlohmann::json::parse(res.body, nullptr, false);
    Require(body.is_object() && body.contains("error") && body["error"].contains("code") &&
                body["error"].contains("message"),
            "errors carry {error:{code,message}}");
  } else if (is_json) {  // 200 or 202
    Require(!nlohmann::json::parse(res.body, nullptr, false).is_discarded(), "a 200 JSON body parses");
  }
  return 0;
}
