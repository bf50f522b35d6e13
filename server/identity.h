// Who is asking: the identity a trusted single-sign-on proxy puts in a header, and the decision which scopes
// a request has (a bearer token, or the proxy's user and groups mapped in the tokens file).
//
// The user header (--user-header) and the group header (--group-header, comma-separated names) count only
// when the connection comes from an address in --trusted-proxy (default: loopback, 127.0.0.0/8 and ::1);
// from anywhere else they are ignored, so a client cannot name itself.
//
// Thread-safety: Access is immutable after construction, apart from the TokenStore it reads (thread-safe).
#ifndef KB_SERVER_IDENTITY_H_
#define KB_SERVER_IDENTITY_H_

#include <httplib.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "kb/status.h"
#include "tokens.h"

namespace kb::server {

// An IPv4 or IPv6 network; IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d), so each matches both forms.
struct Cidr {
  std::array<unsigned char, 16> addr{};
  int prefix = 0;  // of 128 bits
};

// "10.0.0.0/8,::1,192.168.1.7": a bare address is a /32 (/128). InvalidArgument names the bad entry.
Result<std::vector<Cidr>> ParseCidrs(std::string_view list);
// True if `address` (as httplib's remote_addr gives it) lies in one of `nets`.
bool InNetworks(const std::vector<Cidr>& nets, const std::string& address);

// What a request may do, and the names the logs show for it.
struct Principal {
  bool authenticated = false;  // a known token, a proxy-identified user, or an open server
  std::string kind;            // "open" (no tokens configured), "token", "proxy", "" (unknown)
  std::string label;           // the token's label, or "user:NAME"; never the token
  std::string user;            // the proxy-identified user ("" without one)
  ScopeSet scopes = 0;
};

class Access {
 public:
  // `tokens` null = no tokens configured: every request may do everything (bind to loopback, or --allow-public).
  Access(const TokenStore* tokens, std::vector<Cidr> trusted, std::string user_header, std::string group_header)
      : tokens_(tokens),
        trusted_(std::move(trusted)),
        user_header_(std::move(user_header)),
        group_header_(std::move(group_header)) {}

  bool enabled() const { return tokens_ != nullptr; }
  // The bearer token decides when the request carries an Authorization header (unknown: not authenticated);
  // otherwise the proxy's user, with the scopes the tokens file maps to the user and the groups.
  Principal Identify(const httplib::Request& req) const;
  // The user the trusted proxy vouched for ("" when none, or the peer is not trusted).
  std::string ProxyUser(const httplib::Request& req) const;
  // A request straight from this host: a loopback peer that relays for no one (no forwarding or identity
  // headers).
  bool DirectLocal(const httplib::Request& req) const;

 private:
  std::vector<std::string> ProxyGroups(const httplib::Request& req) const;

  const TokenStore* const tokens_;
  const std::vector<Cidr> trusted_;
  const std::string user_header_;
  const std::string group_header_;
};

}  // namespace kb::server

#endif  // KB_SERVER_IDENTITY_H_
