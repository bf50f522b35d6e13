#include "kb/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "query_builder.h"
#include "related.h"
#include "schema.h"
#include "searcher_rep.h"
#include "stopwords.h"
#include "stored.h"
#include "text.h"
#include "word_dictionary.h"
#include "xapian_util.h"

namespace kb {

using internal::Guard;

Searcher::Searcher(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::Open(const std::vector<std::string>& databases,
                                                 const SearcherOptions& options) {
  if (databases.empty()) return Status::InvalidArgument("no database given");
  return Guard("opening the index", [&]() -> Result<std::unique_ptr<Searcher>> {
    auto rep = std::make_unique<Rep>();
    rep->options = options;
    if (Status s = rep->shards.Open(databases, options); !s.ok()) return s;
    rep->Sync();
    // An index of another schema would answer wrongly or not at all: say which command rebuilds it.
    const std::string schema = rep->local_db.get_metadata(std::string(internal::kMetaSchema));
    if (Status s = internal::CheckSchema(schema, databases.front()); !s.ok()) return s;
    return std::unique_ptr<Searcher>(new Searcher(std::move(rep)));
  });
}

Result<std::unique_ptr<Searcher>> Searcher::Open(const std::vector<std::string>& databases) {
  static const SearcherOptions kDefaults;
  return Open(databases, kDefaults);
}

Result<SearchResponse> Searcher::Rep::SearchShards(const SearchRequest& request) {
  if (shards.RetryDown()) Sync();
  if (shards.AnyDown() && !options.allow_partial) {
    return Status::Unavailable("search: remote shard not answering: " + shards.Down().front() + "; retried every " +
                               std::to_string(options.remote_retry_ms) + " ms");
  }
  if (db.size() == 0) return Status::Unavailable("search: no shard answers: " + shards.Down().front());
  Result<SearchResponse> out = DoSearch(request, /*plain=*/false);
  if (out.ok() && shards.AnyDown()) {
    out->partial_results = true;
    out->failed_shards = shards.Down();
  }
  return out;
}

// A writer may recycle the revision being read; reopen and retry (Xapian's documented pattern).
std::optional<Status> Searcher::Rep::RecoverModified(int attempt) {
  if (attempt >= 2) return internal::StatusFromCurrentException("search");
  try {
    shards.Reopen();
    Sync();
  } catch (...) {
    return internal::StatusFromCurrentException("search");
  }
  return std::nullopt;
}

// A hung shard. Without partial answers, probing would wait another timeout before failing: fail now, and
// let the next search reconnect and find which shard hangs.
std::optional<Status> Searcher::Rep::RecoverTimeout(int attempt, const std::string& message) {
  if (!options.allow_partial || attempt >= 2) {
    Status failed = internal::StatusFromCurrentException("search");
    try {
      shards.DropRemote("timed out: " + message);
      Sync();
    } catch (...) {
      // The search has failed either way; the timeout is the error worth reporting.
    }
    return failed;
  }
  try {
    shards.Probe();
    Sync();
  } catch (...) {
    return internal::StatusFromCurrentException("search");
  }
  return std::nullopt;
}

// Xapian 1.4 cannot leave a shard out of a running match: find which shards are gone, drop them from the
// combined database and run the search again over the others.
std::optional<Status> Searcher::Rep::RecoverLostShard(int attempt) {
  Status failed = internal::StatusFromCurrentException("search");
  if (attempt >= 2) return failed;
  try {
    const bool marked = shards.Probe();
    Sync();
    if (!options.allow_partial) {
      if (!marked) return failed;
      return Status::Unavailable("search: remote shard not answering: " + shards.Down().front());
    }
  } catch (...) {
    return internal::StatusFromCurrentException("search");
  }
  return std::nullopt;
}

Result<SearchResponse> Searcher::Search(const SearchRequest& request) {
  for (int attempt = 0;; ++attempt) {
    std::optional<Status> failed;  // set: the search failed for good; unset: recovered, search again
    try {
      return rep_->SearchShards(request);
    } catch (const Xapian::DatabaseModifiedError&) {
      failed = rep_->RecoverModified(attempt);
    } catch (const Xapian::NetworkTimeoutError& e) {
      failed = rep_->RecoverTimeout(attempt, e.get_msg());
    } catch (const Xapian::NetworkError&) {
      failed = rep_->RecoverLostShard(attempt);
    } catch (...) {
      return internal::StatusFromCurrentException("search");
    }
    if (failed) return *failed;
  }
}

Result<SuggestResponse> Searcher::Suggest(const std::string& partial_query, int completions, int hits,
                                          const std::string& language) {
  return Guard("suggest", [&]() -> Result<SuggestResponse> {
    SuggestResponse out;
    if (partial_query.size() > rep_->options.max_query_bytes) return Status::InvalidArgument("query is too long");
    std::string_view q = partial_query;
    std::size_t cut = q.find_last_of(" \t");
    std::string head(cut == std::string_view::npos ? "" : q.substr(0, cut + 1));
    std::string last = internal::AsciiLower(cut == std::string_view::npos ? q : q.substr(cut + 1));
    if (!last.empty() && last.find(':') == std::string::npos && completions > 0) {
      std::vector<Completion> found;
      int scanned = 0;
      for (auto t = rep_->local_db.allterms_begin(last); t != rep_->local_db.allterms_end(last) && scanned < 2000;
           ++t, ++scanned) {
        const std::string& term = *t;
        if (term.size() > 40 || internal::IsStopword(term)) continue;
        found.push_back({head + term, static_cast<int>(t.get_termfreq())});
      }
      std::stable_sort(found.begin(), found.end(),
                       [](const Completion& a, const Completion& b) { return a.frequency > b.frequency; });
      if (found.size() > static_cast<std::size_t>(completions)) found.resize(completions);
      out.completions = std::move(found);
    }
    if (hits > 0 && !internal::Trim(partial_query).empty()) {
      SearchRequest req;
      req.query = partial_query;
      req.partial = partial_query.back() != ' ';
      req.size = std::min(hits, kMaxPageSize);
      req.snippets = false;
      req.language = language;
      Result<SearchResponse> res = Search(req);
      if (!res.ok()) return res.status();
      out.hits = std::move(res->hits);
    }
    return out;
  });
}

Result<std::vector<std::string>> Searcher::MissingWords(const std::string& query) {
  return Guard("missing words", [&]() -> Result<std::vector<std::string>> {
    if (query.size() > rep_->options.max_query_bytes) return Status::InvalidArgument("query is too long");
    const internal::QueryContext ctx{&rep_->db, &rep_->local_db, &rep_->options, rep_->langs, false};
    return internal::MissingWords(query, ctx);
  });
}

Result<StoredItem> Searcher::GetItem(const std::string& id) {
  return Guard("reading item", [&]() -> Result<StoredItem> {
    std::string term = std::string(internal::kPrefixId) + id;
    if (id.empty() || term.size() > internal::kMaxTermBytes) return Status::NotFound("no item with id '" + id + "'");
    Xapian::PostingIterator p = rep_->db.postlist_begin(term);
    if (p == rep_->db.postlist_end(term)) return Status::NotFound("no item with id '" + id + "'");
    return internal::DecodeStoredItem(rep_->db.get_document(*p), Today(), /*with_body=*/true);
  });
}

Result<std::vector<SearchHit>> Searcher::Related(const std::string& id, int count) {
  return Guard("related", [&]() -> Result<std::vector<SearchHit>> {
    std::string key = std::string(internal::kPrefixId) + id;
    Xapian::PostingIterator p = rep_->db.postlist_begin(key);
    if (p == rep_->db.postlist_end(key)) return Status::NotFound("no item with id '" + id + "'");
    std::vector<SearchHit> out;
    const std::string today = Today();
    for (Xapian::docid did : internal::RelatedDocs(rep_->db, *p, std::clamp(count, 1, kMaxPageSize))) {
      SearchHit hit;
      hit.rank = static_cast<int>(out.size()) + 1;
      internal::FillHit(internal::DecodeStoredItem(rep_->db.get_document(did), today), &hit);
      out.push_back(std::move(hit));
    }
    return out;
  });
}

void Searcher::SetPopularity(std::shared_ptr<const std::unordered_map<std::string, double>> popularity) {
  rep_->popularity = std::move(popularity);
}

Result<bool> Searcher::Reopen() {
  return Guard("reopening the index", [&]() -> Result<bool> {
    const bool changed = rep_->shards.Reopen();
    if (changed) rep_->Sync();
    return changed;
  });
}

int Searcher::LoadWordLists() const {
  int loaded = 0;
  for (const std::string& lang : rep_->langs) {
    loaded += internal::WordDictionary::For(rep_->options.dictionary_dir, lang) != nullptr;
  }
  return loaded;
}

std::size_t Searcher::DocCount() const {
  try {
    return rep_->db.get_doccount();
  } catch (...) {
    return 0;
  }
}

std::string Searcher::GetMetadata(const std::string& key) const {
  try {
    return rep_->db.get_metadata(key);
  } catch (...) {
    return "";
  }
}

}  // namespace kb
