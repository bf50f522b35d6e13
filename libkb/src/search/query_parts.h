#ifndef KB_SRC_QUERY_PARTS_H_
#define KB_SRC_QUERY_PARTS_H_

// The pieces BuildQuery (query_builder.cc) puts together: field filters and operators (query_filters.cc),
// error codes, identifiers and the field, phrase and long-query boosts (query_boosts.cc), the language a
// query is written in (query_language.cc) and its spelling corrections (query_spelling.cc).

#include <xapian.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kb::internal {

// How much an exact error-code / id match outweighs everything else in the query.
inline constexpr double kExactBoost = 50.0;

struct Filters {
  std::map<std::string, std::set<std::string>> include;  // field → values (ORed)
  std::map<std::string, std::set<std::string>> exclude;
};

// A query matching every document. Not Xapian::Query::MatchAll: that is one static object with a non-atomic
// reference count, so copying it from two server threads at once is a data race (xapian/query.h says to
// use Query(std::string()) instead; TSan caught it in the server tests).
inline Xapian::Query MatchAllQuery() { return Xapian::Query(std::string()); }

// The items of weighted `text` that boolean `filter` allows, weighed as by `text` alone. Not OP_FILTER: with
// a phrase under OP_OR (QueryParser's "re-verify", an identifier's words), Xapian 1.4.22 gave filtered items
// the phrase's weight without its position check (payments/payouts weighed 18.6 instead of 12.3 for "how do I
// re-verify an article" filtered to English). Leaving out the items outside the filter checks the phrase.
Xapian::Query Restrict(const Xapian::Query& text, const Xapian::Query& filter);

// Moves `field:value` / `-field:"quoted value"` tokens from `text` into `filters`; returns the rest.
std::string ExtractFilters(std::string_view text, Filters* filters, std::string* filter_text);
// The query's tokens with their operator marks (+word, -word, word*) still on them.
std::vector<std::string> Tokens(std::string_view text);
// The filters as one boolean query (included values ORed per field, fields ANDed, exclusions AND_NOT).
Xapian::Query FilterQuery(const Filters& filters);
// "-refund -webhook", only exclusions, as Xapian's pure NOT ("NOT refund NOT webhook"); other text unchanged.
std::string PureNegative(const std::string& text);
// Quotes, wildcards, AND/OR/NOT/XOR/NEAR, +word, -word or field: in the text.
bool HasOperators(std::string_view text);

// A token that names something rather than says something: digits, _-/. inside, or ALL CAPS.
bool LooksLikeIdentifier(const std::string& t);
// Three digits from 100 to 599.
bool IsHttpStatus(std::string_view t);
// refund_failed, which the index lacks as one word, written refund.failed: the phrase of its parts; and
// ERR-CARD-DECLINED or err.card.declined, whose underscored form the index holds as one word, written so.
std::string SplitUnknownIdentifiers(const std::string& text, const Xapian::Database& db);
// Error codes and ids written in the query, as the exact terms the index holds for them.
std::vector<std::string> FindExactTerms(const std::vector<std::string>& tokens, const Xapian::Database& db);
// The exact terms (of FindExactTerms) when no item in `lang` holds any of them, as a code or a word of its
// text (items in other languages do): a Turkish message quoting ERR_TEST_MODE_MISMATCH, which only an English
// article explains. Empty when an item in `lang` holds one.
std::vector<std::string> TermsOnlyInOtherLanguages(const std::vector<std::string>& exact_terms, const std::string& lang,
                                                   const Xapian::Database& db);
// The identifiers a pasted message names, each as the phrase of its words, weighted up.
Xapian::Query IdentifierBoost(const std::vector<std::string>& tokens);

// Codes a typed query names that items mention in their text ("E3001", "ERR_3DS_TIMEOUT", "402"), as those
// text terms, each weighing `boost` times its BM25 idf in every item that mentions it (`once`), or `boost` times
// its BM25 weight: an item that mentions the code comes before items that share only the query's other words,
// also where the item claiming it is in another language. Empty when there are none.
Xapian::Query CodeTextBoost(const std::vector<std::string>& tokens, const Xapian::Database& db, double boost,
                            bool once);

// Terms a query can match, each wildcard counted as `wildcard_terms`.
std::size_t ExpandedTerms(const Xapian::Query& q, std::size_t wildcard_terms);
// A verbose query cut to its `keep` most informative parts.
Xapian::Query ReduceLongQuery(const Xapian::Query& q, int keep, const Xapian::Database& db);
// The query's words matched against one field alone (`prefix`: title, alias).
Xapian::Query FieldBoost(const Xapian::Query& text, std::string_view prefix);
// The words within a short window of each other.
Xapian::Query PhraseBoost(const std::vector<std::string>& tokens);
// The other forms of a synonym group with a phrase (synonyms.txt "amex, american express") that the query's
// words or runs of two or three words are a form of, each as a phrase (or a word) to match as written: "amex"
// finds "American Express" and "american express" finds "Amex"; an item that also holds the query's own form
// is left to the query's words, so that it does not weigh the same thing twice. Only the first `words` tokens
// are looked up (the word still being typed is left out). Empty when none is.
Xapian::Query SynonymForms(const std::vector<std::string>& tokens, std::size_t words, const Xapian::Database& db,
                           std::string_view lang);

// The query with each word the index lacks replaced by Xapian's spelling suggestion for it. Not Xapian's
// FLAG_SPELLING_CORRECTION: that looks up every word of the query (90% of the time of a pasted 200-word message)
// and "corrects" real words towards more frequent neighbours (print → printer). Field names, wildcards and the
// word being typed are left alone. A word that the dictionary of one of `langs` in `dictionary_dir` knows
// (WordDictionary; "" = none) is not a typo: when the suggestion is another form of it ("reddediliyor" →
// "reddedilir") that form is searched without being shown as a correction, as a stem would be; when it is
// another word ("imzası" → "imzalı", "yatar" → "yapar") the word is searched as typed.
struct SpellingFix {
  std::string shown;     // the query with its typos corrected, "" when it has none
  std::string searched;  // also with other forms of words it has, "" when the query is searched as typed
  // Words the index holds in no form, with no correction, no other form and no synonym it holds ("gdpr"),
  // lowercase, each once: the results match the query's other words only.
  std::vector<std::string> unknown;
};
SpellingFix CorrectSpelling(const std::string& text, const Xapian::Database& db, bool partial,
                            const std::vector<std::string>& langs, const std::string& dictionary_dir);

// The language `words` are written in, among the index's `langs`.
std::string QueryLanguage(const std::vector<std::string>& words, const std::vector<std::string>& langs,
                          const Xapian::Database& db, const std::string& preferred, const std::string& default_lang);

}  // namespace kb::internal

#endif  // KB_SRC_QUERY_PARTS_H_
