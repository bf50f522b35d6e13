#ifndef KB_SRC_SEARCHER_REP_H_
#define KB_SRC_SEARCHER_REP_H_

// Searcher's private state. searcher.cc opens it, retries searches over failing shards and reads items;
// search_run.cc runs one search in named steps (match, rerank, page, facets, correction).

#include <xapian.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "curated_results.h"
#include "curation_store.h"
#include "kb/curation.h"
#include "kb/searcher.h"
#include "remote_docs.h"
#include "section_scorer.h"
#include "shard_set.h"
#include "stored.h"
#include "term_prefixes.h"

namespace kb {

namespace internal {
struct SearchRun;

// A fetched match in rerank order; the rerank reads its rerank value (rerank_key.h, Searcher::Rep::RerankValue),
// and its document, read only for the hits shown, is read through Searcher::Rep::DocOf.
struct RankedHit {
  Xapian::MSetIterator it;
  double score = 0;
  bool exact = false;  // holds a code or id the query names exactly
};
}  // namespace internal

struct Searcher::Rep {
  SearcherOptions options;
  internal::ShardSet shards;
  Xapian::Database db;        // every shard that answers (a copy of shards.db())
  Xapian::Database local_db;  // local shards only: spelling and synonyms are not served by remote ones
  std::vector<std::string> langs;
  std::shared_ptr<const std::unordered_map<std::string, double>> popularity;
  bool boosts = false;  // some item has a front matter `boost`
  // Some item is an incident (most indexes have none; asking in every search costs a round trip per remote
  // shard).
  bool incidents = false;
  Curation curation;  // the sources' curation.yaml rules, as of the revision open
  // Documents read from remote shards (the hits shown), kept while the revision stays (8 MB: sized when the
  // rerank read whole windows, those of all 75 queries of bench/perf/queries.tsv over the 14k-item shards,
  // 1,745 documents, fit in it).
  internal::RemoteDocs remote_docs{8u << 20};

  void LoadLangs() {
    langs.clear();
    for (auto it = db.allterms_begin("L"); it != db.allterms_end("L"); ++it) langs.push_back((*it).substr(1));
  }
  // Takes up the shards that answer now (after Open, Reopen, a failure or a recovery).
  void Sync() {
    db = shards.db();
    local_db = shards.local_db();
    LoadLangs();
    boosts = db.get_value_freq(internal::kSlotBoost) > 0;
    incidents = db.get_termfreq(internal::FilterTerm("kind", KindName(Kind::kIncident))) > 0;
    curation = internal::DecodeCuration(db.get_metadata(internal::kMetaCuration));
    remote_docs.Clear();
  }
  // The document of a match: over remote shards from remote_docs (a round trip per document otherwise).
  Xapian::Document DocOf(const Xapian::MSetIterator& it) {
    return shards.HasRemote() ? remote_docs.Get(it) : it.get_document();
  }

  // One search over the shards that answer now, marked partial when some are down (searcher.cc).
  Result<SearchResponse> SearchShards(const SearchRequest& request);
  // Called in Search's exception handlers: recover from a recycled revision, a hung shard or a lost one.
  // nullopt: recovered, search again; otherwise the search's final error.
  std::optional<Status> RecoverModified(int attempt);
  std::optional<Status> RecoverTimeout(int attempt, const std::string& message);
  std::optional<Status> RecoverLostShard(int attempt);

  // One search over the shards that answer (search_run.cc). `plain` reads the query as plain words.
  Result<SearchResponse> DoSearch(const SearchRequest& request, bool plain);

  // The steps of DoSearch, in order.
  void Match(internal::SearchRun& run);
  std::vector<internal::RankedHit> Rerank(const internal::SearchRun& run);
  std::string RerankValue(const Xapian::MSetIterator& it);
  double RerankFactor(const internal::SearchRun& run, const Xapian::MSetIterator& it,
                      std::vector<ScorePart>* parts = nullptr);
  void Page(const internal::SearchRun& run, const std::vector<internal::RankedHit>& ranked, SearchResponse* out);
  // `from`: receives each added hit's index in `ranked` (-1 for a pinned item outside it).
  void AddCuratedHits(const SearchRequest& request, const CurationMatch& match,
                      const std::vector<internal::RankedHit>& ranked, const internal::QueryWords& words,
                      const std::string& today, SearchResponse* out, std::vector<int>* from);
  // With SearchRequest::explain: the parts of each page hit's score; `from` as AddCuratedHits gives it.
  void Explain(const internal::SearchRun& run, const std::vector<internal::RankedHit>& ranked,
               const std::vector<int>& from, SearchResponse* out);
  void Finish(const Xapian::Document& doc, const internal::QueryWords& words, const std::string& today, bool snippets,
              SearchHit* hit);
};

}  // namespace kb

#endif  // KB_SRC_SEARCHER_REP_H_
