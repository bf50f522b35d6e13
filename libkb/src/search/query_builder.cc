#include "query_builder.h"

#include <algorithm>

#include "query_intent.h"
#include "query_parse.h"
#include "query_parts.h"
#include "query_text.h"
#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

// The query as one text, read once: pasted or typed, cleaned, corrected, its words and its language.
struct QueryPlan {
  std::string text;                 // what the QueryParser reads
  std::string frame;                // a question's frame words, which only reorder the text's matches
  std::vector<std::string> tokens;  // its words (for exact codes and the phrase boost)
  bool partial = false;
  bool long_query = false;
  bool explain = false;  // keep the query's parts (ParsedQuery::parts)
};

// Receives each part of the query as its own query for explain; does nothing when `parts` is null.
struct PartNotes {
  std::vector<QueryPart>* parts;
  void operator()(const char* name, const Xapian::Query& q) const {
    if (parts && !q.empty()) parts->push_back({name, q});
  }
};

// The title and alias boosts. They reorder the text's matches only (AND_MAYBE): a title or alias word alone
// never makes an item match. A question's `frame` words count in titles and aliases too, at
// question_frame_weight.
Xapian::Query WithFieldBoosts(const Xapian::Query& text, const Xapian::Query& frame, const RankingOptions& r,
                              const PartNotes& note) {
  auto boost = [&](std::string_view prefix) {
    Xapian::Query q = FieldBoost(text, prefix);
    if (frame.empty()) return q;
    return Xapian::Query(
        Xapian::Query::OP_OR, q,
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, FieldBoost(frame, prefix), r.question_frame_weight));
  };
  std::vector<Xapian::Query> fields;
  if (r.title_boost > 0) {
    fields.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, boost(kPrefixTitle), r.title_boost);
    note("title", Xapian::Query(Xapian::Query::OP_FILTER, fields.back(), text));
  }
  if (r.alias_boost > 0) {
    fields.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, boost(kPrefixAlias), r.alias_boost);
    note("alias", Xapian::Query(Xapian::Query::OP_FILTER, fields.back(), text));
  }
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, text,
                       Xapian::Query(Xapian::Query::OP_OR, fields.begin(), fields.end()));
}

// The phrase / proximity boost: the same matches and weights as OP_AND_MAYBE(text, boost), which Xapian 1.4
// runs by testing the positional boost against every document of `text` (34 ms instead of 0.3 ms at 14k items
// when one word is in every item); as OP_OR the boost is driven by its own rarest word.
Xapian::Query WithPhraseBoost(const Xapian::Query& text, const QueryPlan& plan, const PartNotes& note) {
  Xapian::Query boost = PhraseBoost(plan.tokens);
  if (boost.empty()) return text;
  const Xapian::Query near(Xapian::Query::OP_FILTER, boost, text);
  note("phrase", near);
  return Xapian::Query(Xapian::Query::OP_OR, text, near);
}

// The other forms of the synonym groups with a phrase that the query's words are a form of, for typed queries
// without operators ("NOT amex" must not bring American Express back); the word still being typed is not a
// word yet. After the field boosts, which read the query's own words only.
Xapian::Query WithSynonymForms(Xapian::Query text, const QueryPlan& plan, const std::string& lang,
                               const QueryContext& ctx, const ParsedQuery& out, const PartNotes& note) {
  const RankingOptions& r = ctx.options->ranking;
  if (!r.synonyms || !r.synonym_phrases || text.empty() || out.prose || plan.long_query || out.operators) return text;
  const std::size_t words = plan.tokens.size() - (plan.partial && !plan.tokens.empty() ? 1 : 0);
  Xapian::Query forms = SynonymForms(plan.tokens, words, *ctx.local_db, lang);
  if (forms.empty()) return text;
  note("synonym", forms);
  return Xapian::Query(Xapian::Query::OP_OR, text, forms);
}

