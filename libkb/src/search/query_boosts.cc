// Exact codes, identifiers and the boosts that reorder a query's matches (fields, phrase, long queries).
#include "query_parts.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "query_text.h"
#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

// How much an identifier quoted in a pasted message (refund_failed) weighs against its plain words.
constexpr double kIdentifierBoost = 3.0;

// `token` with `from` joining two letters or digits replaced by `to` (refund_failed → refund.failed).
std::string Rejoin(std::string token, char from, char to) {
  for (std::size_t k = 1; k + 1 < token.size(); ++k) {
    if (token[k] == from && std::isalnum(static_cast<unsigned char>(token[k - 1])) &&
        std::isalnum(static_cast<unsigned char>(token[k + 1]))) {
      token[k] = to;
    }
  }
  return token;
}

// A code typed with hyphens or dots whose underscored form the index holds as one word (ERR-CARD-DECLINED,
// err.card.declined: the articles write ERR_CARD_DECLINED): that form, lowercase; else empty. A code is ALL
// CAPS or has three parts or more, not a hyphenated word: "on-line" is the phrase "on line" in most texts, even
// where one writes on_line.
std::string UnderscoredCode(const std::string& word, const Xapian::Database& db) {
  const std::string lower = Xapian::Unicode::tolower(word);
  if (lower.find('_') != std::string::npos || lower.find_first_of("-.") == std::string::npos) return "";
  const std::string joined = Rejoin(Rejoin(lower, '-', '_'), '.', '_');
  const bool caps = std::none_of(word.begin(), word.end(), [](unsigned char c) { return std::islower(c); });
  const bool code = caps || std::count(joined.begin(), joined.end(), '_') >= 2;
  if (!code || joined == lower || !db.term_exists(joined)) return "";
  return joined;
}

// The term a code is indexed as: its lowercase (a digit or an underscore, one indexed word), or the underscored
// form of one typed with hyphens or dots (UnderscoredCode). Empty when the token is no code the index holds.
std::string CodeTerm(const std::string& token, const Xapian::Database& db) {
  if (token.find_first_of(".-") != std::string::npos) return UnderscoredCode(token, db);
  const std::string term = AsciiLower(token);
  if (term.find_first_of("0123456789_") == std::string::npos || term.find('/') != std::string::npos) return "";
  if (term.size() > kMaxTermBytes || !db.term_exists(term)) return "";
  return term;
}

}  // namespace

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

bool IsHttpStatus(std::string_view t) {
  return t.size() == 3 && t[0] >= '1' && t[0] <= '5' && std::isdigit(static_cast<unsigned char>(t[1])) &&
         std::isdigit(static_cast<unsigned char>(t[2]));
}

// Error codes and ids written in the query, as the exact terms the index holds for them.
std::vector<std::string> FindExactTerms(const std::vector<std::string>& tokens, const Xapian::Database& db) {
  std::vector<std::string> found;
  auto try_term = [&](const std::string& term) {
    if (term.size() > kMaxTermBytes) return;
    if (std::find(found.begin(), found.end(), term) == found.end() && db.term_exists(term)) found.push_back(term);
  };
  // A pasted log can be long; identifiers are checked only among its first few hundred tokens.
  const std::size_t n = std::min<std::size_t>(tokens.size(), 400);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& t = tokens[i];
    if (!LooksLikeIdentifier(t)) continue;
    try_term(FilterTerm("code", t));
    if (t.find_first_of(".-") != std::string::npos) {  // err-card-declined, err.card.declined
      std::string joined = t;
      std::replace_if(
          joined.begin(), joined.end(), [](char c) { return c == '.' || c == '-'; }, '_');
      try_term(FilterTerm("code", joined));
    }
    try_term(FilterTerm("id", t));
    if (i > 0) try_term(FilterTerm("code", tokens[i - 1] + " " + t));  // "HTTP 502"
    if (IsHttpStatus(t)) try_term(FilterTerm("code", "HTTP " + t));    // a bare 402 names "HTTP 402"
  }
  return found;
}

