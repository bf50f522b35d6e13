#include "query_builder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

constexpr std::string_view kFilterFields[] = {"tag", "owner", "kind", "tier", "product", "lang", "code", "id"};
// How much an exact error-code / id match outweighs everything else in the query.
constexpr double kExactBoost = 50.0;

struct Filters {
  std::map<std::string, std::set<std::string>> include;  // field → values (ORed)
  std::map<std::string, std::set<std::string>> exclude;
};

// A query matching every document. Not Xapian::Query::MatchAll: that is one static object with a non-atomic
// reference count, so copying it from two server threads at once is a data race (xapian/query.h says to
// use Query(std::string()) instead; TSan caught it in the server tests).
Xapian::Query MatchAllQuery() { return Xapian::Query(std::string()); }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

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

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string_view t = cur;
    while (!t.empty() && std::string_view("\"'(),.;:!?[]{}<>").find(t.front()) != std::string_view::npos) t.remove_prefix(1);
    while (!t.empty() && std::string_view("\"'(),.;:!?[]{}<>").find(t.back()) != std::string_view::npos) t.remove_suffix(1);
    if (!t.empty()) out.emplace_back(t);
    cur.clear();
  };
  for (char c : text) {
    if (IsSpace(c)) flush();
    else cur += c;
  }
  flush();
  return out;
}

bool LooksLikeIdentifier(const std::string& t) {
  bool digit = false, punct = false, upper = true, alpha = false;
  for (unsigned char c : t) {
    if (std::isdigit(c)) digit = true;
    else if (c == '_' || c == '-' || c == '/' || c == '.') punct = true;
    else if (std::isalpha(c)) {
      alpha = true;
      if (!std::isupper(c)) upper = false;
    }
  }
  return digit || punct || (alpha && upper && t.size() >= 2);
}

// Error codes and ids written in the query, as the exact terms the index holds for them.
std::vector<std::string> FindExactTerms(const std::vector<std::string>& tokens, const Xapian::Database& db) {
  std::vector<std::string> found;
  auto try_term = [&](const std::string& term) {
    if (term.size() > 240) return;
    if (std::find(found.begin(), found.end(), term) == found.end() && db.term_exists(term)) found.push_back(term);
  };
  // A pasted log can be long; identifiers are checked only among its first few hundred tokens.
  const std::size_t n = std::min<std::size_t>(tokens.size(), 400);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& t = tokens[i];
    if (!LooksLikeIdentifier(t)) continue;
    try_term(FilterTerm("code", t));
    try_term(FilterTerm("id", t));
    if (i > 0) try_term(FilterTerm("code", tokens[i - 1] + " " + t));  // "HTTP 502"
  }
  return found;
}

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

Xapian::QueryParser::stem_strategy ParseStrategy(const std::string& s) {
  if (s == "none") return Xapian::QueryParser::STEM_NONE;
  if (s == "all") return Xapian::QueryParser::STEM_ALL;
  if (s == "all_z") return Xapian::QueryParser::STEM_ALL_Z;
  return Xapian::QueryParser::STEM_SOME;
}

// The text as the QueryParser should see it. Lower- and sentence-case words are lowercased: Xapian leaves
// capitalised words unstemmed, so "Refunds" at the start of a sentence would miss "refund". ALL-CAPS words
// (codes, acronyms, AND/OR/NOT) stay as typed. In verbose text a hyphen joins two words rather than making a
// phrase of them ("boundary-layer flow" should also find "boundary layers").
std::string PrepareForParsing(const std::string& text, bool fold_case, bool split_hyphens) {
  std::string out;
  out.reserve(text.size());
  std::string word;
  auto flush = [&] {
    bool lower = false;
    for (Xapian::Utf8Iterator it(word); it != Xapian::Utf8Iterator() && !lower; ++it) {
      lower = Xapian::Unicode::get_category(*it) == Xapian::Unicode::LOWERCASE_LETTER;
    }
    out += lower ? Xapian::Unicode::tolower(word) : word;
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool joining_hyphen = split_hyphens && c == '-' && i > 0 && i + 1 < text.size() &&
                                std::isalnum(static_cast<unsigned char>(text[i - 1])) &&
                                std::isalnum(static_cast<unsigned char>(text[i + 1]));
    if (IsSpace(c) || joining_hyphen) {
      if (fold_case) flush();
      out += joining_hyphen ? ' ' : c;
    } else if (fold_case) {
      word += c;
    } else {
      out += c;
    }
  }
  if (fold_case) flush();
  return out;
}