// Identifiers a pasted message quotes, and error codes / ids the query names exactly: a code term's BM25
// weight, scaled, outweighs any text match; the text still matches other items.
Xapian::Query WithCodes(Xapian::Query text, const QueryPlan& plan, const ParsedQuery& out, const QueryContext& ctx,
                        const PartNotes& note) {
  const RankingOptions& r = ctx.options->ranking;
  if (out.prose && r.exact_match_first) {
    if (Xapian::Query ids = IdentifierBoost(plan.tokens); !ids.empty()) {
      note("identifier", ids);
      text = text.empty() ? ids : Xapian::Query(Xapian::Query::OP_OR, text, ids);
    }
  }
  if (!out.prose && r.code_text_boost > 0) {
    if (Xapian::Query codes = CodeTextBoost(plan.tokens, *ctx.db, r.code_text_boost, r.code_text_once);
        !codes.empty()) {
      note("code", codes);
      text = text.empty() ? codes : Xapian::Query(Xapian::Query::OP_OR, text, codes);
    }
  }
  if (!out.exact_terms.empty()) {
    Xapian::Query exact(Xapian::Query::OP_OR, out.exact_terms.begin(), out.exact_terms.end());
    exact = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, exact, kExactBoost);
    note("exact", exact);
    text = text.empty() ? exact : Xapian::Query(Xapian::Query::OP_OR, exact, text);
  }
  return text;
}

// Whether the feedback's first pass leaves out the field boosts: for a question (not a message, which gets no
// feedback) of at least pasted_query_words words.
bool LeanFirstPass(const ParsedQuery& out, const RankingOptions& r) {
  return !r.feedback_field_boosts && !out.message && r.pasted_query_words > 0 && out.words >= r.pasted_query_words;
}

// Text query for one language, with the title, phrase and exact-code boosts; empty if nothing to search.
// `parts` (explain): receives each boost as its own query, filtered as it is in the whole. `first_pass`: set
// to the same query without the title and alias boosts when LeanFirstPass (else left empty).
Xapian::Query LanguageQuery(const QueryPlan& plan, const std::string& lang, bool filter_lang, const QueryContext& ctx,
                            const ParsedQuery& out, std::vector<QueryPart>* parts, Xapian::Query* first_pass) {
  const RankingOptions& r = ctx.options->ranking;
  const std::size_t first_part = parts ? parts->size() : 0;
  const PartNotes note{parts};
  Xapian::Query text = ParseText(plan.text, lang, ctx, plan.partial, out.prose, plan.long_query);
  if (!text.empty() && plan.long_query) text = ReduceLongQuery(text, r.long_query_max_terms, *ctx.db);
  note("text", text);
  // A question's frame words: they only reorder the text's matches, and weigh question_frame_weight.
  Xapian::Query frame;
  if (!plan.frame.empty() && r.question_frame_weight > 0 && !text.empty()) {
    frame = ParseText(plan.frame, lang, ctx, false, false, false);
  }
  if (r.field_weights && (!plan.long_query || r.long_query_fields) && !text.empty() &&
      (r.title_boost > 0 || r.alias_boost > 0)) {
    if (LeanFirstPass(out, r)) *first_pass = WithCodes(text, plan, out, ctx, PartNotes{nullptr});
    text = WithFieldBoosts(text, frame, r, note);
  }
  if (!frame.empty()) {
    const Xapian::Query scaled(Xapian::Query::OP_SCALE_WEIGHT, frame, r.question_frame_weight);
    note("frame", Xapian::Query(Xapian::Query::OP_FILTER, scaled, text));
    text = Xapian::Query(Xapian::Query::OP_AND_MAYBE, text, scaled);
  }
  if (r.phrase_boost && !plan.long_query && !text.empty() && plan.tokens.size() >= 2 && plan.tokens.size() <= 6 &&
      !out.operators) {
    text = WithPhraseBoost(text, plan, note);
  }
  text = WithSynonymForms(std::move(text), plan, lang, ctx, out, note);
  text = WithCodes(std::move(text), plan, out, ctx, note);
  if (filter_lang && !text.empty()) {
    const Xapian::Query in_lang(std::string(kPrefixLang) + lang);
    text = Restrict(text, in_lang);
    if (!first_pass->empty()) *first_pass = Restrict(*first_pass, in_lang);
    for (std::size_t i = first_part; parts && i < parts->size(); ++i) {
      (*parts)[i].query = Restrict((*parts)[i].query, in_lang);
    }
  }
  return text;
}

