// The systems the evaluation compares: kb (libkb's IndexWriter + Searcher, configurable for ablations), the
// reference (plain Xapian BM25 with a plain QueryParser, as BASELINES.md's "Xapian BM25" row) and SQLite FTS5
// bm25() (BASELINES.md's "SQLite FTS5" row), all measured in the same run.
#ifndef KB_BENCH_EVAL_SYSTEMS_H_
#define KB_BENCH_EVAL_SYSTEMS_H_

#include <memory>
#include <string>
#include <vector>

#include "dataset.h"
#include "kb/index_writer.h"
#include "kb/options.h"
#include "kb/status.h"

namespace kb::eval {

// One ranked result: the document id (of the labeled set, or kb's item id) and its language.
struct Hit {
  std::string id;
  std::string lang;
};

// Ranks documents for one query; returns hits, best first, at most `depth`.
class RankingSystem {
 public:
  virtual ~RankingSystem() = default;
  virtual Result<std::vector<Hit>> Rank(const Query& query, int depth) = 0;
};

// Indexes `set` into a kb database at `db_path` through the same path as parsed Markdown: one kb::Item per
// document (title, one lead section holding the text) written with IndexWriter::Upsert. Item ids are
// "SET/DOCID", like the path-derived ids of a kb source, so bare numbers in queries do not hit them as ids.
Status BuildKbIndex(const LabeledSet& set, const std::string& db_path, const WriterOptions& options);

struct KbQueryOptions {
  std::string today = "2026-01-01";  // decides staleness; fixed so that results do not vary by day
  // Pass each query's `lang` as the request's language (only if libkb's SearchRequest has one; see
  // KbHasRequestLanguage). Default: false — the query text alone, as typed into the search box.
  bool request_lang = false;
};

// A kb::Searcher over `db_path`; the raw query text goes to Searcher::Search (top `depth`, no snippets).
// Hit ids that start with `id_prefix` lose it (the labeled sets' "SET/").
Result<std::unique_ptr<RankingSystem>> OpenKb(const std::string& db_path, const std::string& id_prefix,
                                              const SearcherOptions& options, const KbQueryOptions& query_options);

// True when this libkb's SearchRequest carries a request language (then --request-lang can pass it).
bool KbHasRequestLanguage();

// Plain Xapian: title and text indexed with an English stemmer (STEM_SOME), queries lowercased, ASCII-folded,
// reduced to alphanumeric tokens, parsed by a QueryParser with OR and the same stemmer, default BM25 parameters.
Result<std::unique_ptr<RankingSystem>> BuildReference(const LabeledSet& set, const std::string& db_path);

// SQLite FTS5 in memory: fts5(title, text, tokenize='porter unicode61 remove_diacritics 2'), queries reduced
// to the reference's tokens, each quoted and OR-ed, ranked by bm25() with its defaults (k1 1.2, b 0.75).
Result<std::unique_ptr<RankingSystem>> BuildFts5(const LabeledSet& set);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_SYSTEMS_H_