// The query with each word the index lacks replaced by Xapian's spelling suggestion for it; "" when nothing
// changed. Not Xapian's FLAG_SPELLING_CORRECTION: that looks up every word of the query (90% of the time of a
// pasted 200-word message) and "corrects" real words towards more frequent neighbours (print → printer).
// Field names, wildcards and the word being typed are left alone.
std::string CorrectSpelling(const std::string& text, const Xapian::Database& db, bool partial) {
  constexpr int kMaxLookups = 8;  // each lookup scans the spelling table; a pasted log has many odd tokens
  std::size_t typing = std::string::npos;  // where the word being typed starts
  if (partial && !text.empty() && !IsSpace(text.back())) {
    std::size_t space = text.find_last_of(" \t\n\r\f\v");
    typing = space == std::string::npos ? 0 : space + 1;
  }
  auto is_word_byte = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
  };
  std::string out;
  bool changed = false;
  int lookups = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_word_byte(static_cast<unsigned char>(text[i]))) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_word_byte(static_cast<unsigned char>(text[end]))) ++end;
    std::string word = AsciiLower(std::string_view(text).substr(i, end - i));
    const bool field = end < text.size() && text[end] == ':';
    const bool wildcard = end < text.size() && text[end] == '*';
    const bool typed = i >= typing;
    std::string suggestion;
    if (!field && !wildcard && !typed && word.size() <= 64 && lookups < kMaxLookups && !db.term_exists(word)) {
      ++lookups;
      suggestion = db.get_spelling_suggestion(word);
    }
    if (!suggestion.empty() && suggestion != word) {
      out += suggestion;
      changed = true;
    } else {
      out.append(text, i, end - i);
    }
    i = end;
  }
  return changed ? out : std::string();
}

// Parses free text for one language. Falls back to plainer parsing when the syntax is broken (an unmatched
// quote or bracket is normal while typing), so a query never fails just for its punctuation.
Xapian::Query ParseText(const std::string& text, const std::string& lang, const QueryContext& ctx, bool partial,
                        bool want_correction, std::string* corrected, bool verbose) {
  const RankingOptions& r = ctx.options->ranking;
  Xapian::QueryParser qp;
  qp.set_database(*ctx.local_db);
  qp.set_stemmer(MakeStemmer(lang));
  qp.set_stemming_strategy(ParseStrategy(r.stemming));
  if (lang == "en" && r.stopwords) qp.set_stopper(EnglishStopper());
  qp.add_prefix("title", std::string(kPrefixTitle));
  qp.add_prefix("heading", std::string(kPrefixHeading));
  qp.add_prefix("alias", std::string(kPrefixAlias));
  qp.set_default_op(Xapian::Query::OP_OR);
  const unsigned expansion = static_cast<unsigned>(std::max(1, ctx.options->max_wildcard_expansion));
  qp.set_max_expansion(expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                       Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
  unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                   Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD;
  if (r.synonyms) flags |= Xapian::QueryParser::FLAG_AUTO_SYNONYMS;
  if (partial) flags |= Xapian::QueryParser::FLAG_PARTIAL;
  Xapian::Query q;
  try {
    q = qp.parse_query(PrepareForParsing(text, r.fold_case, verbose), flags);
  } catch (const Xapian::QueryParserError&) {
    std::string plain;
    for (char c : text) plain += (std::isalnum(static_cast<unsigned char>(c)) || c & 0x80 || c == '_') ? c : ' ';
    q = qp.parse_query(plain, flags & ~(Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_PHRASE |
                                        Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD));
  }
  if (want_correction && corrected) *corrected = CorrectSpelling(text, *ctx.local_db, partial);
  return q;
}

// Terms a query can match: leaves, with each wildcard counted as its expansion limit (Xapian expands
// wildcards only when the match runs, so this is the bound known before running it).
std::size_t ExpandedTerms(const Xapian::Query& q, std::size_t wildcard_terms) {
  if (q.get_type() == Xapian::Query::OP_WILDCARD) return wildcard_terms;
  if (q.get_type() == Xapian::Query::LEAF_TERM) return 1;
  std::size_t n = 0;
  for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) n += ExpandedTerms(q.get_subquery(i), wildcard_terms);
  return n;
}

