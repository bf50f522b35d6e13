// A labeled relevance test collection in the common format of ../shared/data/labeled/NAME/:
// docs.jsonl {"id","title","text"}, queries.jsonl {"id","text"}, qrels.tsv (query_id, doc_id, grade).
#ifndef KB_BENCH_EVAL_DATASET_H_
#define KB_BENCH_EVAL_DATASET_H_

#include <map>
#include <string>
#include <vector>

#include "kb/status.h"

namespace kb::eval {

struct Doc {
  std::string id;
  std::string title;
  std::string text;
  std::string lang = "en";  // the labeled sets are English; support items carry their own
};

struct Query {
  std::string id;
  std::string text;
  int words = 0;
  std::string shape;  // support set only: typed, typo, pasted, code, shift
  std::string lang;   // support set only: the language the query is written in
};

// query id → (doc id → grade). Only grades > 0 are kept: they are the relevant documents.
using Qrels = std::map<std::string, std::map<std::string, int>>;

struct LabeledSet {
  std::string name;
  std::vector<Doc> docs;
  std::vector<Query> queries;  // only queries that have at least one relevant document
  Qrels qrels;
};

// Reads qrels.tsv lines "query_id doc_id grade" (tab- or space-separated) into `qrels`; grades > 0 only.
// Grades above `max_grade` (if > 0) are an error. Messages name path:line.
Status LoadQrels(const std::string& path, Qrels* qrels, int max_grade = 0);

// Loads `dir` (a folder holding docs.jsonl, queries.jsonl and qrels.tsv); the set is named after the folder.
Result<LabeledSet> LoadLabeledSet(const std::string& dir);

// Sub-folders of `root` that hold a labeled set, sorted by name.
std::vector<std::string> FindLabeledSets(const std::string& root);

// Whitespace-separated words of `text`.
int CountWords(const std::string& text);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_DATASET_H_
