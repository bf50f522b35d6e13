#include <xapian.h>

#include <map>
#include <memory>

#include "normalize.h"
#include "systems.h"

namespace kb::eval {
namespace {

class ReferenceSystem : public RankingSystem {
 public:
  ReferenceSystem(Xapian::Database db, std::map<std::string, std::string> langs)
      : db_(std::move(db)), enquire_(db_), langs_(std::move(langs)) {
    qp_.set_database(db_);
    qp_.set_stemmer(Xapian::Stem("english"));
    qp_.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp_.set_default_op(Xapian::Query::OP_OR);
    enquire_.set_weighting_scheme(Xapian::BM25Weight());
  }

  Result<std::vector<Hit>> Rank(const Query& query, int depth) override {
    try {
      enquire_.set_query(qp_.parse_query(QueryTokens(query.text)));
      Xapian::MSet mset = enquire_.get_mset(0, static_cast<Xapian::doccount>(depth));
      std::vector<Hit> hits;
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        std::string id = it.get_document().get_data();
        hits.push_back({id, langs_[id]});
      }
      return hits;
    } catch (const Xapian::Error& e) {
      return Status::Internal("reference: " + e.get_description());
    }
  }

 private:
  Xapian::Database db_;
  Xapian::Enquire enquire_;
  Xapian::QueryParser qp_;
  std::map<std::string, std::string> langs_;  // doc id → language
};

}  // namespace

Result<std::unique_ptr<RankingSystem>> BuildReference(const LabeledSet& set, const std::string& db_path) {
  try {
    {
      Xapian::WritableDatabase wdb(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
      Xapian::TermGenerator tg;
      tg.set_stemmer(Xapian::Stem("english"));
      for (const Doc& d : set.docs) {
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(FoldToAscii(d.title));
        tg.increase_termpos();
        tg.index_text(FoldToAscii(d.text));
        doc.set_data(d.id);
        wdb.add_document(doc);
      }
      wdb.commit();
    }
    std::map<std::string, std::string> langs;
    for (const Doc& d : set.docs) langs[d.id] = d.lang;
    return std::unique_ptr<RankingSystem>(new ReferenceSystem(Xapian::Database(db_path), std::move(langs)));
  } catch (const Xapian::Error& e) {
    return Status::Internal("reference index: " + e.get_description());
  }
}

}  // namespace kb::eval