// QueryParser returns a long text as ORs nested by clause: its parts are the leaves of that OR tree (terms,
// phrases, synonym groups, wildcards).
void CollectParts(const Xapian::Query& q, std::vector<Xapian::Query>* parts) {
  if (q.get_type() != Xapian::Query::OP_OR) {
    parts->push_back(q);
    return;
  }
  for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) CollectParts(q.get_subquery(i), parts);
}

// For long pasted text: at most `keep` parts, so that a 300-word paste costs about what a sentence does. The
// terms kept are the most informative ones, by how often the text repeats them times their idf in the index
// (terms the index lacks weigh nothing and go first); each keeps its count as its query frequency, so a word
// the customer repeats weighs more. Other parts (phrases, synonym groups) are kept whole. This beat both no
// limit and Xapian's OP_ELITE_SET, which picks by maximum weight and so favours rare one-off words
// (bench/README.md).
Xapian::Query ReduceLongQuery(const Xapian::Query& q, int keep, const Xapian::Database& db) {
  if (keep <= 0) return q;
  std::vector<Xapian::Query> parts;
  CollectParts(q, &parts);
  std::map<std::string, Xapian::termcount> wqf;
  std::vector<Xapian::Query> kept;
  for (const Xapian::Query& part : parts) {
    if (part.get_type() == Xapian::Query::LEAF_TERM) {
      ++wqf[*part.get_terms_begin()];
    } else if (kept.size() < static_cast<std::size_t>(keep)) {
      kept.push_back(part);
    }
  }
  if (kept.size() + wqf.size() <= static_cast<std::size_t>(keep)) return q;
  const double n = std::max<double>(1.0, db.get_doccount());
  std::vector<std::pair<double, std::string>> scored;
  for (const auto& [term, count] : wqf) {
    const Xapian::doccount df = db.get_termfreq(term);
    if (df > 0) scored.emplace_back(count * std::log(n / df), term);
  }
  std::sort(scored.begin(), scored.end(), std::greater<>());
  for (std::size_t i = 0; i < scored.size() && kept.size() < static_cast<std::size_t>(keep); ++i) {
    kept.emplace_back(scored[i].second, wqf[scored[i].second]);
  }
  return Xapian::Query(Xapian::Query::OP_OR, kept.begin(), kept.end());
}