std::vector<std::string> TermsOnlyInOtherLanguages(const std::vector<std::string>& exact_terms, const std::string& lang,
                                                   const Xapian::Database& db) {
  std::vector<std::string> out;
  const Xapian::Query in_lang(std::string(kPrefixLang) + lang);
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  for (const std::string& term : exact_terms) {
    // A code is held as claimed or written in the text ("E3001" is the word e3001, "HTTP 402" the word 402); an
    // id (the other exact terms) only as itself.
    Xapian::Query held(term);
    if (term.starts_with(kPrefixCode)) {
      std::string text = AsciiLower(std::string_view(term).substr(kPrefixCode.size()));
      if (const std::size_t space = text.rfind(' '); space != std::string::npos) text.erase(0, space + 1);
      held = Xapian::Query(Xapian::Query::OP_OR, held, Xapian::Query(text));
    }
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, held, in_lang));
    // One code held in `lang` and that item explains the query's problem in its language: no other language.
    if (!enquire.get_mset(0, 1).empty()) return {};
    out.push_back(term);  // FindExactTerms saw it in the index, so an item in another language holds it
  }
  return out;
}

Xapian::Query CodeTextBoost(const std::vector<std::string>& tokens, const Xapian::Database& db, double boost,
                            bool once) {
  const double docs = db.get_doccount();
  std::vector<Xapian::Query> terms;
  std::set<std::string> seen;
  for (const std::string& t : tokens) {
    const std::string term = CodeTerm(t, db);
    if (term.empty() || !seen.insert(term).second) continue;
    if (!once) {
      terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), boost);
      continue;
    }
    // A fixed weight for each item the term filters: its BM25 idf, whatever the item's wdf and length.
    const double df = db.get_termfreq(term);
    const double weight = boost * std::log(1.0 + (docs - df + 0.5) / (df + 0.5));
    // release(): the Query owns the source (without it Xapian 1.4 leaves it to the caller).
    auto* source = new Xapian::FixedWeightPostingSource(weight);
    terms.emplace_back(Xapian::Query::OP_FILTER, Xapian::Query(source->release()), Xapian::Query(term));
  }
  return terms.empty() ? Xapian::Query() : Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
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

