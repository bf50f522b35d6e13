#include "config.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include <unistd.h>

#include "cli/flags.h"
#include "identity.h"
#include "kb/redact.h"

#ifndef KB_WEB_ROOT
#define KB_WEB_ROOT "web"
#endif
#ifndef KB_WEB_ROOT_FROM_BIN
#define KB_WEB_ROOT_FROM_BIN "../share/kb/web"
#endif

namespace kb::server {
namespace {

namespace fs = std::filesystem;

// One setting as written somewhere, with where that was (for messages).
struct Entry {
  std::string key;
  std::string value;
  std::string origin;  // "--port", "env KB_PORT", "kb.conf:3"
};

struct Setting {
  const char* key;  // flag name without "--" and config-file key
  const char* env;  // environment variable
  bool is_switch;   // a flag that takes no value (--allow-public)
};

constexpr Setting kSettings[] = {
    {"db", "KB_DB", false},
    {"host", "KB_HOST", false},
    {"port", "KB_PORT", false},
    {"token", "KB_TOKEN", false},
    {"token-file", "KB_TOKEN_FILE", false},
    {"tokens-file", "KB_TOKENS_FILE", false},
    {"trusted-proxy", "KB_TRUSTED_PROXY", false},
    {"user-header", "KB_USER_HEADER", false},
    {"group-header", "KB_GROUP_HEADER", false},
    {"mask-pattern", "KB_MASK_PATTERN", false},
    {"threads", "KB_THREADS", false},
    {"web-root", "KB_WEB_ROOT", false},
    {"config", "KB_CONFIG", false},
    {"allow-public", "KB_ALLOW_PUBLIC", true},
    {"access-log", "KB_ACCESS_LOG", false},
    {"max-query-bytes", "KB_MAX_QUERY_BYTES", false},
    {"max-body-bytes", "KB_MAX_BODY_BYTES", false},
    {"request-timeout", "KB_REQUEST_TIMEOUT", false},
    {"keep-alive", "KB_KEEP_ALIVE", false},
    {"reload-interval-ms", "KB_RELOAD_INTERVAL_MS", false},
    {"rate-limit", "KB_RATE_LIMIT", false},
    {"rate-burst", "KB_RATE_BURST", false},
    {"usage-log", "KB_USAGE_LOG", false},
    {"usage-retention-days", "KB_USAGE_RETENTION_DAYS", false},
    {"popularity-boost", "KB_POPULARITY_BOOST", false},
    {"max-queue", "KB_MAX_QUEUE", false},
    {"header-timeout", "KB_HEADER_TIMEOUT", false},
    {"max-query-terms", "KB_MAX_QUERY_TERMS", false},
    {"remote-timeout-ms", "KB_REMOTE_TIMEOUT_MS", false},
    {"allow-partial", "KB_ALLOW_PARTIAL", true},
    {"slack-signing-secret-file", "KB_SLACK_SIGNING_SECRET_FILE", false},
    {"public-url", "KB_PUBLIC_URL", false},
};

const Setting* FindSetting(const std::string& key) {
  for (const Setting& s : kSettings) {
    if (key == s.key) return &s;
  }
  return nullptr;
}

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  std::size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

Status Bad(const Entry& e, const std::string& what) { return Status::InvalidArgument(e.origin + ": " + what); }

template <typename T>
Status ParseNumber(const Entry& e, T min, T max, T* out) {
  const std::optional<T> value = flags::ParseNumber(e.value, min, max);
  if (!value) return Bad(e, flags::NumberError(e.value, min, max));
  *out = *value;
  return Status::Ok();
}

Status ParseBool(const Entry& e, bool* out) {
  if (e.value == "" || e.value == "1" || e.value == "true" || e.value == "yes" || e.value == "on") {
    *out = true;
  } else if (e.value == "0" || e.value == "false" || e.value == "no" || e.value == "off") {
    *out = false;
  } else {
    return Bad(e, "'" + e.value + "' is not a boolean (true or false)");
  }
  return Status::Ok();
}

// A header name: an HTTP token (letters, digits and !#$%&'*+-.^_`|~).
bool ValidHeaderName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) &&
        std::string_view("!#$%&'*+-.^_`|~").find(ch) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Which source last set each list setting, so that a later source replaces the list instead of adding to it,
// while repeated flags (--db, --mask-pattern) accumulate.
struct ListOwners {
  std::string db;
  std::string mask;
};

// Applies one entry.
Status Apply(const Entry& e, const std::string& source, ListOwners* owners, Config* c) {
  std::string* db_owner = &owners->db;
  const std::string& k = e.key;
  if (k == "db") {
    if (*db_owner != source) c->dbs.clear();
    *db_owner = source;
    // The environment holds a list in one variable; commas separate (paths and remote:HOST:PORT use ':').
    std::stringstream in(e.value);
    for (std::string part; std::getline(in, part, source == "env" ? ',' : '\0');) {
      part = Trim(part);
      if (part.empty()) return Bad(e, "empty database path");
      c->dbs.push_back(part);
    }
    return Status::Ok();
  }
  if (k == "host") {
    if (e.value.empty()) return Bad(e, "empty host");
    c->host = e.value;
    return Status::Ok();
  }
  if (k == "port") return ParseNumber(e, 0, 65535, &c->port);
  if (k == "token") {
    c->token = e.value;
    return Status::Ok();
  }
  if (k == "token-file") {
    c->token_file = e.value;
    return Status::Ok();
  }
  if (k == "tokens-file") {
    c->tokens_file = e.value;
    return Status::Ok();
  }
  if (k == "trusted-proxy") {
    Result<std::vector<Cidr>> nets = ParseCidrs(e.value);
    if (!nets.ok()) return Bad(e, nets.status().message());
    c->trusted_proxy = e.value;
    return Status::Ok();
  }
  if (k == "user-header" || k == "group-header") {
    if (!ValidHeaderName(e.value)) return Bad(e, "'" + e.value + "' is not a header name (letters, digits, '-')");
    (k == "user-header" ? c->user_header : c->group_header) = e.value;
    return Status::Ok();
  }
  if (k == "mask-pattern") {
    if (owners->mask != source) c->mask_patterns.clear();
    owners->mask = source;
    Result<Redactor> r = Redactor::Create({e.value});
    if (!r.ok()) return Bad(e, r.status().message());
    c->mask_patterns.push_back(e.value);
    return Status::Ok();
  }
  if (k == "threads") return ParseNumber(e, 1, 256, &c->threads);
  if (k == "slack-signing-secret-file") {
    std::ifstream in(e.value, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::string secret = bytes.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' '))
      secret.pop_back();
    if (!in && secret.empty()) return Bad(e, "cannot read '" + e.value + "'");
    if (secret.size() < 16 || secret.size() > 256 || secret.find_first_of(" \t\r\n") != std::string::npos) {
      return Bad(e, "'" + e.value + "' must hold the Slack app's signing secret (one line, 16-256 characters)");
    }
    c->slack_signing_secret_file = e.value;
    c->slack_signing_secret = std::move(secret);
    return Status::Ok();
  }
  if (k == "public-url") {
    if (e.value.rfind("https://", 0) != 0 && e.value.rfind("http://", 0) != 0) {
      return Bad(e, "'" + e.value + "' is not an http(s):// address");
    }
    c->public_url = e.value;
    while (!c->public_url.empty() && c->public_url.back() == '/') c->public_url.pop_back();
    return Status::Ok();
  }
  if (k == "web-root") {
    c->web_root = e.value;
    return Status::Ok();
  }
  if (k == "config") {
    c->config_file = e.value;
    return Status::Ok();
  }
  if (k == "allow-public") return ParseBool(e, &c->allow_public);
  if (k == "access-log") {
    if (e.value.empty()) return Bad(e, "empty access log; use -, off or a file path");
    c->access_log = e.value;
    return Status::Ok();
  }
  if (k == "max-query-bytes") return ParseNumber<std::size_t>(e, 16, 4096, &c->searcher.max_query_bytes);
  if (k == "max-body-bytes") return ParseNumber<std::size_t>(e, 1024, 64u << 20, &c->max_body_bytes);
  if (k == "request-timeout") return ParseNumber(e, 1, 300, &c->request_timeout_s);
  if (k == "keep-alive") return ParseNumber(e, 1, 60, &c->keep_alive_s);
  if (k == "reload-interval-ms") return ParseNumber(e, 10, 60000, &c->reload_interval_ms);
  if (k == "rate-limit") return ParseNumber(e, 0.0, 1e6, &c->rate_limit);
  if (k == "rate-burst") return ParseNumber(e, 1, 1000000, &c->rate_burst);
  if (k == "usage-log") {
    if (e.value.empty()) return Bad(e, "empty usage log; use off or a file path");
    c->usage_log = e.value;
    return Status::Ok();
  }
  if (k == "usage-retention-days") return ParseNumber(e, 1, 3650, &c->usage_retention_days);
  if (k == "popularity-boost") return ParseNumber(e, 0.0, 10.0, &c->searcher.ranking.popularity_boost);
  if (k == "max-queue") return ParseNumber(e, 0, 100000, &c->max_queue);
  if (k == "header-timeout") return ParseNumber(e, 1, 300, &c->header_timeout_s);
  if (k == "max-query-terms") return ParseNumber(e, 10, 100000, &c->searcher.max_query_terms);
  if (k == "remote-timeout-ms") return ParseNumber(e, 10, 600000, &c->searcher.remote_timeout_ms);
  if (k == "allow-partial") return ParseBool(e, &c->searcher.allow_partial);
  return Bad(e, "unknown setting '" + k + "'");
}