// The query's words matched against titles alone: Zstem → ZSstem, word → Sword (TermGenerator's S-prefixed
// title terms), each as often as the query has it.
Xapian::Query TitleBoost(const Xapian::Query& text) {
  std::map<std::string, Xapian::termcount> wqf;
  for (auto it = text.get_terms_begin(); it != text.get_terms_end(); ++it) {
    const std::string& t = *it;
    const unsigned char c0 = static_cast<unsigned char>(t.empty() ? 0 : t[0]);
    const unsigned char c1 = static_cast<unsigned char>(t.size() > 1 ? t[1] : 0);
    std::string title_term("Z");
    if (c0 == 'Z' && (std::islower(c1) || std::isdigit(c1) || c1 >= 0x80)) {
      title_term.append(kPrefixTitle).append(t, 1, std::string::npos);
    } else if (std::islower(c0) || std::isdigit(c0) || c0 >= 0x80) {
      title_term.assign(kPrefixTitle).append(t);
    } else {
      continue;
    }
    ++wqf[title_term];
  }
  std::vector<Xapian::Query> terms;
  for (const auto& [term, n] : wqf) terms.emplace_back(term, n);
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

Xapian::Query PhraseBoost(const std::vector<std::string>& tokens) {
  std::vector<Xapian::Query> words;
  for (const std::string& t : tokens) {
    std::string w = AsciiLower(t);
    if (w.size() > 64) return Xapian::Query();
    words.emplace_back(w);
  }
  // Words within a short window of each other (a phrase, give or take a word or two) add their weight
  // again. One positional subquery only: under OP_OR Xapian 1.4 checks positions lazily, which gave equal
  // documents unequal boosts.
  return Xapian::Query(Xapian::Query::OP_NEAR, words.begin(), words.end(), words.size() + 2);
}

// Chooses the languages to parse the query in when the index holds several. Stemming an English word with
// the Turkish stemmer yields rare nonsense stems whose high idf outranks the real matches, so each query word
// votes for the language whose items use it most, relative to that language's item count (ties go to the
// default language); only languages that get a vote are searched. No votes at all: every language.
std::vector<std::string> QueryLanguages(const std::vector<std::string>& tokens, const std::vector<std::string>& langs,
                                        const Xapian::Database& db, const std::string& default_lang) {
  if (langs.size() < 2) return langs;
  std::vector<Xapian::doccount> sizes;
  for (const std::string& l : langs) sizes.push_back(db.get_termfreq(std::string(kPrefixLang) + l));
  std::set<std::string> chosen;
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  int looked = 0;
  for (const std::string& token : tokens) {
    std::string word = AsciiLower(token);
    if (word.find(':') != std::string::npos || IsStopword(word) || word.size() > 64 || !db.term_exists(word)) continue;
    if (++looked > 16) break;  // a pasted message says its language in its first words
    double best = 0;
    std::string best_lang;
    for (std::size_t i = 0; i < langs.size(); ++i) {
      if (sizes[i] == 0) continue;
      enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(word),
                                      Xapian::Query(std::string(kPrefixLang) + langs[i])));
      Xapian::MSet m = enquire.get_mset(0, 0, sizes[i]);
      double share = static_cast<double>(m.get_matches_estimated()) / sizes[i];
      if (share > best || (share == best && share > 0 && langs[i] == default_lang)) {
        best = share;
        best_lang = langs[i];
      }
    }
    if (!best_lang.empty()) chosen.insert(best_lang);
  }
  if (chosen.empty()) return langs;
  std::vector<std::string> out;
  for (const std::string& l : langs) {
    if (chosen.count(l)) out.push_back(l);
  }
  return out;
}

}  // namespace

bool IsFilterField(std::string_view field) {
  return std::find(std::begin(kFilterFields), std::end(kFilterFields), field) != std::end(kFilterFields);
}

