// kb-eval: measures kb's ranking quality on labeled test collections against a plain-Xapian reference, with
// one ablation row per ranking feature. See bench/README.md ("Relevance evaluation").
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "baselines.h"
#include "dataset.h"
#include "report.h"
#include "runner.h"
#include "systems.h"
#include "variants.h"

namespace kb::eval {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] = R"(usage: kb-eval [options]
  --data DIR        folder of labeled sets (default ../shared/data/labeled)
  --baselines FILE  cited peer scores (default DATA/../BASELINES.md)
  --set NAME        evaluate only this set (repeatable; default: every set under --data)
  --variant NAME    run only this ablation row (repeatable; default: all)
  --no-ablations    kb and the reference only
  --runs N          timed passes after the warm-up pass (default 3)
  --long-words N    queries with at least N words are also reported as "long" (default 50)
  --json FILE       also write the results as JSON
  --per-query FILE  also write each query's nDCG@10 (set, system, query id, words, kb, reference) as TSV
  --work DIR        where the indexes are built (default: a fresh temporary folder, removed at exit)
  --check           exit 1 unless kb beats the best cited baseline and matches the reference on every set
)";

struct Args {
  std::string data = "../shared/data/labeled";
  std::string baselines;
  std::set<std::string> sets;
  std::set<std::string> variants;
  bool ablations = true;
  int runs = 3;
  int long_words = 50;
  std::string json;
  std::string per_query;
  std::string work;
  bool check = false;
};

bool ParseArgs(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(f + " needs a value");
      return argv[++i];
    };
    if (f == "--data") a->data = value();
    else if (f == "--baselines") a->baselines = value();
    else if (f == "--set") a->sets.insert(value());
    else if (f == "--variant") a->variants.insert(value());
    else if (f == "--no-ablations") a->ablations = false;
    else if (f == "--runs") a->runs = std::stoi(value());
    else if (f == "--long-words") a->long_words = std::stoi(value());
    else if (f == "--json") a->json = value();
    else if (f == "--per-query") a->per_query = value();
    else if (f == "--work") a->work = value();
    else if (f == "--check") a->check = true;
    else if (f == "--help" || f == "-h") return false;
    else throw std::invalid_argument("unknown option " + f);
  }
  if (a->baselines.empty()) a->baselines = (fs::path(a->data) / ".." / "BASELINES.md").string();
  return true;
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Evaluates one set: the reference, kb, then each ablation (index-time ones on their own index).
Result<SetReport> EvaluateSet(const LabeledSet& set, const Args& args, const fs::path& work) {
  SetReport rep;
  rep.name = set.name;
  rep.docs = static_cast<int>(set.docs.size());
  for (const Query& q : set.queries) {
    rep.query_ids.push_back(q.id);
    rep.query_words.push_back(q.words);
  }
  RunOptions run{.depth = 100, .timed_runs = args.runs, .long_words = args.long_words};

  auto t = std::chrono::steady_clock::now();
  auto reference = BuildReference(set, (work / (set.name + "-reference")).string());
  if (!reference.ok()) return reference.status();
  rep.reference_build_s = SecondsSince(t);
  rep.reference = RunSet(**reference, set, run);

  std::map<std::string, std::string> indexes;  // index key → path
  auto index_for = [&](const Variant* v) -> Result<std::string> {
    std::string key = v && v->index ? v->index_key : "";
    if (auto it = indexes.find(key); it != indexes.end()) return it->second;
    WriterOptions wopts;
    wopts.spelling = true;
    if (v && v->index) v->index(wopts);
    std::string path = (work / (set.name + "-kb" + (key.empty() ? "" : "-" + key))).string();
    auto start = std::chrono::steady_clock::now();
    Status s = BuildKbIndex(set, path, wopts);
    if (!s.ok()) return s;
    if (key.empty()) rep.kb_build_s = SecondsSince(start);
    indexes[key] = path;
    return path;
  };

  Result<std::string> kb_path = index_for(nullptr);
  if (!kb_path.ok()) return kb_path.status();
  auto kb = OpenKb(*kb_path, set.name, SearcherOptions{});
  if (!kb.ok()) return kb.status();
  rep.kb = RunSet(**kb, set, run);

  if (!args.ablations) return rep;
  RunOptions quick = run;
  quick.timed_runs = 1;
  for (const Variant& v : Variants()) {
    if (!args.variants.empty() && !args.variants.count(v.name)) continue;
    Result<std::string> path = index_for(&v);
    if (!path.ok()) return path.status();
    SearcherOptions opts;
    if (v.search) v.search(opts);
    auto sys = OpenKb(*path, set.name, opts);
    if (!sys.ok()) return sys.status();
    rep.variants.emplace_back(v.name, RunSet(**sys, set, quick));
    std::cerr << "  " << set.name << " " << v.name << ": nDCG@10 " << rep.variants.back().second.all.ndcg10 << "\n";
  }
  return rep;
}