// Adds one language's parts to the parts of the query it joins (a part of several languages is their OR: each
// is filtered to its language, so an item weighs only its own).
void JoinParts(std::vector<QueryPart>&& from, std::vector<QueryPart>* into) {
  for (QueryPart& p : from) {
    auto same = std::find_if(into->begin(), into->end(), [&](const QueryPart& q) { return q.name == p.name; });
    if (same == into->end()) {
      into->push_back(std::move(p));
    } else {
      same->query = Xapian::Query(Xapian::Query::OP_OR, same->query, p.query);
    }
  }
}

// Missing words are looked up in the local shards: with remote ones, a word a remote shard holds would be
// called missing.
bool AllShardsLocal(const QueryContext& ctx) { return ctx.local_db->get_doccount() == ctx.db->get_doccount(); }

// Pasted text (a message, a log) is read as plain words, never as query syntax.
bool ReadsAsProse(const std::string& query, const QueryContext& ctx) {
  const RankingOptions& r = ctx.options->ranking;
  return ctx.plain || (r.pasted_text && LooksPasted(query, r.long_query_words));
}

// Reads the query text: pasted messages are cleaned and never query syntax; typed queries lose their field
// filters to `filters`, get their misspelt words corrected and their still-typed last word recognised.
QueryPlan PlanText(const SearchRequest& request, const QueryContext& ctx, Filters* filters, ParsedQuery* out) {
  const RankingOptions& r = ctx.options->ranking;
  QueryPlan plan;
  plan.explain = request.explain;
  out->prose = ReadsAsProse(request.query, ctx);
  if (out->prose) {
    out->message = LooksLikeMessage(request.query);
    out->free_text = CleanPastedText(request.query);
    plan.text = out->free_text;
  } else {
    out->free_text = ExtractFilters(request.query, filters, &out->filter_text);
    out->operators = HasOperators(out->free_text);
    plan.partial = request.partial && TypingPrefix(out->free_text, *ctx.local_db);
    plan.text = PureNegative(out->free_text);
    SpellingFix fix =
        CorrectSpelling(out->free_text, *ctx.local_db, plan.partial, ctx.langs, ctx.options->dictionary_dir);
    out->corrected = std::move(fix.shown);
    if (AllShardsLocal(ctx)) out->missing_words = std::move(fix.unknown);
    if (r.spelling_fallback && !fix.searched.empty()) {
      out->auto_corrected = !out->corrected.empty();
      plan.text = PureNegative(fix.searched);
    }
  }
  if (!out->prose && r.question_frame_weight != 1) plan.text = WithoutQuestionFrame(plan.text, &plan.frame);
  plan.text = SplitUnknownIdentifiers(plan.text, *ctx.db);
  // A customer's message that asks for a reply ("please respond", "can you tell us") asks the engineer, not for a
  // scripted answer first: the article that explains the problem still comes first.
  out->wants_reply = !out->message && AsksForReply(out->free_text);
  out->reports_problem = !out->prose && NamesProblem(out->free_text);
  plan.tokens = Tokens(out->prose ? plan.text : out->free_text);
  out->words = static_cast<int>(SplitQueryWords(out->free_text).size());
  plan.long_query = out->words > r.long_query_words;
  out->long_query = plan.long_query;
  // A question of a line or two, not a message: "merchant sent their live key in the ticket, what do I do".
  out->own_work = !out->message && out->words <= 2 * r.long_query_words && SpeaksInFirstPerson(out->free_text);
  return plan;
}