Result<ParsedQuery> BuildQuery(const SearchRequest& request, const QueryContext& ctx) {
  const SearcherOptions& opt = *ctx.options;
  const RankingOptions& r = opt.ranking;
  if (request.query.size() > opt.max_query_bytes) {
    return Status::InvalidArgument("query is " + std::to_string(request.query.size()) + " bytes; the limit is " +
                                   std::to_string(opt.max_query_bytes));
  }
  std::size_t bad = 0;
  if (!IsValidUtf8(request.query, &bad)) {
    return Status::InvalidArgument("query is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  }
  ParsedQuery out;
  Filters filters;
  out.free_text = ExtractFilters(request.query, &filters, &out.filter_text);
  for (const auto& [field, values] : request.filters) {
    if (!IsFilterField(field)) return Status::InvalidArgument("unknown filter field '" + field + "'");
    for (const std::string& v : values) {
      std::string term = FilterTerm(field, v);
      if (!term.empty()) filters.include[field].insert(term);
    }
  }

  std::vector<std::string> langs;
  if (auto it = filters.include.find("lang"); it != filters.include.end()) {
    for (const std::string& term : it->second) langs.push_back(term.substr(kPrefixLang.size()));
  } else {
    langs = ctx.langs;
  }

  const std::vector<std::string> tokens = Tokens(out.free_text);
  out.words = static_cast<int>(tokens.size());
  if (filters.include.find("lang") == filters.include.end()) {
    langs = QueryLanguages(tokens, langs, *ctx.db, opt.default_lang);
  }
  if (langs.empty()) langs.push_back(opt.default_lang);
  // The default language first: its parse gives the spelling correction.
  std::stable_partition(langs.begin(), langs.end(), [&](const std::string& l) { return l == opt.default_lang; });

  Xapian::Query text;
  if (!tokens.empty()) {
    out.long_query = out.words > r.long_query_words;
    std::vector<Xapian::Query> per_lang;
    for (std::size_t i = 0; i < langs.size(); ++i) {
      // No "did you mean" for a long pasted message: it never has too few results for one to be shown, and
      // looking up its odd tokens cost more than the rest of the search.
      Xapian::Query q = ParseText(out.free_text, langs[i], ctx, request.partial, i == 0 && !out.long_query,
                                  &out.corrected, out.long_query);
      if (q.empty()) continue;
      if (out.long_query) q = ReduceLongQuery(q, r.long_query_max_terms, *ctx.db);
      if (langs.size() > 1) q = Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(std::string(kPrefixLang) + langs[i]));
      per_lang.push_back(q);
    }
    if (!per_lang.empty()) text = Xapian::Query(Xapian::Query::OP_OR, per_lang.begin(), per_lang.end());
    if (opt.max_query_terms > 0 && !text.empty()) {
      const std::size_t wildcard_terms = static_cast<std::size_t>(std::max(1, opt.max_wildcard_expansion));
      const std::size_t terms = ExpandedTerms(text, wildcard_terms);
      if (terms > static_cast<std::size_t>(opt.max_query_terms)) {
        return Status::InvalidArgument("query expands to up to " + std::to_string(terms) + " terms (each wildcard " +
                                       "counts as " + std::to_string(wildcard_terms) + "); the limit is " +
                                       std::to_string(opt.max_query_terms) + ": use fewer words or wildcards");
      }
    }
    if (r.field_weights && r.title_boost > 0 && !out.long_query && !text.empty()) {
      // Reorders the text's matches only (AND_MAYBE): a title word alone never makes an item match.
      Xapian::Query titles(Xapian::Query::OP_SCALE_WEIGHT, TitleBoost(text), r.title_boost);
      text = Xapian::Query(Xapian::Query::OP_AND_MAYBE, text, titles);
    }
    if (r.phrase_boost && !out.long_query && !text.empty() && tokens.size() >= 2 && tokens.size() <= 6 &&
        !HasOperators(out.free_text)) {
      Xapian::Query boost = PhraseBoost(tokens);
      // The same matches and weights as OP_AND_MAYBE(text, boost), which Xapian 1.4 runs by testing the
      // positional boost against every document of `text` (34 ms instead of 0.3 ms at 14k items when one word
      // is in every item); as OP_OR the boost is driven by its own rarest word.
      if (!boost.empty()) {
        text = Xapian::Query(Xapian::Query::OP_OR, text, Xapian::Query(Xapian::Query::OP_FILTER, boost, text));
      }
    }
    if (r.exact_match_first) {
      out.exact_terms = FindExactTerms(tokens, *ctx.db);
      if (!out.exact_terms.empty()) {
        Xapian::Query exact(Xapian::Query::OP_OR, out.exact_terms.begin(), out.exact_terms.end());
        // A code term's BM25 weight, scaled, outweighs any text match; the text still matches other items.
        exact = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, exact, kExactBoost);
        text = text.empty() ? exact : Xapian::Query(Xapian::Query::OP_OR, exact, text);
      }
    }
  }
  Xapian::Query filter = FilterQuery(filters);
  if (text.empty() && filter.empty()) {
    out.query = tokens.empty() ? MatchAllQuery() : Xapian::Query::MatchNothing;
  } else if (text.empty()) {
    out.query = tokens.empty() ? filter : Xapian::Query::MatchNothing;
  } else if (filter.empty()) {
    out.query = text;
  } else {
    out.query = Xapian::Query(Xapian::Query::OP_FILTER, text, filter);
  }
  return out;
}

}  // namespace kb::internal