// The query's words matched against one field alone (titles: Zstem → ZSstem, word → Sword, TermGenerator's
// prefixed terms), each as often as the query has it.
Xapian::Query FieldBoost(const Xapian::Query& text, std::string_view prefix) {
  std::map<std::string, Xapian::termcount> wqf;
  for (auto it = text.get_terms_begin(); it != text.get_terms_end(); ++it) {
    const std::string& t = *it;
    const unsigned char c0 = static_cast<unsigned char>(t.empty() ? 0 : t[0]);
    const unsigned char c1 = static_cast<unsigned char>(t.size() > 1 ? t[1] : 0);
    std::string title_term("Z");
    if (c0 == 'Z' && (std::islower(c1) || std::isdigit(c1) || c1 >= 0x80)) {
      title_term.append(prefix).append(t, 1, std::string::npos);
    } else if (std::islower(c0) || std::isdigit(c0) || c0 >= 0x80) {
      title_term.assign(prefix).append(t);
    } else {
      continue;
    }
    ++wqf[title_term];
  }
  std::vector<Xapian::Query> terms;
  for (const auto& [term, n] : wqf) terms.emplace_back(term, n);
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

Xapian::Query SynonymForms(const std::vector<std::string>& tokens, std::size_t words, const Xapian::Database& db,
                           std::string_view lang) {
  std::vector<std::string> lower;
  for (std::size_t i = 0; i < tokens.size() && i < words; ++i) {
    for (const std::string& w : SplitQueryWords(tokens[i])) lower.push_back(Xapian::Unicode::tolower(w));
  }
  Xapian::QueryParser qp;  // no stemmer: a form matches as written
  auto as_written = [&qp](const std::string& form) {
    std::string quoted(1, '"');  // appended: GCC 12 warns (-Wrestrict, a false positive) on "\"" + string
    quoted.append(form).push_back('"');
    try {
      return qp.parse_query(quoted, Xapian::QueryParser::FLAG_PHRASE);
    } catch (const Xapian::QueryParserError&) {
      return Xapian::Query();  // a form the parser cannot read is left out
    }
  };
  constexpr std::size_t kLongestForm = 3;  // words
  std::optional<Xapian::Stem> stem;        // made when a word has other forms (most queries have none)
  std::vector<Xapian::Query> found;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    std::string key(kSynonymForm);
    for (std::size_t n = 0; n < kLongestForm && i + n < lower.size(); ++n) {
      if (n > 0) key += ' ';
      key += lower[i + n];
      std::vector<Xapian::Query> others;
      for (auto it = db.synonyms_begin(key); it != db.synonyms_end(key); ++it) {
        if (!seen.insert(*it).second) continue;
        if (Xapian::Query q = as_written(*it); !q.empty()) others.push_back(std::move(q));
      }
      if (others.empty()) continue;
      // Only items without the query's own form: one holding both weighs them once, as the query's words.
      Xapian::Query other(Xapian::Query::OP_OR, others.begin(), others.end());
      Xapian::Query own = as_written(key.substr(kSynonymForm.size()));
      if (n == 0 && !stem) stem = MakeStemmer(lang);
      if (n == 0 && !stem->is_none()) {  // a word: in any of its forms ("iadesi" holds "iade")
        std::string stemmed("Z");        // appended: GCC 12 warns (-Wrestrict, a false positive) on "Z" + string
        stemmed += (*stem)(lower[i]);
        own = Xapian::Query(Xapian::Query::OP_OR, own, Xapian::Query(stemmed));
      }
      found.push_back(own.empty() ? other : Xapian::Query(Xapian::Query::OP_AND_NOT, other, own));
    }
  }
  return found.empty() ? Xapian::Query() : Xapian::Query(Xapian::Query::OP_OR, found.begin(), found.end());
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

// The identifiers a pasted message names (refund_failed, refund.failed, payment_intent.succeeded), each as
// the phrase of its words: the event or field the customer quotes says more than any word around it.
Xapian::Query IdentifierBoost(const std::vector<std::string>& tokens) {
  std::vector<Xapian::Query> phrases;
  for (const std::string& token : tokens) {
    if (token.size() > 64 || token.find_first_of("_.") == std::string::npos) continue;
    std::vector<Xapian::Query> words;
    std::string word;
    bool letters_only = true;
    for (std::size_t i = 0; i <= token.size(); ++i) {
      const char c = i < token.size() ? token[i] : '.';
      if (c == '_' || c == '.' || c == '-') {
        if (!word.empty()) words.emplace_back(AsciiLower(word));
        word.clear();
      } else {
        letters_only = letters_only && std::isalpha(static_cast<unsigned char>(c));
        word += c;
      }
    }
    // Parts of one letter are abbreviations ("i.e.", "e.g.", "U.S."), not identifiers.
    const bool short_part = std::any_of(words.begin(), words.end(), [](const Xapian::Query& w) {
      return w.get_terms_begin() != w.get_terms_end() && (*w.get_terms_begin()).size() < 2;
    });
    if (words.size() >= 2 && words.size() <= 6 && letters_only && !short_part) {
      phrases.emplace_back(Xapian::Query::OP_PHRASE, words.begin(), words.end(), words.size());
    }
    if (phrases.size() >= 8) break;
  }
  if (phrases.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(Xapian::Query::OP_OR, phrases.begin(), phrases.end()), kIdentifierBoost);
}

// Identifiers joined by underscores that the index does not hold as one word (refund_failed, written
// refund.failed in the articles) are read as the phrase of their parts, like refund.failed and refund-failed.
// The other way round, an identifier joined by hyphens or dots whose underscored form the index holds as one
// word (ERR-CARD-DECLINED, err.card.declined; the articles write ERR_CARD_DECLINED) is read as that word.
std::string SplitUnknownIdentifiers(const std::string& text, const Xapian::Database& db) {
  return MapWords(text, [&](std::string_view raw) {
    std::string token(raw);
    const std::vector<std::string> word = SplitQueryWords(token);
    if (word.empty()) return token;
    const std::string lower = Xapian::Unicode::tolower(word.front());
    if (lower.find('_') == std::string::npos) {
      const std::string joined = UnderscoredCode(word.front(), db);
      const std::size_t at = token.find(word.front());
      if (joined.empty() || at == std::string::npos) return token;
      return token.replace(at, word.front().size(), joined);
    }
    if (db.term_exists(lower)) return token;
    return Rejoin(std::move(token), '_', '.');
  });
}

}  // namespace kb::internal
