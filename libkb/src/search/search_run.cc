// One search, in named steps: check the request, build the query, match (with a fallback to the other
// languages and pseudo-relevance feedback), rerank the top window, page (with curation), count facets, and
// say what was corrected.

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <utility>

#include "query_builder.h"
#include "query_intent.h"
#include "query_text.h"
#include "query_weighting.h"
#include "rerank_key.h"
#include "search_explain.h"
#include "searcher_rep.h"
#include "stored.h"
#include "text.h"
#include "xapian_util.h"

namespace kb {
namespace internal {

// What one search carries from step to step.
struct SearchRun {
  explicit SearchRun(const SearchRequest& r) : request(r) {}
  const SearchRequest& request;
  ParsedQuery parsed;
  std::string today;
  std::string today_compact;  // today as YYYYMMDD, what the rerank compares its dates with
  std::int64_t now = 0;
  CurationMatch curated;
  bool by_relevance = true;
  bool popular = false;        // popularity counts are set and weigh in
  bool focus = false;          // the best section's share of the matches weighs in
  bool problem_first = false;  // items that name a problem rank higher (the query reports one)
  bool process_first = false;  // items about doing support rank higher (the query speaks in the first person)
  bool answers_after = false;  // scripted answers rank after articles (the query does not ask for a reply)
  bool rerank = false;         // some factor reorders the top window
  bool whole_window = false;   // the whole window is fetched (rerank or curation), not the page alone
  int first = 0;               // rank of the page's first result, from 0
  Xapian::doccount check_at_least = 0;
  std::unique_ptr<Xapian::Weight> weight;
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
  Xapian::MSet mset;
  Xapian::MSet facet_mset;  // the match the facet spies counted
  Xapian::Query ran;        // the query of `mset` (with feedback, or the other languages' fallback)
  bool other_languages = false;
  QueryWords words;        // the words of the query that ran, for snippets and section scores
  Xapian::Query feedback;  // with explain: what pseudo-relevance feedback added to the query that ran
};

}  // namespace internal

namespace {

using internal::RankedHit;
using internal::SearchRun;

// Results fetched beyond the requested page so that freshness and exact matches can reorder the top.
constexpr int kRerankWindow = 50;
// Facet counts are exact up to this many matches; beyond, they are estimated from the first this-many (scaled
// to the estimated total). Counting costs about 1.5 µs per match for kb-server's six facets: exact counts over
// 50,000 matches took 25 ms of a 100k-item search, a sample of 1,000 takes 1.5-2 ms.
constexpr Xapian::doccount kFacetCheckLimit = 1000;
// Fewer results than this and a spelling correction that was not searched is offered as "did you mean".
constexpr int kFewResults = 3;

constexpr std::pair<std::string_view, unsigned> kFacetSlots[] = {
    {"tag", internal::kSlotTags},  {"owner", internal::kSlotOwner},     {"kind", internal::kSlotKind},
    {"tier", internal::kSlotTier}, {"product", internal::kSlotProduct}, {"lang", internal::kSlotLang},
};

static_assert(std::size(kFacetSlots) == std::size(kFacetFields), "a slot for every facet field");

int FacetSlot(std::string_view field) {
  for (const auto& [name, slot] : kFacetSlots) {
    if (name == field) return static_cast<int>(slot);
  }
  return -1;
}

Status CheckRequest(const SearchRequest& request) {
  if (request.page < 1) return Status::InvalidArgument("page must be 1 or more");
  if (request.size < 1 || request.size > kMaxPageSize) {
    return Status::InvalidArgument("size must be between 1 and " + std::to_string(kMaxPageSize));
  }
  if (request.page > 10000 / request.size) return Status::InvalidArgument("page is too deep (page*size > 10000)");
  if (static_cast<std::size_t>(request.sort) >= std::size(kSortOrderNames)) {
    return Status::InvalidArgument("sort must be relevance, verified or title");
  }
  for (const std::string& f : request.facets) {
    if (FacetSlot(f) < 0)
      return Status::InvalidArgument("unknown facet '" + f + "'; use tag, owner, kind, tier, product or lang");
  }
  return Status::Ok();
}

// Decides which factors reorder the top window and how much of the match is fetched.
void PlanRerank(SearchRun& run, const RankingOptions& r, bool has_popularity, bool boosts) {
  run.popular = r.popularity_boost > 0 && has_popularity;
  run.focus = r.section_scoring && r.section_weight > 0;
  run.answers_after = r.answer_factor != 1.0 && !run.parsed.wants_reply;
  run.problem_first = r.problem_factor != 1.0 && run.parsed.reports_problem;
  run.process_first = r.process_factor != 1.0 && run.parsed.own_work;
  run.rerank = run.by_relevance && (run.answers_after || run.problem_first || run.process_first ||
                                    r.stale_factor != 1.0 || r.ended_factor != 1.0 || r.verified_factor != 1.0 ||
                                    !run.parsed.exact_terms.empty() || run.popular || run.focus || boosts);
  // Curation reorders the whole window too: pins and hides move every later result.
  run.whole_window = run.rerank || !run.curated.empty();
}

// The fetched documents that hold an exact code/id term: found by walking the terms' short posting lists in
// docid order (opening each document's whole term list instead was a quarter of an error-code search).
std::vector<Xapian::docid> ExactDocs(const Xapian::Database& db, const Xapian::MSet& mset,
                                     const std::vector<std::string>& terms) {
  std::vector<Xapian::docid> ids, exact;
  for (auto it = mset.begin(); it != mset.end(); ++it) ids.push_back(*it);
  std::sort(ids.begin(), ids.end());
  for (const std::string& term : terms) {
    Xapian::PostingIterator p = db.postlist_begin(term);
    for (Xapian::docid id : ids) {
      p.skip_to(id);
      if (p == db.postlist_end(term)) break;
      if (*p == id) exact.push_back(id);
    }
  }
  std::sort(exact.begin(), exact.end());
  return exact;
}

// Facet counts from the spies. They saw only the matches Xapian examined (at least kFacetCheckLimit): the
// counts are scaled up to the estimate. When every match was checked they are exact as they stand: a spy
// merged from remote shards can report a smaller total than it counted, which must not scale them.
void CountFacets(const SearchRun& run, SearchResponse* out) {
  for (std::size_t i = 0; i < run.spies.size(); ++i) {
    const Xapian::ValueCountMatchSpy& spy = *run.spies[i];
    const std::string& field = run.request.facets[i];
    std::map<std::string, int> counts;
    for (auto v = spy.values_begin(); v != spy.values_end(); ++v) {
      const std::string& value = *v;
      if (field == "tag") {
        for (const std::string& tag : internal::Split(value, internal::kTagSeparator)) counts[tag] += v.get_termfreq();
      } else if (!value.empty()) {
        counts[value] += v.get_termfreq();
      }
    }
    const Xapian::doccount seen = spy.get_total();
    const Xapian::doccount estimated = run.facet_mset.get_matches_estimated();
    const bool sampled = estimated > run.check_at_least;
    const double scale = sampled && seen > 0 && estimated > seen ? static_cast<double>(estimated) / seen : 1.0;
    std::vector<FacetValue> values;
    for (const auto& [value, count] : counts) values.push_back({value, static_cast<int>(std::lround(count * scale))});
    std::stable_sort(values.begin(), values.end(),
                     [](const FacetValue& a, const FacetValue& b) { return a.count > b.count; });
    out->facets[field] = std::move(values);
  }
}

// The words the index lacks were searched as their corrections: say so, with the filters as typed. With the
// correction switched off it is only offered, when the query as typed found little.
void ReportCorrection(const internal::ParsedQuery& parsed, SearchResponse* out) {
  const std::string& corrected = parsed.corrected;
  if (corrected.empty() || internal::AsciiLower(corrected) == internal::AsciiLower(parsed.free_text)) return;
  const std::string suggestion = parsed.filter_text.empty() ? corrected : corrected + " " + parsed.filter_text;
  if (parsed.auto_corrected) {
    out->suggestion = out->corrected_query = suggestion;
  } else if (out->total < kFewResults) {
    out->suggestion = suggestion;
  }
}

// The word still being typed (as-you-type), marked in snippets by its prefix; "" when none.
std::string TypedWord(const SearchRequest& request) {
  if (!request.partial || request.query.empty() || request.query.back() == ' ') return "";
  const std::size_t cut = request.query.find_last_of(" \t");
  std::string typing = request.query.substr(cut == std::string::npos ? 0 : cut + 1);
  if (typing.find(':') != std::string::npos || typing.size() < 2) typing.clear();
  return typing;
}

}  // namespace

Result<SearchResponse> Searcher::Rep::DoSearch(const SearchRequest& request, bool plain) {
  const auto started = std::chrono::steady_clock::now();
  if (Status s = CheckRequest(request); !s.ok()) return s;
  SearchRun run(request);
  run.today = request.today.empty() ? Today() : request.today;
  run.today_compact = internal::CompactDate(run.today);
  run.now = request.now_seconds > 0 ? request.now_seconds : NowSeconds();
  run.curated = curation.Match(request.query, run.now);
  internal::QueryContext ctx{&db, &local_db, &options, langs, plain};
  Result<internal::ParsedQuery> parsed = internal::BuildQuery(request, ctx);
  if (!parsed.ok()) return parsed.status();
  run.parsed = std::move(*parsed);
  run.by_relevance = request.sort == SortOrder::kRelevance;
  PlanRerank(run, options.ranking, popularity && !popularity->empty(), boosts);

  Match(run);
  const std::vector<RankedHit> ranked = Rerank(run);
  SearchResponse out;
  out.query = request.query;
  out.page = request.page;
  out.size = request.size;
  out.total = static_cast<int>(std::min<Xapian::doccount>(run.mset.get_matches_estimated(), 1u << 30));
  Page(run, ranked, &out);
  CountFacets(run, &out);
  out.language = run.parsed.language;
  ReportCorrection(run.parsed, &out);
  out.missing_words = run.parsed.missing_words;
  if (incidents) out.incidents = internal::FindIncidents(db, run.parsed.query, run.now);
  if (out.total == 0 && run.parsed.operators && !plain && !internal::IntendedSyntax(run.parsed.free_text)) {
    // Operators, quotes or a field-like word made a query that matches nothing: read it as plain words (a
    // pasted JSON line or a phone number's + is not query syntax).
    Result<SearchResponse> retry = DoSearch(request, /*plain=*/true);
    if (retry.ok() && retry->total > 0) out = std::move(*retry);
  }
  out.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return out;
}

// Runs the query (with feedback for long questions), falls back to the other languages when the query's
// language has no match, and counts facets on the side when the match is sorted over remote shards.
void Searcher::Rep::Match(SearchRun& run) {
  const RankingOptions& r = options.ranking;
  const SearchRequest& request = run.request;
  Xapian::Enquire enquire(db);
  enquire.set_query(run.parsed.query);
  run.weight = internal::WeightFor(run.parsed, r);
  enquire.set_weighting_scheme(*run.weight);
  const bool feedback = run.by_relevance && run.parsed.long_query && !run.parsed.message && r.feedback_docs > 0 &&
                        r.feedback_terms > 0 && r.feedback_weight > 0;
  Xapian::Query* feedback_part = request.explain ? &run.feedback : nullptr;
  if (feedback)
    enquire.set_query(internal::WithFeedback(enquire, run.parsed.query, run.parsed.first_pass, r, feedback_part));
  // A query of filters alone weighs every match 0, and Xapian orders ties by docid, which differs between one
  // database and the same items in shards; the id makes that order the same everywhere (and is remote-safe,
  // unlike a KeyMaker).
  if (run.by_relevance && run.parsed.words == 0) enquire.set_sort_by_relevance_then_value(internal::kSlotId, false);
  if (request.sort == SortOrder::kVerified) enquire.set_sort_by_value_then_relevance(internal::kSlotVerified, true);
  if (request.sort == SortOrder::kTitle) enquire.set_sort_by_value_then_relevance(internal::kSlotTitleSort, false);

  // Over remote shards, a match sorted by value fed the spies of a remote shard some documents twice
  // (Xapian 1.4, tested on loopback), so those facets are counted in a separate match by relevance.
  const bool facets_apart = !run.by_relevance && shards.HasRemote() && !request.facets.empty();
  for (const std::string& f : request.facets) {
    run.spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(static_cast<Xapian::valueno>(FacetSlot(f))));
    if (!facets_apart) enquire.add_matchspy(run.spies.back().get());
  }
  run.first = (request.page - 1) * request.size;
  const int fetch_from = run.whole_window ? 0 : run.first;
  const int fetch_count = run.whole_window ? std::max(run.first + request.size, kRerankWindow) : request.size;
  if (!run.spies.empty()) run.check_at_least = std::min(db.get_doccount(), kFacetCheckLimit);
  run.mset = enquire.get_mset(fetch_from, fetch_count, run.check_at_least);
  run.other_languages = run.mset.empty() && !run.parsed.fallback.empty();
  if (run.other_languages) {
    // Nothing in the query's language: the other languages' items are better than nothing. Feedback runs its
    // first pass on an Enquire of its own, so that the facet spies count the final match only.
    Xapian::Query fallback = run.parsed.fallback;
    if (feedback) {
      Xapian::Enquire first_pass(db);
      first_pass.set_weighting_scheme(*run.weight);
      run.feedback = Xapian::Query();
      fallback = internal::WithFeedback(first_pass, fallback, run.parsed.first_pass_fallback, r, feedback_part);
    }
    enquire.set_query(fallback);
    run.mset = enquire.get_mset(fetch_from, fetch_count, run.check_at_least);
  }
  run.ran = enquire.get_query();
  run.facet_mset = run.mset;
  if (facets_apart) {
    Xapian::Enquire counting(db);
    counting.set_query(enquire.get_query());
    counting.set_weighting_scheme(Xapian::BoolWeight());
    for (const auto& spy : run.spies) counting.add_matchspy(spy.get());
    run.facet_mset = counting.get_mset(0, 0, run.check_at_least);
  }
  // The words of the query that ran (the other languages' parse when it was the fallback) mark the snippets.
  run.words = internal::CollectQueryWords(run.other_languages ? run.parsed.fallback : run.parsed.query, db,
                                          TypedWord(request), &run.mset);
}

