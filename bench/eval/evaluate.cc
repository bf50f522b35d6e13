#include "evaluate.h"

#include <chrono>
#include <iostream>
#include <map>

#include "variants.h"

namespace kb::eval {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

Result<SetReport> EvaluateSet(const LabeledSet& set, const KbIndexBuilder& build_kb, const std::string& id_prefix,
                              const EvalOptions& options, const std::filesystem::path& work) {
  SetReport rep;
  rep.name = set.name;
  rep.docs = static_cast<int>(set.docs.size());
  rep.queries = set.queries;
  rep.qrels = set.qrels;
  RunOptions run{.depth = 100, .timed_runs = options.runs, .long_words = options.long_words};

  auto t = std::chrono::steady_clock::now();
  auto reference = BuildReference(set, (work / (set.name + "-reference")).string());
  if (!reference.ok()) return reference.status();
  rep.reference_build_s = SecondsSince(t);
  rep.reference = RunSet(**reference, set, run);

  t = std::chrono::steady_clock::now();
  auto fts5 = BuildFts5(set);
  if (!fts5.ok()) return fts5.status();
  rep.fts5_build_s = SecondsSince(t);
  rep.fts5 = RunSet(**fts5, set, run);

  std::map<std::string, std::string> indexes;  // index key → path
  auto index_for = [&](const Variant* v) -> Result<std::string> {
    std::string key = v && v->index ? v->index_key : "";
    if (auto it = indexes.find(key); it != indexes.end()) return it->second;
    std::string path = (work / (set.name + "-kb" + (key.empty() ? "" : "-" + key))).string();
    auto start = std::chrono::steady_clock::now();
    Status s;
    if (key.empty()) {
      s = build_kb(path, nullptr);
    } else {
      WriterOptions wopts;
      v->index(wopts);
      s = build_kb(path, &wopts);
    }
    if (!s.ok()) return s;
    if (key.empty()) rep.kb_build_s = SecondsSince(start);
    indexes[key] = path;
    return path;
  };

  Result<std::string> kb_path = index_for(nullptr);
  if (!kb_path.ok()) return kb_path.status();
  const SearcherOptions defaults;
  auto kb = OpenKb(*kb_path, id_prefix, defaults, options.kb_query);
  if (!kb.ok()) return kb.status();
  rep.kb = RunSet(**kb, set, run);

  if (!options.ablations) return rep;
  RunOptions quick = run;
  quick.timed_runs = 1;
  for (const Variant& v : Variants()) {
    if (!options.variants.empty() && !options.variants.count(v.name)) continue;
    Result<std::string> path = index_for(&v);
    if (!path.ok()) return path.status();
    SearcherOptions opts;
    if (v.search) v.search(opts);
    auto sys = OpenKb(*path, id_prefix, opts, options.kb_query);
    if (!sys.ok()) return sys.status();
    rep.variants.emplace_back(v.name, RunSet(**sys, set, quick));
    std::cerr << "  " << set.name << " " << v.name << ": nDCG@10 " << rep.variants.back().second.all.ndcg10 << "\n";
  }
  return rep;
}

}  // namespace kb::eval