// The languages to search: those of a `lang:` filter, else the query's own language first and the others
// as the fallback.
std::vector<std::string> SearchLanguages(const SearchRequest& request, const QueryContext& ctx, const Filters& filters,
                                         const QueryPlan& plan, ParsedQuery* out) {
  if (auto it = filters.include.find("lang"); it != filters.include.end()) {
    std::vector<std::string> langs;
    for (const std::string& term : it->second) langs.push_back(term.substr(kPrefixLang.size()));
    return langs;
  }
  std::vector<std::string> langs = ctx.langs;
  if (langs.empty()) langs.push_back(ctx.options->default_lang);
  if (!ctx.options->ranking.language_first) return langs;
  std::vector<std::string> words = SplitQueryWords(plan.text);
  // The word being typed says little of the query's language ("webhok ret" is on its way to "retries", not the
  // Turkish "ret"), unless it is the only word and a whole one: "iade" lists Turkish refunds as-you-type, as the
  // final search does. A prefix ("iad") never decides.
  const bool typing = request.partial && !request.query.empty() && !IsSpace(request.query.back());
  if (typing && !words.empty() && (plan.partial || words.size() > 1)) words.pop_back();
  out->language = QueryLanguage(words, ctx.langs, *ctx.db, request.language, ctx.options->default_lang);
  std::stable_partition(langs.begin(), langs.end(), [&](const std::string& l) { return l == out->language; });
  return langs;
}

// Each language's text query: the query's own language (all of them with `lang:`) and the fallback's, and
// each as the feedback's first pass runs it (the same query, or the query without its field boosts).
struct TextQueries {
  std::vector<Xapian::Query> main, rest, main_first, rest_first;
};

Xapian::Query AnyOf(const std::vector<Xapian::Query>& qs) {
  return qs.empty()       ? Xapian::Query()
         : qs.size() == 1 ? qs[0]
                          : Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
}

// Builds `into` over `langs`. Fails when the query would expand to more terms than allowed.
Status BuildTextQueries(const QueryPlan& plan, const std::vector<std::string>& langs, bool explicit_langs,
                        const QueryContext& ctx, ParsedQuery* out, TextQueries* into) {
  const SearcherOptions& opt = *ctx.options;
  const bool filter_lang = ctx.langs.size() > 1;
  for (std::size_t i = 0; i < langs.size(); ++i) {
    std::vector<QueryPart> parts;
    Xapian::Query first;
    Xapian::Query q = LanguageQuery(plan, langs[i], filter_lang, ctx, *out, plan.explain ? &parts : nullptr, &first);
    if (q.empty()) continue;
    if (opt.max_query_terms > 0) {
      const std::size_t wildcard_terms = static_cast<std::size_t>(std::max(1, opt.max_wildcard_expansion));
      const std::size_t terms = ExpandedTerms(q, wildcard_terms) * langs.size();
      if (terms > static_cast<std::size_t>(opt.max_query_terms)) {
        return Status::InvalidArgument("query expands to up to " + std::to_string(terms) + " terms (each wildcard " +
                                       "counts as " + std::to_string(wildcard_terms) + "); the limit is " +
                                       std::to_string(opt.max_query_terms) + ": use fewer words or wildcards");
      }
    }
    const bool is_main = i == 0 || explicit_langs;
    (is_main ? into->main : into->rest).push_back(q);
    (is_main ? into->main_first : into->rest_first).push_back(first.empty() ? q : first);
    JoinParts(std::move(parts), is_main ? &out->parts : &out->fallback_parts);
  }
  return Status::Ok();
}

