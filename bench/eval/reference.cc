#include <xapian.h>

#include <cctype>
#include <memory>

#include "systems.h"

namespace kb::eval {
namespace {

// BASELINES.md: "lowercased, ASCII-folded, alphanumeric tokens".
std::string Normalize(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) out += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : ' ';
  return out;
}

class ReferenceSystem : public RankingSystem {
 public:
  explicit ReferenceSystem(Xapian::Database db) : db_(std::move(db)), enquire_(db_) {
    qp_.set_database(db_);
    qp_.set_stemmer(Xapian::Stem("english"));
    qp_.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp_.set_default_op(Xapian::Query::OP_OR);
    enquire_.set_weighting_scheme(Xapian::BM25Weight());
  }

  Result<std::vector<std::string>> Rank(const std::string& query, int depth) override {
    try {
      enquire_.set_query(qp_.parse_query(Normalize(query)));
      Xapian::MSet mset = enquire_.get_mset(0, static_cast<Xapian::doccount>(depth));
      std::vector<std::string> ids;
      for (auto it = mset.begin(); it != mset.end(); ++it) ids.push_back(it.get_document().get_data());
      return ids;
    } catch (const Xapian::Error& e) {
      return Status::Internal("reference: " + e.get_description());
    }
  }

 private:
  Xapian::Database db_;
  Xapian::Enquire enquire_;
  Xapian::QueryParser qp_;
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
        tg.index_text(d.title);
        tg.increase_termpos();
        tg.index_text(d.text);
        doc.set_data(d.id);
        wdb.add_document(doc);
      }
      wdb.commit();
    }
    return std::unique_ptr<RankingSystem>(new ReferenceSystem(Xapian::Database(db_path)));
  } catch (const Xapian::Error& e) {
    return Status::Internal("reference index: " + e.get_description());
  }
}

}  // namespace kb::eval
