// The language a query is written in.
#include "query_parts.h"

#include <algorithm>
#include <map>

#include "query_text.h"
#include "stopwords.h"
#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb::internal {

namespace {

// Items in language `lang` that hold `term`: exact up to kLanguageCountLimit, estimated beyond (a word in
// tens of thousands of items must not cost a count of all of them on every search), and never above 0 unless
// some item really has it.
constexpr Xapian::doccount kLanguageCountLimit = 200;
Xapian::doccount TermFreqIn(Xapian::Enquire& enquire, const Xapian::Database& db, const std::string& term,
                            const std::string& lang) {
  const Xapian::doccount df = db.get_termfreq(term);
  if (df == 0) return 0;
  // Items about kb itself (`scope: kb`) and items their owners ranked down (front matter `boost` below 1)
  // quote other languages' words as examples ("lang:tr iade"); that is not their language's use of the word.
  static const Xapian::Query demoted(Xapian::Query::OP_OR,
                                     Xapian::Query(Xapian::Query::OP_VALUE_LE, kSlotBoost, "0.999999"),
                                     Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kSlotScope, "kb", "kb"));
  const Xapian::Query in_lang(std::string(kPrefixLang) + lang);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term),
                                  Xapian::Query(Xapian::Query::OP_AND_NOT, in_lang, demoted)));
  const Xapian::MSet m = enquire.get_mset(0, 0, std::min(df, kLanguageCountLimit));
  return m.get_matches_lower_bound() == 0 ? 0 : m.get_matches_estimated();
}

}  // namespace

// The language a query is written in, among the index's languages. Words vote. Strong votes: letters only
// Turkish has (ğ ş ı), a function word of one language, a word (or its stem in that language) that only one
// language's items use. A weak vote: a word several languages use, for the one whose items use it most —
// counted, not normalised by each language's item count, so that "refund" in a few Turkish items (which
// quote the API's English names) does not make "refund failed" Turkish. Strong votes decide; without them
// the reader's language does, then weak votes, then the default.
std::string QueryLanguage(const std::vector<std::string>& words, const std::vector<std::string>& langs,
                          const Xapian::Database& db, const std::string& preferred, const std::string& default_lang) {
  auto present = [&](const std::string& l) { return std::find(langs.begin(), langs.end(), l) != langs.end(); };
  if (langs.size() < 2) return langs.empty() ? "" : langs.front();
  std::map<std::string, double> votes, weak;
  std::vector<Xapian::Stem> stems;
  for (const std::string& l : langs) stems.push_back(MakeStemmer(l));
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  int looked = 0;
  for (const std::string& raw : words) {
    const std::string w = Xapian::Unicode::tolower(raw);
    if (HasTurkishLetters(w) && present("tr")) votes["tr"] += 2;
    if (IsStopword(w) && present("en")) {
      votes["en"] += 1;
      continue;
    }
    if (IsTurkishStopword(w) && present("tr")) {
      votes["tr"] += 1;
      continue;
    }
    if (w.size() > 64 || w.find(':') != std::string::npos || looked >= 16) continue;
    std::vector<Xapian::doccount> df(langs.size());
    std::size_t using_it = 0;
    for (std::size_t i = 0; i < langs.size(); ++i) {
      df[i] = TermFreqIn(enquire, db, w, langs[i]);
      if (df[i] == 0) {
        std::string stemmed("Z");  // appended: GCC 12 warns (-Wrestrict, a false positive) on "Z" + std::string
        stemmed += stems[i](w);
        df[i] = TermFreqIn(enquire, db, stemmed, langs[i]);
      }
      using_it += df[i] > 0;
    }
    if (using_it == 0) continue;
    ++looked;
    const std::size_t top = std::max_element(df.begin(), df.end()) - df.begin();
    (using_it == 1 ? votes : weak)[langs[top]] += 1;
  }
  if (votes.empty() && present(preferred)) return preferred;
  if (votes.empty()) votes = weak;
  double best = 0;
  for (const auto& [l, v] : votes) best = std::max(best, v);
  auto wins = [&](const std::string& l) {
    auto it = votes.find(l);
    return present(l) && (best == 0 || (it != votes.end() && it->second == best));
  };
  if (present(preferred) && wins(preferred)) return preferred;
  if (wins(default_lang)) return default_lang;
  for (const auto& [l, v] : votes) {
    if (v == best && best > 0) return l;
  }
  return langs.front();
}

}  // namespace kb::internal