Result<std::vector<Entry>> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("cannot read config file '" + path + "'");
  std::vector<Entry> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    std::size_t eq = t.find('=');
    std::string origin = path + ":" + std::to_string(n);
    if (eq == std::string::npos) {
      return Status::InvalidArgument(origin + ": expected 'key = value', got '" + t + "'");
    }
    Entry e{Trim(t.substr(0, eq)), Trim(t.substr(eq + 1)), origin};
    if (e.key == "config" || FindSetting(e.key) == nullptr) {
      return Status::InvalidArgument(origin + ": unknown setting '" + e.key + "' (see kb-server --help)");
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Reads --token-file into c->token.
Status ReadTokenFile(Config* c) {
  if (c->token_file.empty()) return Status::Ok();
  std::ifstream in(c->token_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::InvalidArgument("cannot read token file '" + c->token_file + "'");
  const std::string token = Trim(text.str());
  if (token.empty()) return Status::Ok();
  if (!c->token.empty() && c->token != token) {
    return Status::InvalidArgument("both a token and a token file ('" + c->token_file + "') are given; keep one");
  }
  c->token = token;
  return Status::Ok();
}

Status Validate(const Config& c) {
  if (c.dbs.empty()) {
    return Status::InvalidArgument("no database given; pass --db PATH (or KB_DB, or 'db = PATH' in --config)");
  }
  for (const std::string& db : c.dbs) {
    if (db.rfind("remote:", 0) == 0) continue;
    std::error_code ec;
    if (!fs::exists(db, ec)) {
      return Status::InvalidArgument("database '" + db +
                                     "' does not exist; build it with: kb-index build SOURCE --db " + db);
    }
  }
  std::error_code ec;
  if (!fs::is_directory(c.web_root, ec) || !fs::is_regular_file(fs::path(c.web_root) / "index.html", ec)) {
    return Status::InvalidArgument("web root '" + c.web_root +
                                   "' is not a directory with index.html; pass --web-root DIR");
  }
  if (!c.token.empty()) {
    if (c.token.size() < 16) return Status::InvalidArgument("token is too short: use at least 16 characters");
    for (char ch : c.token) {
      if (ch <= ' ' || ch > '~') return Status::InvalidArgument("token must be printable ASCII without spaces");
    }
  }
  if (!c.group_header.empty() && c.user_header.empty()) {
    return Status::InvalidArgument("--group-header needs --user-header: groups belong to the user the proxy names");
  }
  if (!IsLoopback(c.host) && c.token.empty() && c.tokens_file.empty() && !c.allow_public) {
    return Status::InvalidArgument(
        "refusing to listen on " + c.host + " without a token: set --token, --token-file or --tokens-file " +
        "(KB_TOKEN, KB_TOKEN_FILE, KB_TOKENS_FILE), or pass --allow-public to let anyone who can reach this " +
        "address search the index. kb-server speaks plain HTTP, so tokens would cross the network in clear: " +
        "keep kb-server on 127.0.0.1 and put a TLS proxy in front (nginx site: docs/deploy/nginx-kb.conf, " +
        "installed as /usr/share/doc/kb-server/examples/nginx-kb.conf)");
  }
  return Status::Ok();
}

// The installed page next to an installed binary, else the source tree's (compiled in).
std::string DefaultWebRoot() {
  char exe[4096];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::error_code ec;
    fs::path installed = fs::path(std::string(exe, static_cast<std::size_t>(n))).parent_path() / KB_WEB_ROOT_FROM_BIN;
    if (fs::is_regular_file(installed / "index.html", ec)) return installed.lexically_normal().string();
  }
  return KB_WEB_ROOT;
}

}  // namespace

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::string Usage() {
  return R"(Usage: kb-server --db PATH [--db PATH2 ...] [options]

Serves the knowledge base: a JSON API under /api, a web page at /, and /healthz, /readyz, /metrics.

Options (environment variable in brackets; precedence: flags > config file > environment > default):
  --db PATH               database to search; repeat to search several as one        [KB_DB, comma-separated]
  --host ADDR             address to bind (default 127.0.0.1)                         [KB_HOST]
  --port N                TCP port, 0 = any free port (default 8080)                  [KB_PORT]
  --token T               require 'Authorization: Bearer T' on /api (>= 16 chars); T has every scope [KB_TOKEN]
  --token-file F          --token's value read from F (trimmed); an empty F means no token [KB_TOKEN_FILE]
  --tokens-file FILE      scoped tokens and user/group scopes, re-read when it changes  [KB_TOKENS_FILE]
                          lines: LABEL TOKEN|sha256:HEX SCOPES / @user:NAME SCOPES / @group:NAME SCOPES
                          scopes: search, assist, insights, events, admin, all (comma-separated)
  --trusted-proxy CIDRS   peers whose identity headers count (default 127.0.0.0/8,::1) [KB_TRUSTED_PROXY]
  --user-header NAME      header naming the user, set by a trusted SSO proxy           [KB_USER_HEADER]
  --group-header NAME     header listing the user's groups, comma-separated            [KB_GROUP_HEADER]
  --mask-pattern REGEX    mask ids matching REGEX as <id> in the usage log; repeatable [KB_MASK_PATTERN]
  --threads N             worker threads, each with its own index handle (default 16) [KB_THREADS]
  --web-root DIR          directory of the web page (default: the installed one)      [KB_WEB_ROOT]
  --config FILE           read 'key = value' lines; keys are the flag names            [KB_CONFIG]
  --allow-public          allow a non-loopback --host without a token                  [KB_ALLOW_PUBLIC]
  --access-log DEST       JSON-lines access log: - (stderr), off, or a file (default -) [KB_ACCESS_LOG]
  --max-query-bytes N     longest accepted query (default 4096)                        [KB_MAX_QUERY_BYTES]
  --max-body-bytes N      largest accepted request body (default 65536)                [KB_MAX_BODY_BYTES]
  --request-timeout S     read/write timeout per request, seconds (default 10)         [KB_REQUEST_TIMEOUT]
  --keep-alive S          idle keep-alive timeout, seconds (default 2)                 [KB_KEEP_ALIVE]
  --reload-interval-ms N  how often workers check for a new index revision (default 200) [KB_RELOAD_INTERVAL_MS]
  --rate-limit R          requests/second per client address on /api, 0 = off (default 0) [KB_RATE_LIMIT]
  --rate-burst N          burst above --rate-limit (default 20)                        [KB_RATE_BURST]
  --usage-log PATH|off    usage log for /api/insights (default: kb-usage.sqlite next to the first --db) [KB_USAGE_LOG]
  --usage-retention-days N  days the usage log keeps events (default 90)               [KB_USAGE_RETENTION_DAYS]
  --popularity-boost X    rank often opened/copied items higher, 0 = off (default 0)   [KB_POPULARITY_BOOST]
  --max-queue N           requests that may wait for a busy worker; more get 503 at once (default 64) [KB_MAX_QUEUE]
  --header-timeout S      close a connection whose request has not fully arrived in S seconds (default 5) [KB_HEADER_TIMEOUT]
  --max-query-terms N     400 for a search of more terms after expansion; a wildcard counts 50 (default 1000) [KB_MAX_QUERY_TERMS]
  --remote-timeout-ms N   connect/reply timeout for remote:HOST:PORT shards (default 10000) [KB_REMOTE_TIMEOUT_MS]
  --allow-partial         a remote shard down: answer from the others, "partial_results": true (default: 503) [KB_ALLOW_PARTIAL]
  --slack-signing-secret-file FILE  turn on POST /slack/commands, verified with this Slack signing secret [KB_SLACK_SIGNING_SECRET_FILE]
  --public-url URL        the page's public address, for links in Slack answers    [KB_PUBLIC_URL]
  --help, --version

SIGTERM or SIGINT stops accepting connections and lets requests in flight finish.
kb-server speaks plain HTTP. To serve beyond this machine, keep it on 127.0.0.1 with a token and put a
TLS proxy in front: docs/deploy/nginx-kb.conf (installed in /usr/share/doc/kb-server/examples/).
)";
}

