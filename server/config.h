// kb-server configuration: defaults, then environment (KB_*), then an optional file, then flags (flags win).
//
// Every value is validated before the server starts; a problem is reported as one line that names the
// setting, where it came from (flag, env KB_X, file:line) and what is accepted.
//
// Thread-safety: Config is a plain value, read-only once the server runs.
#ifndef KB_SERVER_CONFIG_H_
#define KB_SERVER_CONFIG_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kb/options.h"
#include "kb/status.h"

namespace kb::server {

struct Config {
  // Databases searched as one (local paths or remote:HOST:PORT). At least one.
  std::vector<std::string> dbs;
  // Address to bind. Default: 127.0.0.1 (a non-loopback address needs a token or allow_public).
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free one (logged at start). Default: 8080.
  int port = 8080;
  // Bearer token required on every /api route when non-empty; it has every scope (label "token" in the
  // access log). Default: none.
  std::string token;
  // File whose content (surrounding whitespace trimmed) is the token; an empty file means no token (the
  // systemd unit passes its credential this way). Default: none.
  std::string token_file;
  // Scoped tokens and user/group mappings (tokens.h), re-read when the file changes. Default: none.
  std::string tokens_file;
  // Peers whose identity headers are believed: comma-separated addresses or CIDR ranges.
  // Default: "127.0.0.0/8,::1".
  std::string trusted_proxy = "127.0.0.0/8,::1";
  // Header in which a trusted proxy names the user (e.g. X-Forwarded-User). Default: none.
  std::string user_header;
  // Header in which a trusted proxy lists the user's groups, comma-separated. Default: none.
  std::string group_header;
  // Owner-defined ids masked as "<id>" in the usage log (ECMAScript regexes; kb/redact.h). Default: none.
  std::vector<std::string> mask_patterns;
  // Worker threads, each with its own index handle. Size for connections, not cores. Default: 16.
  int threads = 16;
  // Directory of the web page (index.html, app.js, style.css). Default: compiled-in KB_WEB_ROOT.
  std::string web_root;
  // Optional config file (key = value lines). Default: none.
  std::string config_file;
  // Allow binding a non-loopback address without a token. Default: false.
  bool allow_public = false;
  // Access log: "-" (stderr), "off", or a file path (appended). Default: "-".
  std::string access_log = "-";
  // Largest accepted request body, bytes. Default: 65536.
  std::size_t max_body_bytes = 65536;
  // Read and write timeout for one request, seconds. Default: 10.
  int request_timeout_s = 10;
  // Idle keep-alive connections are closed after this many seconds (also bounds shutdown). Default: 2.
  int keep_alive_s = 2;
  // How often each worker checks whether the index changed, milliseconds. Default: 200.
  int reload_interval_ms = 200;
  // How the index is searched: --max-query-bytes (max_query_bytes, also the limit of `query` in POST
  // bodies), --max-query-terms, --popularity-boost (ranking.popularity_boost), --remote-timeout-ms and
  // --allow-partial (remote:HOST:PORT shards). Default: libkb's (kb/options.h). max_query_bytes was 1024 here:
  // a pasted customer email of 150-200 words (1,100-1,400 bytes with its signature) was refused with 414. 4096
  // bytes percent-encoded stay under the 8 KiB request line for English and Turkish text.
  SearcherOptions searcher;
  // Requests per second allowed per client address on /api; 0 = no limit. Default: 0.
  double rate_limit = 0;
  // Burst allowed above rate_limit. Default: 20.
  int rate_burst = 20;
  // Usage log (searches, opens, copies, reports) for /api/insights: a file path, "off", or "" for
  // kb-usage.sqlite next to the first local database. Default: "".
  std::string usage_log;
  // Days the usage log keeps events. Default: 90.
  int usage_retention_days = 90;

  // Overload protection (http_server.h).
  // Requests (their head read) that may wait for a busy worker; more get an immediate 503 with Retry-After.
  // Default: 64.
  int max_queue = 64;
  // A request's head and body must arrive within this many seconds (from the accept for a connection's
  // first request, from the first byte for later ones), or the connection is closed. Default: 5.
  int header_timeout_s = 5;

  // Slack slash command (slack.cc). The app's signing secret, read from --slack-signing-secret-file at
  // start; "" leaves /slack/commands off. Default: none.
  std::string slack_signing_secret_file;
  std::string slack_signing_secret;
  // Public address of the web page, for links in Slack answers (e.g. https://kb.example.com). Default: none.
  std::string public_url;
};

// What the command line asked for.
struct Invocation {
  enum class Action { kRun, kHelp, kVersion };
  Action action = Action::kRun;
  Config config;
};

// Reads env (through `getenv`, injectable for tests), the config file and argv; validates the result.
// Errors are InvalidArgument with a message fit to print after "kb-server: ".
Result<Invocation> LoadConfig(int argc, const char* const* argv,
                              const std::function<std::optional<std::string>(const char*)>& getenv);

// Usage text for --help.
std::string Usage();

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopback(const std::string& host);

}  // namespace kb::server

#endif  // KB_SERVER_CONFIG_H_