int Main(int argc, char** argv) {
  Args args;
  try {
    if (!ParseArgs(argc, argv, &args)) {
      std::cout << kUsage;
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "kb-eval: " << e.what() << "\n" << kUsage;
    return 2;
  }
  std::vector<std::string> dirs = FindLabeledSets(args.data);
  if (dirs.empty()) {
    std::cerr << "kb-eval: no labeled sets under " << args.data << " (each needs docs.jsonl and qrels.tsv)\n";
    return 2;
  }
  std::vector<Baseline> baselines = LoadBaselines(args.baselines);
  if (baselines.empty()) std::cerr << "kb-eval: no baselines read from " << args.baselines << "\n";

  fs::path work = args.work;
  bool remove_work = false;
  if (work.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "kb-eval-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::cerr << "kb-eval: cannot create a temporary folder\n";
      return 2;
    }
    work = tmpl;
    remove_work = true;
  }
  fs::create_directories(work);

  std::vector<SetReport> reports;
  int status = 0;
  for (const std::string& dir : dirs) {
    Result<LabeledSet> set = LoadLabeledSet(dir);
    if (!set.ok()) {
      std::cerr << "kb-eval: " << set.status().ToString() << "\n";
      status = 2;
      break;
    }
    if (!args.sets.empty() && !args.sets.count(set->name)) continue;
    std::cerr << "kb-eval: " << set->name << " (" << set->docs.size() << " docs, " << set->queries.size()
              << " queries)\n";
    Result<SetReport> rep = EvaluateSet(*set, args, work);
    if (!rep.ok()) {
      std::cerr << "kb-eval: " << set->name << ": " << rep.status().ToString() << "\n";
      status = 2;
      break;
    }
    reports.push_back(std::move(*rep));
  }
  if (remove_work) fs::remove_all(work);
  if (status != 0) return status;

  PrintReport(reports, baselines, std::cout);
  if (!args.json.empty()) {
    std::ofstream out(args.json);
    out << ReportJson(reports, baselines).dump(2) << "\n";
    if (!out) {
      std::cerr << "kb-eval: cannot write " << args.json << "\n";
      return 2;
    }
  }
  if (!args.per_query.empty()) {
    std::ofstream out(args.per_query);
    out << "set\tquery\twords\tkb\treference\n";
    for (const SetReport& r : reports) {
      for (std::size_t i = 0; i < r.kb.per_query.size(); ++i) {
        out << r.name << "\t" << r.query_ids[i] << "\t" << r.query_words[i] << "\t" << r.kb.per_query[i].ndcg10 << "\t"
            << r.reference.per_query[i].ndcg10 << "\n";
      }
    }
  }
  std::string why;
  if (!MeetsTargets(reports, baselines, &why)) {
    std::cerr << "kb-eval: targets not met:\n" << why;
    if (args.check) return 1;
  }
  return 0;
}

}  // namespace
}  // namespace kb::eval

int main(int argc, char** argv) { return kb::eval::Main(argc, argv); }
