// Field filters (tag:, -owner:"x") taken out of a typed query, and its operators.
#include "query_parts.h"

#include <algorithm>
#include <cctype>

#include "query_builder.h"
#include "query_text.h"
#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb::internal {
// Moves `field:value` / `-field:"quoted value"` tokens from `text` into `filters`.
std::string ExtractFilters(std::string_view text, Filters* filters, std::string* filter_text) {
  std::string rest;
  std::size_t i = 0;
  while (i < text.size()) {
    if (IsSpace(text[i])) {
      rest += ' ';
      ++i;
      continue;
    }
    std::size_t start = i;
    bool negate = false;
    std::size_t p = i;
    if (text[p] == '-' || text[p] == '+') {
      negate = text[p] == '-';
      ++p;
    }
    std::size_t name_start = p;
    while (p < text.size() && std::isalpha(static_cast<unsigned char>(text[p]))) ++p;
    std::string name = AsciiLower(text.substr(name_start, p - name_start));
    if (p < text.size() && text[p] == ':' && IsFilterField(name) && p + 1 < text.size() && !IsSpace(text[p + 1])) {
      ++p;
      std::string value;
      if (text[p] == '"') {
        std::size_t close = text.find('"', p + 1);
        std::size_t end = close == std::string_view::npos ? text.size() : close;
        value = std::string(text.substr(p + 1, end - p - 1));
        p = close == std::string_view::npos ? text.size() : close + 1;
      } else {
        std::size_t end = p;
        while (end < text.size() && !IsSpace(text[end])) ++end;
        value = std::string(text.substr(p, end - p));
        p = end;
      }
      std::string term = FilterTerm(name, value);
      if (!term.empty()) {
        (negate ? filters->exclude : filters->include)[name].insert(term);
        if (!filter_text->empty()) *filter_text += ' ';
        *filter_text += std::string(text.substr(start, p - start));
      }
      i = p;
      continue;
    }
    // Not a filter: copy the token as it is.
    while (i < text.size() && !IsSpace(text[i])) rest += text[i++];
  }
  return std::string(Trim(rest));
}

// The query's tokens with their operator marks (+word, -word, word*) still on them.
std::vector<std::string> Tokens(std::string_view text) { return SplitQueryWords(text, kQueryTokenPunct); }

Xapian::Query FilterQuery(const Filters& filters) {
  std::vector<Xapian::Query> parts;
  for (const auto& [field, terms] : filters.include) {
    parts.emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }
  Xapian::Query q = parts.empty() ? Xapian::Query() : Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
  std::vector<std::string> excluded;
  for (const auto& [field, terms] : filters.exclude) excluded.insert(excluded.end(), terms.begin(), terms.end());
  if (!excluded.empty()) {
    Xapian::Query ex(Xapian::Query::OP_OR, excluded.begin(), excluded.end());
    q = Xapian::Query(Xapian::Query::OP_AND_NOT, q.empty() ? MatchAllQuery() : q, ex);
  }
  return q;
}

Xapian::Query Restrict(const Xapian::Query& text, const Xapian::Query& filter) {
  return Xapian::Query(Xapian::Query::OP_AND_NOT, text,
                       Xapian::Query(Xapian::Query::OP_AND_NOT, MatchAllQuery(), filter));
}

bool HasOperators(std::string_view text) {
  if (text.find('"') != std::string_view::npos || text.find('*') != std::string_view::npos) return true;
  for (const std::string& t : Tokens(text)) {
    if (t == "AND" || t == "OR" || t == "NOT" || t == "XOR" || t == "NEAR" || t.front() == '-' || t.front() == '+' ||
        t.find(':') != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool IsFilterField(std::string_view field) {
  return std::find(std::begin(kFilterFields), std::end(kFilterFields), field) != std::end(kFilterFields);
}

// "-refund -webhook", only exclusions, as Xapian's pure NOT ("NOT refund NOT webhook"): everything else.
std::string PureNegative(const std::string& text) {
  const std::vector<std::string> words = Tokens(text);
  if (words.empty()) return text;
  std::string out;
  for (const std::string& w : words) {
    if (w.size() < 2 || w[0] != '-') return text;
    out += (out.empty() ? "NOT " : " NOT ") + w.substr(1);
  }
  return out;
}

}  // namespace kb::internal
