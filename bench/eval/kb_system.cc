#include <algorithm>
#include <memory>
#include <utility>

#include "kb/searcher.h"
#include "systems.h"

namespace kb::eval {
namespace {

class KbSystem : public RankingSystem {
 public:
  KbSystem(std::unique_ptr<Searcher> searcher, std::string prefix)
      : searcher_(std::move(searcher)), prefix_(std::move(prefix)) {}

  Result<std::vector<std::string>> Rank(const std::string& query, int depth) override {
    SearchRequest req;
    req.query = query;
    req.size = std::min(depth, kMaxPageSize);
    req.snippets = false;
    req.today = "2026-01-01";  // fixed: the labeled sets carry no dates, so freshness must not vary by day
    Result<SearchResponse> res = searcher_->Search(req);
    if (!res.ok()) return res.status();
    std::vector<std::string> ids;
    ids.reserve(res->hits.size());
    for (const SearchHit& hit : res->hits) {
      ids.push_back(hit.id.rfind(prefix_, 0) == 0 ? hit.id.substr(prefix_.size()) : hit.id);
    }
    return ids;
  }

 private:
  std::unique_ptr<Searcher> searcher_;
  std::string prefix_;
};

}  // namespace

Status BuildKbIndex(const LabeledSet& set, const std::string& db_path, const WriterOptions& options) {
  WriterOptions opts = options;
  opts.overwrite = true;
  auto writer = IndexWriter::Open(db_path, opts);
  if (!writer.ok()) return writer.status();
  for (const Doc& doc : set.docs) {
    Item item;
    item.id = set.name + "/" + doc.id;
    item.path = item.id + ".md";
    item.source = set.name;
    item.lang = "en";
    item.title = doc.title;
    item.body = doc.text;
    Section lead;
    lead.title = doc.title;
    lead.text = doc.text;
    lead.line = 1;
    item.sections.push_back(std::move(lead));
    Status s = (*writer)->Upsert(item);
    if (!s.ok()) return s;
  }
  return (*writer)->Commit();
}

Result<std::unique_ptr<RankingSystem>> OpenKb(const std::string& db_path, const std::string& set_name,
                                              const SearcherOptions& options) {
  auto searcher = Searcher::Open({db_path}, options);
  if (!searcher.ok()) return searcher.status();
  return std::unique_ptr<RankingSystem>(new KbSystem(std::move(*searcher), set_name + "/"));
}

}  // namespace kb::eval