// Error codes or ids the query names that only items in other languages hold: those items join the query's
// own language's matches (restricted to the items holding them), since the article that explains the code is
// the answer whatever its language. When an item in the query's language holds one, nothing changes.
void AddOtherLanguagesCodes(const QueryContext& ctx, ParsedQuery* out, TextQueries* text) {
  const std::vector<std::string> codes = TermsOnlyInOtherLanguages(out->exact_terms, out->language, *ctx.db);
  if (codes.empty()) return;
  const Xapian::Query holders(Xapian::Query::OP_OR, codes.begin(), codes.end());
  text->main.push_back(Restrict(AnyOf(text->rest), holders));
  text->main_first.push_back(Restrict(AnyOf(text->rest_first), holders));
  // explain: such an item's whole match weight is this rule's (the query language's parts do not match it).
  out->parts.push_back({"other_language_code", text->main.back()});
}

// The text query restricted by the filters: a text-less query lists what the filters allow (or everything).
Xapian::Query Filtered(const Xapian::Query& text, const Xapian::Query& filter, bool has_words) {
  if (text.empty() && filter.empty()) return has_words ? Xapian::Query::MatchNothing : MatchAllQuery();
  if (text.empty()) return has_words ? Xapian::Query::MatchNothing : filter;
  if (filter.empty()) return text;
  return Restrict(text, filter);
}

}  // namespace

Result<ParsedQuery> BuildQuery(const SearchRequest& request, const QueryContext& ctx) {
  const SearcherOptions& opt = *ctx.options;
  if (request.query.size() > opt.max_query_bytes) {
    return Status::InvalidArgument("query is " + std::to_string(request.query.size()) + " bytes; the limit is " +
                                   std::to_string(opt.max_query_bytes));
  }
  std::size_t bad = 0;
  if (!IsValidUtf8(request.query, &bad)) {
    return Status::InvalidArgument("query is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  }
  ParsedQuery out;
  Filters filters;
  const QueryPlan plan = PlanText(request, ctx, &filters, &out);
  for (const auto& [field, values] : request.filters) {
    if (!IsFilterField(field)) return Status::InvalidArgument("unknown filter field '" + field + "'");
    for (const std::string& v : values) {
      std::string term = FilterTerm(field, v);
      if (!term.empty()) filters.include[field].insert(term);
    }
  }
  const bool explicit_langs = filters.include.count("lang") > 0 || !opt.ranking.language_first;
  const std::vector<std::string> langs = SearchLanguages(request, ctx, filters, plan, &out);
  if (opt.ranking.exact_match_first) out.exact_terms = FindExactTerms(plan.tokens, *ctx.db);

  TextQueries text;
  if (!plan.tokens.empty()) {
    if (Status s = BuildTextQueries(plan, langs, explicit_langs, ctx, &out, &text); !s.ok()) return s;
  }
  if (opt.ranking.other_language_codes && !explicit_langs && !text.rest.empty() && !out.exact_terms.empty())
    AddOtherLanguagesCodes(ctx, &out, &text);
  const Xapian::Query filter = FilterQuery(filters);
  const bool has_words = !plan.tokens.empty();
  out.query = Filtered(AnyOf(text.main), filter, has_words);
  out.first_pass = Filtered(AnyOf(text.main_first), filter, has_words);
  if (!text.rest.empty()) {
    out.fallback = Filtered(AnyOf(text.rest), filter, has_words);
    out.first_pass_fallback = Filtered(AnyOf(text.rest_first), filter, has_words);
  }
  return out;
}

std::vector<std::string> MissingWords(const std::string& query, const QueryContext& ctx) {
  if (ReadsAsProse(query, ctx) || !AllShardsLocal(ctx)) return {};
  Filters filters;
  std::string filter_text;
  const std::string free_text = ExtractFilters(query, &filters, &filter_text);
  return CorrectSpelling(free_text, *ctx.local_db, /*partial=*/false, ctx.langs, ctx.options->dictionary_dir).unknown;
}

}  // namespace kb::internal
