// ParseText and TypingPrefix (query_parse.h).
#include "query_parse.h"

#include <cctype>

#include "query_text.h"
#include "stopwords.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

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

// The words a query in `lang` drops: function words of English or Turkish, and in pasted text also the words
// of a message that carry no topic ("hi", "thanks", "customer", "yesterday"). Quoted phrases keep them.
class QueryStopper : public Xapian::Stopper {
 public:
  QueryStopper(std::string lang, bool prose) : lang_(std::move(lang)), prose_(prose) {}
  bool operator()(const std::string& word) const override {
    if (prose_ && IsChatWord(word)) return true;
    if (lang_ == "tr") return IsTurkishStopword(word) || (prose_ && IsStopword(word));
    return IsStopword(word) || (prose_ && IsTurkishStopword(word));
  }

 private:
  std::string lang_;
  bool prose_;
};

}  // namespace

Xapian::Query ParseText(const std::string& text, const std::string& lang, const QueryContext& ctx, bool partial,
                        bool prose, bool verbose) {
  const RankingOptions& r = ctx.options->ranking;
  Xapian::QueryParser qp;
  qp.set_database(*ctx.local_db);
  qp.set_stemmer(MakeStemmer(lang));
  qp.set_stemming_strategy(ParseStrategy(r.stemming));
  const QueryStopper stopper(lang, prose);
  if (r.stopwords && (lang == "en" || lang == "tr" || prose)) qp.set_stopper(&stopper);
  qp.add_prefix("title", std::string(kPrefixTitle));
  qp.add_prefix("heading", std::string(kPrefixHeading));
  qp.add_prefix("alias", std::string(kPrefixAlias));
  qp.set_default_op(Xapian::Query::OP_OR);
  const unsigned expansion = static_cast<unsigned>(std::max(1, ctx.options->max_wildcard_expansion));
  qp.set_max_expansion(expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                       Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
  constexpr unsigned kSyntax = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                               Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                               Xapian::QueryParser::FLAG_PURE_NOT;
  unsigned flags = prose ? 0 : kSyntax;
  if (r.synonyms) flags |= Xapian::QueryParser::FLAG_AUTO_SYNONYMS;
  if (partial && !prose) flags |= Xapian::QueryParser::FLAG_PARTIAL;
  try {
    return qp.parse_query(PrepareForParsing(text, r.fold_case, verbose), flags);
  } catch (const Xapian::QueryParserError&) {
    std::string plain;
    for (char c : text) plain += (std::isalnum(static_cast<unsigned char>(c)) || c & 0x80 || c == '_') ? c : ' ';
    return qp.parse_query(PrepareForParsing(plain, r.fold_case, verbose), flags & ~kSyntax);
  }
}

bool TypingPrefix(const std::string& text, const Xapian::Database& db) {
  if (text.empty() || IsSpace(text.back())) return false;
  const std::size_t cut = text.find_last_of(" \t\n\r\f\v");
  const std::vector<std::string> last = SplitQueryWords(cut == std::string::npos ? text : text.substr(cut + 1));
  if (last.empty()) return false;
  const std::string word = Xapian::Unicode::tolower(last.front());
  if (word.find(':') != std::string::npos || word.find('*') != std::string::npos) return true;
  if (db.term_exists(word)) return false;
  return db.allterms_begin(word) != db.allterms_end(word);
}

}  // namespace kb::internal
