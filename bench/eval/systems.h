// The two systems the evaluation compares: kb (libkb's IndexWriter + Searcher, configurable for ablations) and
// the reference (plain Xapian BM25 with a plain QueryParser, as BASELINES.md's "Xapian BM25" row).
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

// Ranks documents for one query; returns document ids (of the labeled set), best first, at most `depth`.
class RankingSystem {
 public:
  virtual ~RankingSystem() = default;
  virtual Result<std::vector<std::string>> Rank(const std::string& query, int depth) = 0;
};

// Indexes `set` into a kb database at `db_path` through the same path as parsed Markdown: one kb::Item per
// document (title, one lead section holding the text) written with IndexWriter::Upsert. Item ids are
// "SET/DOCID", like the path-derived ids of a kb source, so bare numbers in queries do not hit them as ids.
Status BuildKbIndex(const LabeledSet& set, const std::string& db_path, const WriterOptions& options);

// A kb::Searcher over `db_path`; the raw query text goes to Searcher::Search (top `depth`, no snippets).
Result<std::unique_ptr<RankingSystem>> OpenKb(const std::string& db_path, const std::string& set_name,
                                              const SearcherOptions& options);

// Plain Xapian: title and text indexed with an English stemmer (STEM_SOME), queries lowercased, reduced to
// alphanumeric tokens, parsed by a QueryParser with OR and the same stemmer, default BM25 parameters.
Result<std::unique_ptr<RankingSystem>> BuildReference(const LabeledSet& set, const std::string& db_path);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_SYSTEMS_H_