// Orders the fetched window: exact code/id matches first, then by score times the rerank factors.
std::vector<RankedHit> Searcher::Rep::Rerank(const SearchRun& run) {
  std::vector<Xapian::docid> exact_docs;
  if (run.rerank && !run.parsed.exact_terms.empty()) exact_docs = ExactDocs(db, run.mset, run.parsed.exact_terms);
  if (run.rerank && shards.HasRemote()) remote_docs.FetchKeys(db, run.mset, run.ran, *run.weight);
  std::vector<RankedHit> ranked;
  for (auto it = run.mset.begin(); it != run.mset.end(); ++it) {
    RankedHit x{it, it.get_weight(), false};
    if (run.rerank) {
      x.score *= RerankFactor(run, it);
      x.exact = std::binary_search(exact_docs.begin(), exact_docs.end(), *it);
    }
    ranked.push_back(x);
  }
  if (run.rerank) {
    std::stable_sort(ranked.begin(), ranked.end(), [](const RankedHit& a, const RankedHit& b) {
      if (a.exact != b.exact) return a.exact;
      return a.score > b.score;
    });
  }
  return ranked;
}

// The rerank value of a match (rerank_key.h): from the local document, or over remote shards from the keys
// RemoteDocs::FetchKeys brought; a match it missed (a tie in weight at the window's edge, which the two matches
// order differently) is read from its document.
std::string Searcher::Rep::RerankValue(const Xapian::MSetIterator& it) {
  if (!shards.HasRemote()) return it.get_document().get_value(internal::kSlotRerank);
  if (const std::string* key = remote_docs.Key(*it)) return *key;
  std::string key = DocOf(it).get_value(internal::kSlotRerank);
  remote_docs.PutKey(*it, key);
  return key;
}

