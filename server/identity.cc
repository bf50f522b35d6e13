#include "identity.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <sstream>

namespace kb::server {
namespace {

constexpr std::size_t kMaxUserBytes = 128;
constexpr std::size_t kMaxGroups = 64;

// `text` as an IPv6 address (IPv4 mapped), or false.
bool ParseAddress(std::string text, std::array<unsigned char, 16>* out) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (std::size_t zone = text.find('%'); zone != std::string::npos) text.resize(zone);
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    out->fill(0);
    (*out)[10] = (*out)[11] = 0xff;
    std::memcpy(out->data() + 12, &v4, 4);
    return true;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  std::memcpy(out->data(), &v6, 16);
  return true;
}

bool Contains(const Cidr& net, const std::array<unsigned char, 16>& a) {
  for (int bit = 0; bit < net.prefix; ++bit) {
    const int byte = bit / 8, mask = 0x80 >> (bit % 8);
    if ((net.addr[byte] & mask) != (a[byte] & mask)) return false;
  }
  return true;
}

// A header value fit to name a user or group: printable, no control bytes, bounded.
bool Printable(const std::string& s) {
  if (s.empty() || s.size() > kMaxUserBytes) return false;
  return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string Trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

Result<std::vector<Cidr>> ParseCidrs(std::string_view list) {
  std::vector<Cidr> out;
  std::stringstream in{std::string(list)};
  for (std::string part; std::getline(in, part, ',');) {
    part = Trim(part);
    if (part.empty()) continue;
    Cidr net;
    std::string addr = part;
    const std::size_t slash = part.find('/');
    if (slash != std::string::npos) addr = part.substr(0, slash);
    if (!ParseAddress(addr, &net.addr)) {
      return Status::InvalidArgument("trusted proxy '" + part +
                                     "' is not an IP address or CIDR range (10.0.0.0/8, ::1)");
    }
    const bool v4 = addr.find(':') == std::string::npos;
    const int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash != std::string::npos) {
      const std::string bits = part.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit) ||
          (prefix = std::stoi(bits)) > max) {
        return Status::InvalidArgument("trusted proxy '" + part + "': the prefix must be 0-" + std::to_string(max));
      }
    }
    net.prefix = v4 ? prefix + 96 : prefix;
    out.push_back(net);
  }
  return out;
}

bool InNetworks(const std::vector<Cidr>& nets, const std::string& address) {
  std::array<unsigned char, 16> a{};
  if (!ParseAddress(address, &a)) return false;
  return std::any_of(nets.begin(), nets.end(), [&](const Cidr& n) { return Contains(n, a); });
}

std::string Access::ProxyUser(const httplib::Request& req) const {
  if (user_header_.empty() || !req.has_header(user_header_) || !InNetworks(trusted_, req.remote_addr)) return "";
  std::string user = Trim(req.get_header_value(user_header_));
  return Printable(user) ? user : "";
}

std::vector<std::string> Access::ProxyGroups(const httplib::Request& req) const {
  std::vector<std::string> out;
  if (group_header_.empty() || !InNetworks(trusted_, req.remote_addr)) return out;
  std::stringstream in(req.get_header_value(group_header_));
  for (std::string g; std::getline(in, g, ',') && out.size() < kMaxGroups;) {
    g = Trim(g);
    if (Printable(g)) out.push_back(g);
  }
  return out;
}

bool Access::DirectLocal(const httplib::Request& req) const {
  std::array<unsigned char, 16> a{};
  if (!ParseAddress(req.remote_addr, &a)) return false;
  static const std::vector<Cidr> kLoopback = *ParseCidrs("127.0.0.0/8,::1");
  if (!std::any_of(kLoopback.begin(), kLoopback.end(), [&](const Cidr& n) { return Contains(n, a); })) return false;
  if (req.has_header("X-Forwarded-For") || req.has_header("Forwarded") || req.has_header("X-Real-IP")) return false;
  return user_header_.empty() || !req.has_header(user_header_);
}

Principal Access::Identify(const httplib::Request& req) const {
  Principal p;
  p.user = ProxyUser(req);
  if (!enabled()) {
    p.authenticated = true;
    p.kind = "open";
    p.label = p.user.empty() ? "" : "user:" + p.user;
    p.scopes = kAllScopes;
    return p;
  }
  const std::shared_ptr<const TokenSet> set = tokens_->Current();
  if (req.has_header("Authorization")) {
    const std::string h = req.get_header_value("Authorization");
    std::string scheme = h.substr(0, 7);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    const TokenEntry* e = scheme == "bearer " && h.size() > 7 ? set->Find(std::string_view(h).substr(7)) : nullptr;
    if (e != nullptr) {
      p.authenticated = true;
      p.kind = "token";
      p.label = e->label;
      p.scopes = e->scopes;
    }
    return p;
  }
  if (!p.user.empty()) {
    p.authenticated = true;
    p.kind = "proxy";
    p.label = "user:" + p.user;
    p.scopes = set->ScopesFor(p.user, ProxyGroups(req));
  }
  return p;
}

}  // namespace kb::server
