// NormalizeQuery: the key that groups "refund failed" with "refunds failing" in the usage log and insights.
#include <xapian.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kb/usage_log.h"
#include "query_builder.h"
#include "stopwords.h"
#include "text.h"

namespace kb {
namespace {

// A field filter of the query syntax (query_builder.h), or a `title:` search: kept whole in the key.
bool IsFilterToken(std::string_view token) {
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos || colon + 1 == token.size()) return false;
  const std::string field = internal::AsciiLower(token.substr(0, colon));
  return field == "title" || internal::IsFilterField(field);
}

// Splits a token into lowercase words at every character that is not a letter, digit or connector ('_').
void AppendWords(std::string_view token, std::vector<std::string>* words) {
  std::string word;
  for (Xapian::Utf8Iterator it(token.data(), token.size()); it != Xapian::Utf8Iterator(); ++it) {
    if (Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(*it));
    } else if (!word.empty()) {
      words->push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words->push_back(std::move(word));
}

}  // namespace

std::string NormalizeQuery(std::string_view query) {
  std::vector<std::string> filters, words;
  std::size_t pos = 0;
  while (pos < query.size()) {
    const std::size_t end = std::min(query.find_first_of(" \t\r\n", pos), query.size());
    const std::string_view token = query.substr(pos, end - pos);
    if (IsFilterToken(token)) {
      filters.push_back(internal::AsciiLower(token));
    } else {
      AppendWords(token, &words);
    }
    pos = end + 1;
  }
  std::vector<std::string> keys;
  // A Stem keeps state while stemming: one per thread.
  thread_local const Xapian::Stem stem("english");
  for (const std::string& w : words) {
    if (!internal::IsStopword(w)) keys.push_back(stem(w));
  }
  if (keys.empty()) keys = std::move(words);  // "how to" is still a query worth grouping
  keys.insert(keys.end(), filters.begin(), filters.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::string out;
  for (const std::string& k : keys) {
    if (!out.empty()) out += ' ';
    out += k;
  }
  return out;
}

}  // namespace kb