// What multiplies one match's score: freshness, popularity, its front matter boost, answers after articles,
// and (when on) the share of the matches its best section holds. All but the last come from the match's
// rerank value; the section focus reads the document. `parts` (explain): receives each factor other than 1,
// in the order applied.
double Searcher::Rep::RerankFactor(const SearchRun& run, const Xapian::MSetIterator& it,
                                   std::vector<ScorePart>* parts) {
  const RankingOptions& r = options.ranking;
  double factor = 1;
  auto apply = [&](const char* name, double f) {
    factor *= f;
    if (parts && f != 1.0) parts->push_back({name, 0, f});
  };
  const internal::RerankKey key = internal::DecodeRerankKey(RerankValue(it));
  if (!key.stale_after.empty()) {
    apply("freshness", key.stale_after < run.today_compact ? r.stale_factor : r.verified_factor);
  }
  if (run.popular) {
    auto found = popularity->find(key.id);
    if (found != popularity->end() && found->second > 0)
      apply("popularity", 1 + r.popularity_boost * std::log1p(found->second));
  }
  if (!key.boost.empty()) apply("boost", std::clamp(std::strtod(key.boost.c_str(), nullptr), 0.05, 20.0));
  if (run.problem_first && !key.answer && key.names_problem) apply("problem", r.problem_factor);
  if (run.answers_after && key.answer) apply("answers_after", r.answer_factor);
  if (run.process_first && key.process) apply("process", r.process_factor);
  if (key.about_kb && r.about_kb_factor != 1 &&
      !(r.about_kb_title_lift && internal::NamesQueryWord(key.title, run.words, run.parsed.language))) {
    apply("about_kb", r.about_kb_factor);
  }
  if (!key.ended.empty() && key.ended < run.today_compact) apply("ended", r.ended_factor);
  if (run.focus) {
    // The best section decides where the item ranks: matches scattered over several sections weigh less.
    StoredItem stored = internal::DecodeStoredItem(DocOf(it), run.today);
    const double share = internal::SectionFocus(stored.item, run.words, internal::MakeStemmer(stored.item.lang));
    apply("focus", 1 - r.section_weight + r.section_weight * share);
  }
  return factor;
}

