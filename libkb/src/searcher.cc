#include "kb/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "curated_results.h"
#include "curation_store.h"
#include "kb/curation.h"
#include "query_builder.h"
#include "query_text.h"
#include "related.h"
#include "schema.h"
#include "section_scorer.h"
#include "shard_set.h"
#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb {

using internal::Guard;

namespace {

// Results fetched beyond the requested page so that freshness and exact matches can reorder the top.
constexpr int kRerankWindow = 50;
// Facet counts are exact up to this many matches; beyond, they are estimated from the first this-many (scaled
// to the estimated total). Counting costs about 1.5 µs per match for kb-server's six facets: exact counts over
// 50,000 matches took 25 ms of a 100k-item search, a sample of 1,000 takes 1.5-2 ms.
constexpr Xapian::doccount kFacetCheckLimit = 1000;
// Fewer results than this and a spelling correction that was not searched is offered as "did you mean".
constexpr int kFewResults = 3;
// Length of a result's snippet.
constexpr std::size_t kSnippetBytes = 240;

constexpr std::pair<std::string_view, unsigned> kFacetSlots[] = {
    {"tag", internal::kSlotTags},     {"owner", internal::kSlotOwner}, {"kind", internal::kSlotKind},
    {"tier", internal::kSlotTier},    {"product", internal::kSlotProduct}, {"lang", internal::kSlotLang},
};

int FacetSlot(std::string_view field) {
  for (const auto& [name, slot] : kFacetSlots) {
    if (name == field) return static_cast<int>(slot);
  }
  return -1;
}

// What pseudo-relevance feedback may add to a query: stems of plain words (Z-terms), not stopwords, not
// prefixed field or filter terms, not fragments.
struct FeedbackTerms : Xapian::ExpandDecider {
  bool operator()(const std::string& term) const override {
    if (term.size() < 4 || term.size() > 40 || term[0] != 'Z') return false;
    const unsigned char c = static_cast<unsigned char>(term[1]);
    return ((c >= 'a' && c <= 'z') || c >= 0x80) && !internal::IsStopword(std::string_view(term).substr(1));
  }
};

// Pseudo-relevance feedback (Xapian's RSet/ESet): the top results of `query` lend their most informative
// terms, which then reorder the matches of `query` (OP_AND_MAYBE adds weight, never matches). A long
// natural-language query names its topic in many words; the best first matches name it in the corpus's own.
Xapian::Query WithFeedback(Xapian::Enquire& enquire, const Xapian::Query& query, const RankingOptions& r) {
  Xapian::MSet top = enquire.get_mset(0, static_cast<Xapian::doccount>(r.feedback_docs));
  if (top.empty()) return query;
  Xapian::RSet rset;
  for (auto it = top.begin(); it != top.end(); ++it) rset.add_document(*it);
  const FeedbackTerms decider;
  Xapian::ESet eset = enquire.get_eset(static_cast<Xapian::termcount>(r.feedback_terms), rset, &decider);
  if (eset.empty()) return query;
  Xapian::Query expansion(Xapian::Query::OP_OR, eset.begin(), eset.end());
  expansion = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, expansion, r.feedback_weight);
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, expansion);
}

}  // namespace

struct Searcher::Rep {
  SearcherOptions options;
  internal::ShardSet shards;
  Xapian::Database db;        // every shard that answers (a copy of shards.db())
  Xapian::Database local_db;  // local shards only: spelling and synonyms are not served by remote ones
  std::vector<std::string> langs;
  std::shared_ptr<const std::unordered_map<std::string, double>> popularity;
  bool boosts = false;  // some item has a front matter `boost`
  Curation curation;  // the sources' curation.yaml rules, as of the revision open

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
    curation = internal::DecodeCuration(db.get_metadata(internal::kMetaCuration));
  }

  Result<SearchResponse> DoSearch(const SearchRequest& request, bool plain);
  void Finish(const Xapian::Document& doc, const internal::QueryWords& words, const std::string& today,
              bool snippets, SearchHit* hit);
  void AddCuratedHits(const SearchRequest& request, const CurationMatch& match,
                      const std::vector<internal::RankedDoc>& ranked, const internal::QueryWords& words,
                      const std::string& today, SearchResponse* out);
};

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

