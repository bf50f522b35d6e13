#include <algorithm>
#include <memory>
#include <utility>

#include "kb/searcher.h"
#include "systems.h"

namespace kb::eval {
namespace {

// HOOK (request language): true once libkb's SearchRequest has a `language` field (the reader's language).
// Detected at compile time so that kb-eval builds against libkb with or without it; --request-lang then
// passes each support query's `lang` (see SetRequestLanguage).
template <typename R>
constexpr bool kHasLanguage = requires(R r) {
  r.language = std::string();
};

template <typename R>
void SetRequestLanguage(R& req, const std::string& lang) {
  if constexpr (kHasLanguage<R>) req.language = lang;
}

class KbSystem : public RankingSystem {
 public:
  KbSystem(std::unique_ptr<Searcher> searcher, std::string prefix, KbQueryOptions options)
      : searcher_(std::move(searcher)), prefix_(std::move(prefix)), options_(std::move(options)) {}

  Result<std::vector<Hit>> Rank(const Query& query, int depth) override {
    SearchRequest req;
    req.query = query.text;
    req.size = std::min(depth, kMaxPageSize);
    req.snippets = false;
    req.today = options_.today;
    if (options_.request_lang && !query.lang.empty()) SetRequestLanguage(req, query.lang);
    Result<SearchResponse> res = searcher_->Search(req);
    if (!res.ok()) return res.status();
    std::vector<Hit> hits;
    hits.reserve(res->hits.size());
    for (const SearchHit& hit : res->hits) {
      const bool prefixed = !prefix_.empty() && hit.id.rfind(prefix_, 0) == 0;
      hits.push_back({prefixed ? hit.id.substr(prefix_.size()) : hit.id, hit.lang});
    }
    return hits;
  }

 private:
  std::unique_ptr<Searcher> searcher_;
  std::string prefix_;
  KbQueryOptions options_;
};

}  // namespace

bool KbHasRequestLanguage() { return kHasLanguage<SearchRequest>; }

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

Result<std::unique_ptr<RankingSystem>> OpenKb(const std::string& db_path, const std::string& id_prefix,
                                              const SearcherOptions& options, const KbQueryOptions& query_options) {
  auto searcher = Searcher::Open({db_path}, options);
  if (!searcher.ok()) return searcher.status();
  return std::unique_ptr<RankingSystem>(new KbSystem(std::move(*searcher), id_prefix, query_options));
}

}  // namespace kb::eval
