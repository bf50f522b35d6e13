#include "tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace kb::server {
namespace {

constexpr const char* kScopeNames[] = {"search", "assist", "insights", "events", "admin"};
constexpr std::size_t kMaxFileBytes = 1 << 20;
constexpr auto kPollInterval = std::chrono::milliseconds(500);
// A file changed within this long of being read may change again without a visible change of its stamp
// (coarse timestamps, same size): it is read again, and compared by content, until it has been quiet.
constexpr long long kRacyNs = 2'000'000'000;

bool ParseScopeList(const std::string& list, ScopeSet* out) {
  *out = 0;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    if (name == "all") {
      *out |= kAllScopes;
      continue;
    }
    ScopeSet bit = 0;
    for (std::size_t i = 0; i < std::size(kScopeNames); ++i) {
      if (name == kScopeNames[i]) bit = ScopeSet{1} << i;
    }
    if (bit == 0) return false;
    *out |= bit;
  }
  return *out != 0 && list.back() != ',';
}

bool ValidLabel(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool ParseHexDigest(const std::string& hex, Digest* out) {
  if (hex.size() != 64) return false;
  for (std::size_t i = 0; i < 32; ++i) {
    unsigned v = 0;
    for (char c : hex.substr(2 * i, 2)) {
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else return false;
    }
    (*out)[i] = static_cast<unsigned char>(v);
  }
  return true;
}

// A plain token's problem, or "".
std::string TokenProblem(const std::string& token) {
  if (token.size() < 16) return "is too short: use at least 16 characters";
  if (token.size() > 512) return "is longer than 512 characters";
  for (char c : token) {
    if (c <= ' ' || c > '~') return "must be printable ASCII without spaces";
  }
  return "";
}

}  // namespace

const char* ScopeName(Scope scope) {
  for (std::size_t i = 0; i < std::size(kScopeNames); ++i) {
    if (scope == (ScopeSet{1} << i)) return kScopeNames[i];
  }
  return "unknown";
}

std::vector<std::string> ScopeNames(ScopeSet set) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < std::size(kScopeNames); ++i) {
    if (set & (ScopeSet{1} << i)) out.push_back(kScopeNames[i]);
  }
  return out;
}

Digest Sha256(std::string_view bytes) {
  Digest d{};
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), d.data(), &n, EVP_sha256(), nullptr) != 1 || n != d.size()) {
    d.fill(0);  // never equal to a configured token's digest: those are checked to be non-zero
  }
  return d;
}

const TokenEntry* TokenSet::Find(std::string_view presented) const {
  const Digest d = Sha256(presented);
  const TokenEntry* found = nullptr;
  for (const TokenEntry& e : tokens) {
    const bool same = CRYPTO_memcmp(d.data(), e.digest.data(), d.size()) == 0;
    found = same ? &e : found;
  }
  return found;
}

ScopeSet TokenSet::ScopesFor(const std::string& user, const std::vector<std::string>& member_of) const {
  ScopeSet out = 0;
  if (user.empty()) return out;
  for (const std::string& key : {user, std::string("*")}) {
    if (auto it = users.find(key); it != users.end()) out |= it->second;
  }
  for (const std::string& g : member_of) {
    if (auto it = groups.find(g); it != groups.end()) out |= it->second;
  }
  return out;
}