Result<SearchResponse> Searcher::Search(const SearchRequest& request) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (rep_->shards.RetryDown()) rep_->Sync();
      if (rep_->shards.AnyDown() && !rep_->options.allow_partial) {
        return Status::Unavailable("search: remote shard not answering: " + rep_->shards.Down().front() +
                                   "; retried every " + std::to_string(rep_->options.remote_retry_ms) + " ms");
      }
      if (rep_->db.size() == 0) return Status::Unavailable("search: no shard answers: " + rep_->shards.Down().front());
      Result<SearchResponse> out = rep_->DoSearch(request, /*plain=*/false);
      if (out.ok() && rep_->shards.AnyDown()) {
        out->partial_results = true;
        out->failed_shards = rep_->shards.Down();
      }
      return out;
    } catch (const Xapian::DatabaseModifiedError&) {
      // A writer may recycle the revision being read; reopen and retry (Xapian's documented pattern).
      if (attempt >= 2) return internal::StatusFromCurrentException("search");
      try {
        rep_->shards.Reopen();
        rep_->Sync();
      } catch (...) {
        return internal::StatusFromCurrentException("search");
      }
    } catch (const Xapian::NetworkTimeoutError& e) {
      // A hung shard. Without partial answers, probing would wait another timeout before failing: fail now,
      // and let the next search reconnect and find which shard hangs.
      if (!rep_->options.allow_partial || attempt >= 2) {
        Status failed = internal::StatusFromCurrentException("search");
        try {
          rep_->shards.DropRemote("timed out: " + e.get_msg());
          rep_->Sync();
        } catch (...) {
          // The search has failed either way; the timeout is the error worth reporting.
        }
        return failed;
      }
      try {
        rep_->shards.Probe();
        rep_->Sync();
      } catch (...) {
        return internal::StatusFromCurrentException("search");
      }
    } catch (const Xapian::NetworkError&) {
      // Xapian 1.4 cannot leave a shard out of a running match: find which shards are gone, drop them from
      // the combined database and run the search again over the others.
      Status failed = internal::StatusFromCurrentException("search");
      if (attempt >= 2) return failed;
      try {
        const bool marked = rep_->shards.Probe();
        rep_->Sync();
        if (!rep_->options.allow_partial) {
          if (!marked) return failed;
          return Status::Unavailable("search: remote shard not answering: " + rep_->shards.Down().front());
        }
      } catch (...) {
        return internal::StatusFromCurrentException("search");
      }
    } catch (...) {
      return internal::StatusFromCurrentException("search");
    }
  }
}

