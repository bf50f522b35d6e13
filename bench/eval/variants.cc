#include "variants.h"

#include <utility>

namespace kb::eval {
namespace {

using SearchChange = std::function<void(SearcherOptions&)>;

Variant Query(std::string name, std::string what, SearchChange search) {
  return Variant{std::move(name), std::move(what), std::move(search), nullptr, ""};
}

Variant Index(std::string name, std::string what, std::string key, std::function<void(WriterOptions&)> index) {
  return Variant{std::move(name), std::move(what), nullptr, std::move(index), std::move(key)};
}

}  // namespace

const std::vector<Variant>& Variants() {
  static const std::vector<Variant> variants = {
      Index("-field-weights", "titles, aliases, headings and tags indexed like body text (wdf 1)", "flat",
            [](WriterOptions& o) { o.field_weights = false; }),
      Index("-code-words", "error codes (ERR_INSUFFICIENT_FUNDS) indexed as one word only, not also as their words",
            "nocodewords", [](WriterOptions& o) { o.code_words = false; }),
      Query("+title-boost", "query also matched against titles alone (S terms), weight 0.5, queries <= 12 words",
            [](SearcherOptions& o) { o.ranking.title_boost = 0.5; }),
      Query("-exact", "exact error-code / id match first, off",
            [](SearcherOptions& o) { o.ranking.exact_match_first = false; }),
      Query("-phrase", "phrase / proximity boost (queries of 2-6 words), off",
            [](SearcherOptions& o) { o.ranking.phrase_boost = false; }),
      Query("-long-fields", "no title and alias boosts for verbose queries (> long_query_words words)",
            [](SearcherOptions& o) { o.ranking.long_query_fields = false; }),
      Query("-synonyms", "synonym expansion, off", [](SearcherOptions& o) { o.ranking.synonyms = false; }),
      Query("-spelling", "spelling fallback, off", [](SearcherOptions& o) { o.ranking.spelling_fallback = false; }),
      Query("-stopwords", "English stopwords kept in queries", [](SearcherOptions& o) { o.ranking.stopwords = false; }),
      Query("stem=none", "no stemming", [](SearcherOptions& o) { o.ranking.stemming = "none"; }),
      Query("stem=all_z", "every query word stemmed, capitalised ones too (Xapian STEM_ALL_Z)",
            [](SearcherOptions& o) { o.ranking.stemming = "all_z"; }),
      Query("-fold-case", "sentence-case words not lowercased (Xapian leaves them unstemmed)",
            [](SearcherOptions& o) { o.ranking.fold_case = false; }),
      Query("bm25 k1=1.2", "BM25 k1 1.2 (the previous default)", [](SearcherOptions& o) { o.ranking.bm25_k1 = 1.2; }),
      Query("bm25 k1=2", "BM25 k1 2.0", [](SearcherOptions& o) { o.ranking.bm25_k1 = 2.0; }),
      Query("bm25 b=0.5", "BM25 b 0.5", [](SearcherOptions& o) { o.ranking.bm25_b = 0.5; }),
      Query("bm25 1/0.5", "BM25 k1 1, b 0.5 (Xapian's defaults)",
            [](SearcherOptions& o) {
              o.ranking.bm25_k1 = 1;
              o.ranking.bm25_b = 0.5;
            }),
      Query("-freshness", "stale / verified factors 1 (no dates in labeled sets: tested on content/)",
            [](SearcherOptions& o) {
              o.ranking.stale_factor = 1;
              o.ranking.verified_factor = 1;
            }),
      Query("-sections", "section scoring (anchor, snippet), off",
            [](SearcherOptions& o) { o.ranking.section_scoring = false; }),
      Query("+section-rank", "best section's share of the matches decides rank too (section_weight 0.3)",
            [](SearcherOptions& o) { o.ranking.section_weight = 0.3; }),
      Query("-verbose", "no verbose-query handling at all (no cap, no feedback, no hyphen split)",
            [](SearcherOptions& o) { o.ranking.long_query_words = 1 << 20; }),
      Query("-long-cap", "verbose queries keep all their terms (default: the 32 most informative)",
            [](SearcherOptions& o) { o.ranking.long_query_max_terms = 0; }),
      Query("long-cap=16", "verbose queries keep 16 terms",
            [](SearcherOptions& o) { o.ranking.long_query_max_terms = 16; }),
      Query("long-cap=64", "verbose queries keep 64 terms",
            [](SearcherOptions& o) { o.ranking.long_query_max_terms = 64; }),
      Query("-feedback", "pseudo-relevance feedback, off", [](SearcherOptions& o) { o.ranking.feedback_docs = 0; }),
      Query("+feedback-fields", "the feedback's first pass runs the title and alias boosts too (before 2026-12-06)",
            [](SearcherOptions& o) { o.ranking.feedback_field_boosts = true; }),
      Query("feedback=10", "feedback from 10 documents", [](SearcherOptions& o) { o.ranking.feedback_docs = 10; }),
      Query("-feedback-scale",
            "the expansion's terms weigh feedback_weight each, however few the query's (before 2026-12-08)",
            [](SearcherOptions& o) { o.ranking.feedback_scaled = false; }),
      Query("-pasted-ineb2", "BM25 for pasted (>= 50 words) queries too",
            [](SearcherOptions& o) { o.ranking.pasted_query_words = 0; }),
      Query("ineb2-all", "IneB2 for every query", [](SearcherOptions& o) { o.ranking.pasted_query_words = 1; }),
      Query("-alias", "query-time alias match (XA terms, weight 1), off",
            [](SearcherOptions& o) { o.ranking.alias_boost = 0; }),
      Query("alias=2", "alias match weight 2", [](SearcherOptions& o) { o.ranking.alias_boost = 2; }),
      Query("-answers-after", "scripted answers not ranked after articles (answer_factor 1)",
            [](SearcherOptions& o) { o.ranking.answer_factor = 1; }),
      Query("answers=0.5", "answer_factor 0.5", [](SearcherOptions& o) { o.ranking.answer_factor = 0.5; }),
      Query("-synonym-phrases", "synonym groups with a phrase not expanded (synonym_phrases false)",
            [](SearcherOptions& o) { o.ranking.synonym_phrases = false; }),
      Query("-dictionary", "Turkish words the index lacks corrected to its nearest word (no word list)",
            [](SearcherOptions& o) { o.dictionary_dir = ""; }),
      Query("-ended", "ended incidents not ranked lower (ended_factor 1)",
            [](SearcherOptions& o) { o.ranking.ended_factor = 1; }),
      Query("-problem", "articles naming a problem not raised for typed queries reporting one (problem_factor 1)",
            [](SearcherOptions& o) { o.ranking.problem_factor = 1; }),
      Query("problem=1.5", "problem_factor 1.5", [](SearcherOptions& o) { o.ranking.problem_factor = 1.5; }),
      Query("-process", "scope: process items not raised for typed first-person questions (process_factor 1)",
            [](SearcherOptions& o) { o.ranking.process_factor = 1; }),
      Query("process=1.6", "process_factor 1.6", [](SearcherOptions& o) { o.ranking.process_factor = 1.6; }),
      Query("-code-text", "codes a typed query names not weighed again in item text (code_text_boost 0)",
            [](SearcherOptions& o) { o.ranking.code_text_boost = 0; }),
      Query("code-text=10", "code_text_boost 10", [](SearcherOptions& o) { o.ranking.code_text_boost = 10; }),
      Query("-code-once", "a code's boost follows how often the item repeats it (its BM25 weight; before 2026-12-08)",
            [](SearcherOptions& o) { o.ranking.code_text_once = false; }),
      Query("-language-first", "every language searched together (no query language, no fallback)",
            [](SearcherOptions& o) { o.ranking.language_first = false; }),
      Query("-other-language-codes", "codes only another language's items hold wait for the fallback",
            [](SearcherOptions& o) { o.ranking.other_language_codes = false; }),
      Query("-kb-title-lift", "items about kb stay below product items also when the query names their title",
            [](SearcherOptions& o) { o.ranking.about_kb_title_lift = false; }),
      Query("about-kb=1", "items about kb ranked as any other (about_kb_factor 1)",
            [](SearcherOptions& o) { o.ranking.about_kb_factor = 1; }),
      Query("-question-frame", "a typed question's frame searched as any word (question_frame_weight 1)",
            [](SearcherOptions& o) { o.ranking.question_frame_weight = 1; }),
      Query("frame=0", "a typed question's frame not searched at all (question_frame_weight 0)",
            [](SearcherOptions& o) { o.ranking.question_frame_weight = 0; }),
      Query("-pasted-text", "pasted messages read as typed queries (no cleaning, operators active)",
            [](SearcherOptions& o) { o.ranking.pasted_text = false; }),
  };
  return variants;
}

}  // namespace kb::eval
