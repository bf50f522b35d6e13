// POST /slack/commands: the `/kb` slash command (docs/slack/README.md).
//
// Slack signs each request: X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret,
// "v0:{X-Slack-Request-Timestamp}:{raw body}"). The endpoint answers only requests whose signature matches
// (compared in constant time), whose timestamp is within five minutes, and which it has not seen before; it
// needs no kb token. The answer is Block Kit JSON, private to the caller (`ephemeral`) unless the command
// starts with `share`.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <chrono>
#include <deque>
#include <mutex>
#include <unordered_set>

#include "api_json.h"
#include "assist.h"

namespace kb::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSlackBodyBytes = 8u << 10;  // Slack sends a few hundred bytes; a command is ≤ 4,000 chars
constexpr long kMaxSkewSeconds = 300;
constexpr int kTopHits = 3;
constexpr std::size_t kMaxBlockText = 2900;  // Slack's limit for a section's text is 3,000 characters

// Signatures already answered, for five minutes: a captured request cannot be sent again.
class ReplayGuard {
 public:
  // False if `signature` was seen within the window; records it otherwise.
  bool FirstUse(const std::string& signature, long now) {
    std::lock_guard<std::mutex> lock(mu_);
    while (!order_.empty() && (order_.front().first < now - 2 * kMaxSkewSeconds || order_.size() > 100000)) {
      seen_.erase(order_.front().second);
      order_.pop_front();
    }
    if (!seen_.insert(signature).second) return false;
    order_.emplace_back(now, signature);
    return true;
  }

 private:
  std::mutex mu_;
  std::unordered_set<std::string> seen_;
  std::deque<std::pair<long, std::string>> order_;
};

std::string Hex(const unsigned char* bytes, unsigned int n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

// "v0=" + hex HMAC-SHA256 of the base string, with OpenSSL.
std::string Sign(const std::string& secret, const std::string& timestamp, const std::string& body) {
  const std::string base = "v0:" + timestamp + ":" + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac, &len) == nullptr) {
    return "";
  }
  return "v0=" + Hex(mac, len);
}

bool SameSignature(const std::string& expected, const std::string& given) {
  return !expected.empty() && expected.size() == given.size() &&
         CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

// Why the request is not Slack's, or "" when it is.
std::string Unauthentic(const ServerState& s, const httplib::Request& req, ReplayGuard& replays) {
  const std::string timestamp = req.get_header_value("X-Slack-Request-Timestamp");
  const std::string signature = req.get_header_value("X-Slack-Signature");
  if (timestamp.empty() || signature.empty()) {
    return "missing X-Slack-Signature or X-Slack-Request-Timestamp: only Slack may call this endpoint";
  }
  long ts = 0;
  const auto [ptr, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || ptr != timestamp.data() + timestamp.size())
    return "X-Slack-Request-Timestamp is not a number";
  const long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (ts < now - kMaxSkewSeconds || ts > now + kMaxSkewSeconds) {
    return "stale X-Slack-Request-Timestamp (more than 5 minutes from the server's clock)";
  }
  if (!SameSignature(Sign(s.config.slack_signing_secret, timestamp, req.body), signature)) {
    return "X-Slack-Signature does not match: check the signing secret given to --slack-signing-secret-file";
  }
  if (!replays.FirstUse(signature, now)) return "this signed request was already answered (replay)";
  return "";
}

std::string_view Trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded → name → value (last wins).
std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  const auto decode = [](std::string_view s) {
    std::string v;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        v += ' ';
      } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
        v += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
        i += 2;
      } else {
        v += s[i];
      }
    }
    return v;
  };
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const std::size_t eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

// Slack mrkdwn needs &, < and > escaped; everything else is literal.
std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

// At most `limit` bytes, cut at a character boundary, with "…" when cut.
std::string Clip(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "\xE2\x80\xA6";
}

std::string PercentEncode(std::string_view s) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

json Section(const std::string& mrkdwn) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", Clip(mrkdwn, kMaxBlockText)}}}};
}
json Context(const std::string& mrkdwn) {
  return {{"type", "context"},
          {"elements", json::array({{{"type", "mrkdwn"}, {"text", Clip(mrkdwn, kMaxBlockText)}}})}};
}

// "*<link|Title>* · Section" and a line of owner, tier, stale flag and contact, for one /api/search result.
json HitBlock(const ServerState& s, const json& hit) {
  const std::string anchor = hit["section"].value("anchor", "");
  std::string title = "*" + Escape(hit.value("title", "")) + "*";
  if (!s.config.public_url.empty()) {
    const std::string url = s.config.public_url + "/#item=" + PercentEncode(hit.value("id", "")) +
                            (anchor.empty() ? "" : "&s=" + PercentEncode(anchor));
    title = "*<" + url + "|" + Escape(hit.value("title", "")) + ">*";
  }
  const std::string section = hit["section"].value("title", "");
  if (!section.empty() && section != hit.value("title", "")) title += " \xC2\xB7 " + Escape(section);
  const json& esc = hit.contains("escalation") ? hit["escalation"] : json::object();
  std::string facts = std::string(hit.value("kind", "") == "answer" ? "scripted answer" : "article") +
                      " \xC2\xB7 owner: " + Escape(hit.value("owner", "")) +
                      " \xC2\xB7 tier: " + (hit.value("tier", "").empty() ? "-" : hit.value("tier", ""));
  if (hit.value("stale", false)) facts += " \xC2\xB7 :warning: stale since " + hit.value("stale_after", "");
  if (!esc.value("contact", "").empty()) facts += " \xC2\xB7 contact: " + Escape(esc.value("contact", ""));
  return Section(title + "\n" + facts);
}

