#include "rerank_key.h"

namespace kb::internal {
namespace {

constexpr char kFlagBase = '@';
constexpr char kAnswer = 1, kProblem = 2, kProcess = 4, kIncident = 8;

}  // namespace

std::string EncodeRerankKey(const RerankKey& key) {
  std::string out = key.id;
  out += '\0';
  out += static_cast<char>(kFlagBase | (key.answer ? kAnswer : 0) | (key.names_problem ? kProblem : 0) |
                           (key.process ? kProcess : 0) | (key.ended.empty() ? 0 : kIncident));
  out += key.ended.empty() ? key.stale_after : key.ended;
  out += '\0';
  out += key.boost;
  return out;
}

RerankKey DecodeRerankKey(std::string_view value) {
  RerankKey key;
  // Read from the end: the fields after the id hold no 0 byte, whatever the id holds.
  const std::size_t boost_at = value.rfind('\0');
  if (boost_at == std::string_view::npos || boost_at == 0) return key;
  const std::size_t flags_at = value.rfind('\0', boost_at - 1);
  if (flags_at == std::string_view::npos || flags_at + 1 >= boost_at) return key;
  key.id = value.substr(0, flags_at);
  const char flags = value[flags_at + 1];
  key.answer = flags & kAnswer;
  key.names_problem = flags & kProblem;
  key.process = flags & kProcess;
  (flags & kIncident ? key.ended : key.stale_after) = value.substr(flags_at + 2, boost_at - flags_at - 2);
  key.boost = value.substr(boost_at + 1);
  return key;
}

}  // namespace kb::internal
