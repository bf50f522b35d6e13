#include "plain_xapian.h"

namespace kb::perf {

PlainXapian::PlainXapian(const std::string& db_path) : db_(db_path), stem_("english") {}

std::size_t PlainXapian::Search(const std::string& query, bool partial, bool snippets) {
  Xapian::QueryParser qp;
  qp.set_database(db_);
  qp.set_stemmer(stem_);
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  // kb's filter terms (libkb/src/term_prefixes.h); the query list writes their values in lowercase.
  qp.add_boolean_prefix("tag", "K");
  qp.add_boolean_prefix("owner", "XO");
  qp.add_boolean_prefix("kind", "XK");
  qp.add_boolean_prefix("tier", "XT");
  qp.add_boolean_prefix("product", "XP");
  qp.add_boolean_prefix("lang", "L");
  unsigned flags = Xapian::QueryParser::FLAG_DEFAULT;
  if (partial) flags |= Xapian::QueryParser::FLAG_PARTIAL;
  Xapian::Enquire enquire(db_);
  enquire.set_query(qp.parse_query(query, flags));
  Xapian::MSet mset = enquire.get_mset(0, 10);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    std::string data = it.get_document().get_data();
    bytes_ += data.size();
    if (snippets)
      bytes_ +=
          mset.snippet(data, 240, stem_, Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE,
                       "<mark>", "</mark>", "…")
              .size();
  }
  return mset.get_matches_estimated();
}

}  // namespace kb::perf
