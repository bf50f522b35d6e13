#include "rerank_key.h"

namespace kb::internal {
namespace {

constexpr char kFlagBase = '@';
constexpr char kAnswer = 1, kProblem = 2, kProcess = 4, kIncident = 8, kAboutKb = 16;

// A flags byte is '@' and up; a boost (digits, '.') or the end of the value is below it.
bool IsFlags(std::string_view value, std::size_t at) {
  return at < value.size() && static_cast<unsigned char>(value[at]) >= static_cast<unsigned char>(kFlagBase);
}

}  // namespace

std::string EncodeRerankKey(const RerankKey& key) {
  std::string out = key.id;
  out += '\0';
  out += static_cast<char>(kFlagBase | (key.answer ? kAnswer : 0) | (key.names_problem ? kProblem : 0) |
                           (key.process ? kProcess : 0) | (key.ended.empty() ? 0 : kIncident) |
                           (key.about_kb ? kAboutKb : 0));
  out += key.ended.empty() ? key.stale_after : key.ended;
  out += '\0';
  out += key.boost;
  if (key.about_kb) {
    out += '\0';
    for (char c : key.title) out += c == '\0' ? ' ' : c;
  }
  return out;
}

RerankKey DecodeRerankKey(std::string_view value) {
  RerankKey key;
  // Read from the end: the fields after the id hold no 0 byte, whatever the id holds.
  std::size_t boost_at = value.rfind('\0');
  std::size_t boost_end = value.size();
  if (boost_at == std::string_view::npos || boost_at == 0) return key;
  std::size_t flags_at = value.rfind('\0', boost_at - 1);
  // An item about kb has its title after the boost: the byte after the 0 before the boost is then no flags byte.
  if (flags_at != std::string_view::npos && flags_at > 0 && !IsFlags(value, flags_at + 1)) {
    const std::size_t before = value.rfind('\0', flags_at - 1);
    if (before != std::string_view::npos && IsFlags(value, before + 1) && (value[before + 1] & kAboutKb)) {
      key.title = value.substr(boost_at + 1);
      boost_end = boost_at;
      boost_at = flags_at;
      flags_at = before;
    }
  }
  if (flags_at == std::string_view::npos || flags_at + 1 >= boost_at) return key;
  key.id = value.substr(0, flags_at);
  const char flags = value[flags_at + 1];
  key.answer = flags & kAnswer;
  key.names_problem = flags & kProblem;
  key.process = flags & kProcess;
  key.about_kb = flags & kAboutKb;
  (flags & kIncident ? key.ended : key.stale_after) = value.substr(flags_at + 2, boost_at - flags_at - 2);
  key.boost = value.substr(boost_at + 1, boost_end - boost_at - 1);
  return key;
}

}  // namespace kb::internal
