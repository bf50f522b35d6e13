// The support query set (bench/support/): what engineers on shift type, mistype, paste or search for by code,
// judged against the items of content/ (README.md there). Its items are indexed through the real kb pipeline.
#ifndef KB_BENCH_EVAL_SUPPORT_H_
#define KB_BENCH_EVAL_SUPPORT_H_

#include <string>
#include <vector>

#include "dataset.h"
#include "kb/index_writer.h"
#include "kb/status.h"

namespace kb::eval {

inline constexpr char kSupportSetName[] = "support";

struct SupportSet {
  // name "support"; docs: content/'s items as kb parses them — id, title, and as text each section's heading
  // and plain text (the Markdown body without front matter, syntax and aliases/tags), lang; queries: the
  // judged ones, each with its shape and lang.
  LabeledSet set;
  std::string dir;
  std::string content_dir;
  std::vector<std::string> unjudged;       // query ids with no judgement at all (left out of every metric)
  std::vector<std::string> unknown_items;  // "QUERY ITEM" pairs of qrels.tsv naming an item content/ lacks
};

// Loads DIR/queries.jsonl ({"id","text","shape","lang"} per line) and DIR/qrels.tsv (query_id, item_id,
// grade 0-3) and parses the items of `content_dir`. Errors name file:line.
Result<SupportSet> LoadSupportSet(const std::string& dir, const std::string& content_dir);

// Indexes `content_dir` into `db_path` exactly as `kb-index build --db DB_PATH CONTENT_DIR` does
// (kb::LoadSource with its kb-source.yaml and synonyms.txt, then kb::BuildIndex).
Status BuildContentIndex(const std::string& content_dir, const std::string& db_path);

// For index-time ablations, which need WriterOptions that kb::BuildIndex does not take: the same source's files
// parsed with its ParseOptions (kb::ParseItem), written with IndexWriter::Upsert under `options`, with the
// source's synonym groups, in one commit. With default options it gives the rankings of BuildContentIndex
// (checked by bench/eval/metrics_test.cc).
Status BuildContentIndexWith(const std::string& content_dir, const std::string& db_path, const WriterOptions& options);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_SUPPORT_H_