Result<Invocation> LoadConfig(int argc, const char* const* argv,
                              const std::function<std::optional<std::string>(const char*)>& getenv) {
  Invocation inv;
  inv.config.web_root = DefaultWebRoot();
  CLI::App app("kb-server", "kb-server");
  // Unknown options and stray arguments are reported below, in kb-server's words.
  app.allow_extras();
  flags::AddHelp(&app);  // main prints Usage(), not CLI11's layout
  CLI::Option* version = app.add_flag("--version")->disable_flag_override();
  // Each setting's values as given, in order; they are applied after the environment and the file.
  std::vector<std::pair<const Setting*, CLI::Option*>> options;
  for (const Setting& s : kSettings) {
    const std::string flag = std::string("--") + s.key;
    CLI::Option* option = s.is_switch ? app.add_flag(flag) : app.add_option(flag);
    options.emplace_back(&s, option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
  }
  try {
    flags::Parse(&app, argc, argv);
  } catch (const CLI::CallForHelp&) {
    inv.action = Invocation::Action::kHelp;
    return inv;
  } catch (const CLI::ParseError& e) {
    return Status::InvalidArgument(flags::ErrorMessage(e));
  }
  if (version->count() > 0) {
    inv.action = Invocation::Action::kVersion;
    return inv;
  }
  if (const std::vector<std::string> extra = flags::Unrecognised(app); !extra.empty()) {
    const std::string& arg = extra.front();
    if (arg.rfind("--", 0) == 0) {
      return Status::InvalidArgument("unknown option '" + arg.substr(0, arg.find('=')) + "' (see kb-server --help)");
    }
    return Status::InvalidArgument("unexpected argument '" + arg + "' (see kb-server --help)");
  }
  std::vector<Entry> flag_entries;
  for (const auto& [setting, option] : options) {
    for (const std::string& value : option->results())
      flag_entries.push_back({setting->key, value, option->get_name()});
  }

  Config& c = inv.config;
  ListOwners db_owner;
  for (const Setting& s : kSettings) {
    if (std::optional<std::string> v = getenv(s.env)) {
      Status st = Apply({s.key, *v, std::string("env ") + s.env}, "env", &db_owner, &c);
      if (!st.ok()) return st;
    }
  }
  for (const Entry& e : flag_entries) {
    if (e.key == "config") c.config_file = e.value;
  }
  if (!c.config_file.empty()) {
    Result<std::vector<Entry>> file = ReadFile(c.config_file);
    if (!file.ok()) return file.status();
    for (const Entry& e : *file) {
      Status st = Apply(e, "file", &db_owner, &c);
      if (!st.ok()) return st;
    }
  }
  for (const Entry& e : flag_entries) {
    Status st = Apply(e, "flags", &db_owner, &c);
    if (!st.ok()) return st;
  }
  if (Status st = ReadTokenFile(&c); !st.ok()) return st;
  Status st = Validate(c);
  if (!st.ok()) return st;
  return inv;
}

}  // namespace kb::server