Result<SearchResponse> Searcher::Rep::DoSearch(const SearchRequest& request, bool plain) {
  const auto started = std::chrono::steady_clock::now();
  if (request.page < 1) return Status::InvalidArgument("page must be 1 or more");
  if (request.size < 1 || request.size > kMaxPageSize) {
    return Status::InvalidArgument("size must be between 1 and " + std::to_string(kMaxPageSize));
  }
  if (request.page > 10000 / request.size) return Status::InvalidArgument("page is too deep (page*size > 10000)");
  if (request.sort != "relevance" && request.sort != "verified" && request.sort != "title") {
    return Status::InvalidArgument("sort must be relevance, verified or title");
  }
  for (const std::string& f : request.facets) {
    if (FacetSlot(f) < 0) return Status::InvalidArgument("unknown facet '" + f + "'; use tag, owner, kind, tier, product or lang");
  }
  const std::string today = request.today.empty() ? Today() : request.today;
  const std::int64_t now = request.now_seconds > 0 ? request.now_seconds : NowSeconds();
  const CurationMatch curated = curation.Match(request.query, now);

  internal::QueryContext ctx{&db, &local_db, &options, langs, plain};
  Result<internal::ParsedQuery> parsed = internal::BuildQuery(request, ctx);
  if (!parsed.ok()) return parsed.status();

  const RankingOptions& r = options.ranking;
  Xapian::Enquire enquire(db);
  enquire.set_query(parsed->query);
  // A long question or log is weighted with IneB2, a divergence-from-randomness model: on long queries it
  // ranked clearly better than BM25, on short ones BM25 did. A message (lines, a greeting) stays with BM25 and
  // gets no feedback: both drifted on the support set's pasted e-mails (bench/README.md).
  const Xapian::IneB2Weight ineb2(1.0);
  const Xapian::BM25Weight bm25(r.bm25_k1, 0, 1, r.bm25_b, 0.5);
  const bool long_text = r.pasted_query_words > 0 && parsed->words >= r.pasted_query_words && !parsed->message;
  const Xapian::Weight& weight = long_text ? static_cast<const Xapian::Weight&>(ineb2) : bm25;
  enquire.set_weighting_scheme(weight);
  const bool by_relevance = request.sort == "relevance";
  const bool feedback = by_relevance && parsed->long_query && !parsed->message && r.feedback_docs > 0 &&
                        r.feedback_terms > 0 && r.feedback_weight > 0;
  if (feedback) enquire.set_query(WithFeedback(enquire, parsed->query, r));
  // A query of filters alone weighs every match 0, and Xapian orders ties by docid, which differs between one
  // database and the same items in shards; the id makes that order the same everywhere (and is remote-safe,
  // unlike a KeyMaker).
  if (by_relevance && parsed->words == 0) enquire.set_sort_by_relevance_then_value(internal::kSlotId, false);
  if (request.sort == "verified") enquire.set_sort_by_value_then_relevance(internal::kSlotVerified, true);
  if (request.sort == "title") enquire.set_sort_by_value_then_relevance(internal::kSlotTitleSort, false);

  // Over remote shards, a match sorted by value fed the spies of a remote shard some documents twice
  // (Xapian 1.4, tested on loopback), so those facets are counted in a separate match by relevance.
  const bool facets_apart = !by_relevance && shards.HasRemote() && !request.facets.empty();
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
  for (const std::string& f : request.facets) {
    spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(static_cast<Xapian::valueno>(FacetSlot(f))));
    if (!facets_apart) enquire.add_matchspy(spies.back().get());
  }
  const int first = (request.page - 1) * request.size;
  const bool popular = r.popularity_boost > 0 && popularity && !popularity->empty();
  const bool focus = r.section_scoring && r.section_weight > 0;
  const bool answers_after = r.answer_factor != 1.0 && !parsed->wants_reply;
  const bool rerank = by_relevance && (answers_after || r.stale_factor != 1.0 || r.verified_factor != 1.0 ||
                                       !parsed->exact_terms.empty() || popular || focus || boosts);
  // Curation reorders the whole window too: pins and hides move every later result.
  const bool whole_window = rerank || !curated.empty();
  const int fetch_from = whole_window ? 0 : first;
  const int fetch_count = whole_window ? std::max(first + request.size, kRerankWindow) : request.size;
  Xapian::doccount check_at_least = 0;
  if (!spies.empty()) check_at_least = std::min(db.get_doccount(), kFacetCheckLimit);
  Xapian::MSet mset = enquire.get_mset(fetch_from, fetch_count, check_at_least);
  const bool other_languages = mset.empty() && !parsed->fallback.empty();
  if (other_languages) {
    // Nothing in the query's language: the other languages' items are better than nothing. Feedback runs its
    // first pass on an Enquire of its own, so that the facet spies count the final match only.
    Xapian::Query fallback = parsed->fallback;
    if (feedback) {
      Xapian::Enquire first_pass(db);
      first_pass.set_weighting_scheme(weight);
      first_pass.set_query(fallback);
      fallback = WithFeedback(first_pass, fallback, r);
    }
    enquire.set_query(fallback);
    mset = enquire.get_mset(fetch_from, fetch_count, check_at_least);
  }
  Xapian::MSet facet_mset = mset;
  if (facets_apart) {
    Xapian::Enquire counting(db);
    counting.set_query(enquire.get_query());
    counting.set_weighting_scheme(Xapian::BoolWeight());
    for (const auto& spy : spies) counting.add_matchspy(spy.get());
    facet_mset = counting.get_mset(0, 0, check_at_least);
  }

  std::string typing;
  if (request.partial && !request.query.empty() && request.query.back() != ' ') {
    std::size_t cut = request.query.find_last_of(" \t");
    typing = request.query.substr(cut == std::string::npos ? 0 : cut + 1);
    if (typing.find(':') != std::string::npos || typing.size() < 2) typing.clear();
  }
  // The words of the query that ran (the other languages' parse when it was the fallback) mark the snippets.
  const internal::QueryWords words =
      internal::CollectQueryWords(other_languages ? parsed->fallback : parsed->query, db, typing);

  // Order: exact matches first, then score with freshness applied.
  struct Ranked {
    Xapian::MSetIterator it;
    double score;
    bool exact;
  };
  // The fetched documents that hold an exact code/id term: found by walking the terms' short posting lists in
  // docid order (opening each document's whole term list instead was a quarter of an error-code search).
  std::vector<Xapian::docid> exact_docs;
  if (rerank && !parsed->exact_terms.empty()) {
    std::vector<Xapian::docid> ids;
    for (auto it = mset.begin(); it != mset.end(); ++it) ids.push_back(*it);
    std::sort(ids.begin(), ids.end());
    for (const std::string& term : parsed->exact_terms) {
      Xapian::PostingIterator p = db.postlist_begin(term);
      for (Xapian::docid id : ids) {
        p.skip_to(id);
        if (p == db.postlist_end(term)) break;
        if (*p == id) exact_docs.push_back(id);
      }
    }
    std::sort(exact_docs.begin(), exact_docs.end());
  }
  // Every fetched document is read below. A remote shard answers a batch request for them in one stream
  // instead of one round trip each (p50 12 → 10 ms on loopback); locally it only adds work.
  if (shards.HasRemote()) mset.fetch();
  std::vector<Ranked> ranked;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Ranked x{it, it.get_weight(), false};
    if (rerank) {
      Xapian::Document doc = it.get_document();
      std::string stale_after = doc.get_value(internal::kSlotStaleAfter);
      if (!stale_after.empty()) {
        x.score *= stale_after < internal::CompactDate(today) ? r.stale_factor : r.verified_factor;
      }
      if (popular) {
        auto found = popularity->find(doc.get_value(internal::kSlotId));
        if (found != popularity->end() && found->second > 0) x.score *= 1 + r.popularity_boost * std::log1p(found->second);
      }
      if (const std::string boost = doc.get_value(internal::kSlotBoost); !boost.empty()) {
        x.score *= std::clamp(std::strtod(boost.c_str(), nullptr), 0.05, 20.0);
      }
      x.exact = std::binary_search(exact_docs.begin(), exact_docs.end(), *it);
      if (answers_after && doc.get_value(internal::kSlotKind) == "answer") x.score *= r.answer_factor;
      if (focus) {
        // The best section decides where the item ranks: matches scattered over several sections weigh less.
        StoredItem stored = internal::DecodeStoredItem(doc, today);
        const double share = internal::SectionFocus(stored.item, words, internal::MakeStemmer(stored.item.lang));
        x.score *= 1 - r.section_weight + r.section_weight * share;
      }
    }
    ranked.push_back(x);
  }
  if (rerank) {
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
      if (a.exact != b.exact) return a.exact;
      return a.score > b.score;
    });
  }

  SearchResponse out;
  out.query = request.query;
  out.page = request.page;
  out.size = request.size;
  out.total = static_cast<int>(std::min<Xapian::doccount>(mset.get_matches_estimated(), 1u << 30));
  const std::size_t begin = whole_window ? static_cast<std::size_t>(first) : 0;
  for (std::size_t i = begin; curated.empty() && i < ranked.size() && out.hits.size() < static_cast<std::size_t>(request.size); ++i) {
    SearchHit hit;
    hit.score = ranked[i].score;
    hit.exact = ranked[i].exact;
    hit.rank = first + static_cast<int>(out.hits.size()) + 1;
    Finish(ranked[i].it.get_document(), words, today, request.snippets, &hit);
    out.hits.push_back(std::move(hit));
  }
  if (!curated.empty()) {
    std::vector<internal::RankedDoc> order;
    for (const Ranked& x : ranked) order.push_back({*x.it, x.score, x.exact});
    AddCuratedHits(request, curated, order, words, today, &out);
  }

  for (std::size_t i = 0; i < spies.size(); ++i) {
    std::map<std::string, int> counts;
    for (auto v = spies[i]->values_begin(); v != spies[i]->values_end(); ++v) {
      const std::string& value = *v;
      if (request.facets[i] == "tag") {
        for (const std::string& tag : internal::Split(value, internal::kTagSeparator)) counts[tag] += v.get_termfreq();
      } else if (!value.empty()) {
        counts[value] += v.get_termfreq();
      }
    }
    // The spy saw only the matches Xapian examined (at least kFacetCheckLimit): scale up to the estimate.
    // When every match was checked the counts are exact as they stand: a spy merged from remote shards can
    // report a smaller total than it counted, which must not scale them.
    const Xapian::doccount seen = spies[i]->get_total();
    const bool sampled = facet_mset.get_matches_estimated() > check_at_least;
    const double scale = sampled && seen > 0 && facet_mset.get_matches_estimated() > seen
                             ? static_cast<double>(facet_mset.get_matches_estimated()) / seen
                             : 1.0;
    std::vector<FacetValue> values;
    for (const auto& [value, count] : counts) values.push_back({value, static_cast<int>(std::lround(count * scale))});
    std::stable_sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) { return a.count > b.count; });
    out.facets[request.facets[i]] = std::move(values);
  }

  out.language = parsed->language;
  const std::string& corrected = parsed->corrected;
  if (!corrected.empty() && internal::AsciiLower(corrected) != internal::AsciiLower(parsed->free_text)) {
    // The words the index lacks were searched as their corrections: say so, with the filters as typed. With
    // the correction switched off it is only offered, when the query as typed found little.
    const std::string suggestion = parsed->filter_text.empty() ? corrected : corrected + " " + parsed->filter_text;
    if (parsed->auto_corrected) {
      out.suggestion = out.corrected_query = suggestion;
    } else if (out.total < kFewResults) {
      out.suggestion = suggestion;
    }
  }
  out.incidents = internal::FindIncidents(db, parsed->query, now);
  if (out.total == 0 && parsed->operators && !plain && !internal::IntendedSyntax(parsed->free_text)) {
    // Operators, quotes or a field-like word made a query that matches nothing: read it as plain words (a
    // pasted JSON line or a phone number's + is not query syntax).
    Result<SearchResponse> retry = DoSearch(request, /*plain=*/true);
    if (retry.ok() && retry->total > 0) out = std::move(*retry);
  }
  out.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return out;
}