json Reply(bool share, std::string fallback, json blocks) {
  return {{"response_type", share ? "in_channel" : "ephemeral"},
          {"text", Clip(std::move(fallback), 300)},
          {"blocks", std::move(blocks)}};
}

json Help() {
  return Reply(false, "kb: search the knowledge base",
               json::array({Section("*Usage*\n`/kb QUERY`: the top 3 articles with owner, tier and contact\n"
                                    "`/kb assist TICKET TEXT`: the article, the filled reply and who to escalate to\n"
                                    "Start with `share` (`/kb share QUERY`) to post the answer in the channel.")}));
}

Result<json> SearchReply(ServerState& s, const std::string& query, bool share) {
  SearchRequest sr;
  sr.query = query;
  sr.size = kTopHits;
  sr.snippets = false;
  Result<SearchResponse> r = WithSearcher(s, [&](Searcher& x) { return x.Search(sr); });
  if (!r.ok()) return r.status();
  json results = SearchJson(*r)["results"];
  AddEscalations(s, &results);
  json blocks = json::array({Section("*kb* results for _" + Escape(Clip(query, 200)) + "_")});
  for (const json& hit : results) blocks.push_back(HitBlock(s, hit));
  if (results.empty()) blocks.push_back(Section("Nothing in kb matches. Try other words, or an error code."));
  return Reply(share, "kb: " + std::to_string(results.size()) + " results for " + query, std::move(blocks));
}

Result<json> AssistReply(ServerState& s, const std::string& text, const std::string& user, bool share) {
  AssistRequest ar;
  ar.ticket.text = text;
  ar.ticket.agent = user;
  ar.results = 2;
  Result<json> r = Assist(s, ar);
  if (!r.ok()) return r.status();
  json blocks = json::array();
  if (r->at("article").is_object()) {
    blocks.push_back(HitBlock(s, r->at("article")));
  } else {
    blocks.push_back(Section("No kb article explains this ticket yet."));
  }
  if (r->at("answer").is_object()) {
    const json& a = r->at("answer");
    blocks.push_back(Section("*Reply* (" + Escape(a.value("title", "")) + ")\n```" +
                             Clip(Escape(a.value("text", "")), kMaxBlockText - 200) + "```"));
    std::string missing;
    for (const json& m : a["missing"])
      missing += (missing.empty() ? "" : ", ") + std::string("`") + m.get<std::string>() + "`";
    blocks.push_back(Context(missing.empty() ? "Every field is filled." : "Still to fill: " + missing));
  } else if (r->at("article").is_object()) {
    blocks.push_back(Context("No scripted answer is written for this article: write the reply yourself."));
  }
  if (r->at("escalation").is_object()) {
    const json& e = r->at("escalation");
    blocks.push_back(Context("Escalate to *" + Escape(e.value("team", "")) + "*" +
                             (e.value("contact", "").empty() ? "" : ": " + Escape(e.value("contact", ""))) +
                             (e.value("hours", "").empty() ? "" : " (" + Escape(e.value("hours", "")) + ")")));
  }
  for (const json& hit : r->at("results")) blocks.push_back(HitBlock(s, hit));
  return Reply(share, "kb assist", std::move(blocks));
}

}  // namespace

void post_slack_command(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  static ReplayGuard replays;
  if (s.config.slack_signing_secret.empty()) {
    return SendError(res, 404, "not_found", "Slack commands are off; start kb-server with --slack-signing-secret-file");
  }
  if (req.body.size() > kMaxSlackBodyBytes) {
    return SendError(res, 413, "payload_too_large",
                     "a slash command body is at most " + std::to_string(kMaxSlackBodyBytes) + " bytes");
  }
  if (const std::string why = Unauthentic(s, req, replays); !why.empty()) {
    return SendError(res, 401, "unauthorized", why);
  }
  const std::map<std::string, std::string> form = ParseForm(req.body);
  const auto field = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  std::string text(field("text"));
  const auto take_word = [&](std::string_view word) {
    const std::size_t start = text.find_first_not_of(" \t\n");
    if (start == std::string::npos || text.compare(start, word.size(), word) != 0) return false;
    const std::size_t end = start + word.size();
    if (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\t') return false;
    text.erase(0, end);
    return true;
  };
  const bool share = take_word("share");
  const bool assist = take_word("assist");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos || (!assist && Trim(text) == "help"))
    return SendJson(res, Help());
  Result<json> reply =
      assist ? AssistReply(s, text, field("user_name"), share)
             : SearchReply(s, std::string(Trim(text)).substr(0, s.config.searcher.max_query_bytes), share);
  if (!reply.ok()) {
    // Slack shows a non-200 answer as a bare failure; say what happened in the channel instead.
    return SendJson(res, Reply(false, "kb could not answer",
                               json::array({Section("kb could not answer: " + Escape(reply.status().message()))})));
  }
  SendJson(res, *reply);
}

}  // namespace kb::server
