// Scoped API tokens and the user/group mappings of a proxy identity, read from a tokens file.
//
// The file (--tokens-file) has one entry per line; '#' starts a comment, blank lines are ignored:
//   LABEL  TOKEN            SCOPE[,SCOPE...]    a token: its label names it in the access log
//   LABEL  sha256:HEX       SCOPE[,SCOPE...]    the same, storing only the SHA-256 of the token (64 hex digits)
//   @user:NAME              SCOPE[,SCOPE...]    what the proxy-identified user NAME may do
//   @user:*                 SCOPE[,SCOPE...]    what any proxy-identified user may do
//   @group:NAME             SCOPE[,SCOPE...]    what members of group NAME may do (--group-header)
// Scopes: search, assist, insights, events, admin, or all. Labels are [A-Za-z0-9._-]{1,64}, unique; tokens
// are 16-512 printable ASCII characters without spaces, unique.
//
// TokenStore holds the current set and re-reads the file when it changes (its inode, size or modification
// time, checked every 500 ms by a background thread). A file that no longer parses keeps the previous set
// and logs an error naming path:line.
//
// Thread-safety: ParseTokens and TokenSet are plain values; TokenStore::Current() may be called from any thread.
#ifndef KB_SERVER_TOKENS_H_
#define KB_SERVER_TOKENS_H_

#include <array>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kb/status.h"

namespace kb::server {

// A set of scopes, one bit each.
using ScopeSet = unsigned;
enum Scope : ScopeSet { kSearch = 1, kAssist = 2, kInsights = 4, kEvents = 8, kAdmin = 16 };
inline constexpr ScopeSet kAllScopes = kSearch | kAssist | kInsights | kEvents | kAdmin;

// "search", "assist", ... for one scope bit.
const char* ScopeName(Scope scope);
// The names of the scopes in `set`, in the order above.
std::vector<std::string> ScopeNames(ScopeSet set);

using Digest = std::array<unsigned char, 32>;
// SHA-256 (OpenSSL EVP).
Digest Sha256(std::string_view bytes);

struct TokenEntry {
  std::string label;
  Digest digest{};  // SHA-256 of the token
  ScopeSet scopes = 0;
};

struct TokenSet {
  std::vector<TokenEntry> tokens;
  std::map<std::string, ScopeSet> users;  // "*" = any identified user
  std::map<std::string, ScopeSet> groups;

  // The entry whose token is `presented`, or null. Compares digests in constant time, against every entry.
  const TokenEntry* Find(std::string_view presented) const;
  // The union of the scopes mapped to `user` (and "*") and to each of `groups`.
  ScopeSet ScopesFor(const std::string& user, const std::vector<std::string>& groups) const;
};

// Parses the text of a tokens file; errors are InvalidArgument "PATH:LINE: what; what to do".
Result<TokenSet> ParseTokens(std::string_view text, const std::string& path);

class TokenStore {
 public:
  using Logger = std::function<void(const std::string& level, const std::string& msg)>;
  // `path` may be "" (only `single_token`); `single_token` (--token) may be "" and otherwise becomes the
  // entry labelled "token" with every scope. Fails when the file cannot be read or does not parse.
  static Result<std::unique_ptr<TokenStore>> Open(const std::string& path, const std::string& single_token, Logger log);
  ~TokenStore();
  TokenStore(const TokenStore&) = delete;
  TokenStore& operator=(const TokenStore&) = delete;

  std::shared_ptr<const TokenSet> Current() const;

 private:
  struct FileStamp {
    unsigned long long inode = 0, size = 0;
    long long mtime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  TokenStore(std::string path, std::string single_token, Logger log)
      : path_(std::move(path)), single_token_(std::move(single_token)), log_(std::move(log)) {}
  Result<TokenSet> Load(FileStamp* stamp, Digest* content) const;
  void Poll();

  const std::string path_;
  const std::string single_token_;
  const Logger log_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::shared_ptr<const TokenSet> current_;  // guarded by mu_
  FileStamp stamp_;                          // poller thread only
  Digest content_{};                         // poller thread only: SHA-256 of the last text read
  std::thread poller_;
};

}  // namespace kb::server

#endif  // KB_SERVER_TOKENS_H_