// The requested page of the ranked window (or of the match, when nothing reranked it), curated if a rule
// matches.
void Searcher::Rep::Page(const SearchRun& run, const std::vector<RankedHit>& ranked, SearchResponse* out) {
  const SearchRequest& request = run.request;
  std::vector<int> from;  // each hit's place in `ranked`, -1 for a pinned item outside it
  if (!run.curated.empty()) {
    AddCuratedHits(request, run.curated, ranked, run.words, run.today, out, &from);
  } else {
    const std::size_t begin = run.whole_window ? static_cast<std::size_t>(run.first) : 0;
    for (std::size_t i = begin; i < ranked.size() && out->hits.size() < static_cast<std::size_t>(request.size); ++i) {
      SearchHit hit;
      hit.score = ranked[i].score;
      hit.exact = ranked[i].exact;
      hit.rank = run.first + static_cast<int>(out->hits.size()) + 1;
      Finish(DocOf(ranked[i].it), run.words, run.today, request.snippets, &hit);
      out->hits.push_back(std::move(hit));
      from.push_back(static_cast<int>(i));
    }
  }
  if (request.explain) Explain(run, ranked, from, out);
}

// The parts of each hit's score: what each part of the query that ran weighs for it (one match per part over
// the page's items), then what each rerank factor changed.
void Searcher::Rep::Explain(const SearchRun& run, const std::vector<RankedHit>& ranked, const std::vector<int>& from,
                            SearchResponse* out) {
  std::vector<internal::QueryPart> parts = run.other_languages ? run.parsed.fallback_parts : run.parsed.parts;
  if (!run.feedback.empty()) parts.push_back({"feedback", run.feedback});
  std::vector<internal::ExplainDoc> docs;
  for (std::size_t k = 0; k < out->hits.size(); ++k) {
    if (from[k] >= 0) docs.push_back({*ranked[static_cast<std::size_t>(from[k])].it, out->hits[k].id});
  }
  const std::vector<std::vector<double>> weights = internal::PartWeights(db, parts, *run.weight, docs);
  std::size_t d = 0;
  for (std::size_t k = 0; k < out->hits.size(); ++k) {
    SearchHit& hit = out->hits[k];
    if (from[k] >= 0) {
      const RankedHit& x = ranked[static_cast<std::size_t>(from[k])];
      std::vector<ScorePart> factors;
      if (run.rerank) RerankFactor(run, x.it, &factors);
      std::vector<double> own;
      for (const std::vector<double>& w : weights) own.push_back(w[d]);
      hit.explain = internal::ScoreParts(parts, own, x.it.get_weight(), factors);
      ++d;
    }
    if (hit.pinned) hit.explain.push_back({"pin", 0, 0});
  }
}

}  // namespace kb