Result<TokenSet> ParseTokens(std::string_view text, const std::string& path) {
  TokenSet set;
  std::set<std::string> labels;
  std::set<Digest> digests;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string at = path + ":" + std::to_string(n) + ": ";
    if (std::size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::vector<std::string> f;
    for (std::string w; words >> w;) f.push_back(w);
    if (f.empty()) continue;
    ScopeSet scopes = 0;
    const bool mapping = f[0][0] == '@';
    if (f.size() != (mapping ? 2u : 3u)) {
      return Status::InvalidArgument(at + (mapping ? "expected '@user:NAME SCOPES' or '@group:NAME SCOPES'"
                                                   : "expected 'LABEL TOKEN SCOPE[,SCOPE...]'"));
    }
    if (!ParseScopeList(f.back(), &scopes)) {
      return Status::InvalidArgument(at + "unknown scope list '" + f.back() +
                                     "'; use search, assist, insights, events, admin or all, comma-separated");
    }
    if (mapping) {
      const bool user = f[0].rfind("@user:", 0) == 0, group = f[0].rfind("@group:", 0) == 0;
      const std::string name = f[0].substr(user ? 6 : 7);
      if ((!user && !group) || name.empty()) {
        return Status::InvalidArgument(at + "'" + f[0] + "' is neither @user:NAME nor @group:NAME");
      }
      (user ? set.users : set.groups)[name] |= scopes;
      continue;
    }
    TokenEntry e{f[0], {}, scopes};
    if (!ValidLabel(e.label)) {
      return Status::InvalidArgument(at + "label '" + e.label + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    if (!labels.insert(e.label).second) return Status::InvalidArgument(at + "label '" + e.label + "' is used twice");
    if (f[1].rfind("sha256:", 0) == 0) {
      if (!ParseHexDigest(f[1].substr(7), &e.digest)) {
        return Status::InvalidArgument(at + "token of '" + e.label + "': sha256: needs 64 hex digits");
      }
    } else if (std::string problem = TokenProblem(f[1]); !problem.empty()) {
      return Status::InvalidArgument(at + "token of '" + e.label + "' " + problem);
    } else {
      e.digest = Sha256(f[1]);
    }
    if (!digests.insert(e.digest).second) {
      return Status::InvalidArgument(at + "the token of '" + e.label + "' is also another label's token");
    }
    set.tokens.push_back(std::move(e));
  }
  return set;
}

Result<std::unique_ptr<TokenStore>> TokenStore::Open(const std::string& path, const std::string& single_token,
                                                     Logger log) {
  std::unique_ptr<TokenStore> store(new TokenStore(path, single_token, std::move(log)));
  Result<TokenSet> set = store->Load(&store->stamp_, &store->content_);
  if (!set.ok()) return set.status();
  store->current_ = std::make_shared<const TokenSet>(std::move(*set));
  struct stat st {};
  if (!path.empty() && ::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0) {
    store->log_("warn", "tokens file " + path + " is readable by every user: chmod o-r it, or store sha256: forms");
  }
  if (!path.empty()) store->poller_ = std::thread([raw = store.get()] { raw->Poll(); });
  return store;
}

TokenStore::~TokenStore() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

std::shared_ptr<const TokenSet> TokenStore::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

Result<TokenSet> TokenStore::Load(FileStamp* stamp, Digest* content) const {
  TokenSet set;
  if (!path_.empty()) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
      return Status::InvalidArgument("cannot read tokens file '" + path_ + "': " + std::strerror(errno));
    }
    *stamp = {st.st_ino, static_cast<unsigned long long>(st.st_size),
              st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
    std::ifstream in(path_, std::ios::binary);
    std::string text;
    if (in) text.assign(std::istreambuf_iterator<char>(in), {});
    if (!in && !in.eof()) return Status::InvalidArgument("cannot read tokens file '" + path_ + "'");
    if (text.size() > kMaxFileBytes) return Status::InvalidArgument("tokens file '" + path_ + "' is over 1 MiB");
    *content = Sha256(text);
    Result<TokenSet> parsed = ParseTokens(text, path_);
    if (!parsed.ok()) return parsed.status();
    set = std::move(*parsed);
  }
  if (!single_token_.empty()) {
    const Digest d = Sha256(single_token_);
    for (const TokenEntry& e : set.tokens) {
      if (e.digest == d) return Status::InvalidArgument("--token is also the token of '" + e.label + "' in " + path_);
    }
    set.tokens.push_back({"token", d, kAllScopes});
  }
  return set;
}

void TokenStore::Poll() {
  using Clock = std::chrono::system_clock;
  std::unique_lock<std::mutex> lock(mu_);
  bool failing = false;
  while (!stop_cv_.wait_for(lock, kPollInterval, [this] { return stop_; })) {
    lock.unlock();
    struct stat st {};
    FileStamp now_stamp;
    if (::stat(path_.c_str(), &st) == 0) {
      now_stamp = {st.st_ino, static_cast<unsigned long long>(st.st_size),
                   st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
    }
    const long long now_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
    const bool racy = now_ns - stamp_.mtime_ns < kRacyNs;
    std::shared_ptr<const TokenSet> fresh;
    if (!(now_stamp == stamp_) || racy) {
      FileStamp stamp;
      Digest content{};
      Result<TokenSet> set = Load(&stamp, &content);
      if (set.ok()) {
        const bool changed = content != content_ || failing;
        stamp_ = stamp;
        content_ = content;
        failing = false;
        if (changed) {
          fresh = std::make_shared<const TokenSet>(std::move(*set));
          log_("info", "tokens file " + path_ + " reloaded: " + std::to_string(fresh->tokens.size()) + " tokens, " +
                           std::to_string(fresh->users.size() + fresh->groups.size()) + " user/group mappings");
        }
      } else if (!(now_stamp == stamp_) || !failing) {
        stamp_ = now_stamp;
        failing = true;
        log_("error", set.status().message() + "; keeping the tokens loaded before");
      }
    }
    lock.lock();
    if (fresh) current_ = std::move(fresh);
  }
}

}  // namespace kb::server