// Pins and hides of the matching curation rules, applied to the whole ranked window before paging.
void Searcher::Rep::AddCuratedHits(const SearchRequest& request, const CurationMatch& match,
                                   const std::vector<internal::RankedDoc>& ranked, const internal::QueryWords& words,
                                   const std::string& today, SearchResponse* out) {
  std::vector<Xapian::docid> ids;
  for (const internal::RankedDoc& r : ranked) ids.push_back(r.docid);
  int removed = 0, added = 0;
  const std::vector<internal::CuratedSlot> slots = internal::CurateRanked(db, ids, match, &removed, &added);
  out->total = std::max(0, out->total - removed) + added;
  const std::size_t first = static_cast<std::size_t>(request.page - 1) * static_cast<std::size_t>(request.size);
  for (std::size_t i = first; i < slots.size() && out->hits.size() < static_cast<std::size_t>(request.size); ++i) {
    SearchHit hit;
    if (slots[i].ranked >= 0) {
      hit.score = ranked[static_cast<std::size_t>(slots[i].ranked)].score;
      hit.exact = ranked[static_cast<std::size_t>(slots[i].ranked)].exact;
    }
    hit.pinned = slots[i].pinned;
    hit.pin_note = slots[i].note;
    hit.rank = static_cast<int>(first + out->hits.size()) + 1;
    Finish(db.get_document(slots[i].docid), words, today, request.snippets, &hit);
    out->hits.push_back(std::move(hit));
  }
}

void Searcher::Rep::Finish(const Xapian::Document& doc, const internal::QueryWords& words,
                           const std::string& today, bool snippets, SearchHit* hit) {
  StoredItem stored = internal::DecodeStoredItem(doc, today);
  internal::FillHit(stored, hit);
  const std::vector<Section>& sections = stored.item.sections;
  if (sections.empty()) return;
  const Xapian::Stem stem = internal::MakeStemmer(stored.item.lang);
  const Section* best = options.ranking.section_scoring ? internal::BestSection(stored.item, words, stem)
                                                        : &sections.front();
  if (best->level > 0) {
    hit->section_title = best->title;
    hit->section_anchor = best->anchor;
  }
  if (!snippets) return;
  const Section* text = best;
  for (auto s = sections.begin(); text->text.empty() && s != sections.end(); ++s) text = &*s;
  hit->snippet = internal::MakeSnippet(text->text, words, stem, kSnippetBytes);
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

Result<StoredItem> Searcher::GetItem(const std::string& id) {
  return Guard("reading item", [&]() -> Result<StoredItem> {
    std::string term = std::string(internal::kPrefixId) + id;
    if (id.empty() || term.size() > 240) return Status::NotFound("no item with id '" + id + "'");
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
