// kb-eval: measures kb's ranking quality on labeled test collections and on the support query set over
// content/, against plain Xapian and SQLite FTS5 measured in the same run, with one ablation row per ranking
// feature. See bench/README.md ("Relevance evaluation").
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "baselines.h"
#include "dataset.h"
#include "evaluate.h"
#include "report.h"
#include "support.h"
#include "support_report.h"

#ifndef KB_SOURCE_DIR
#define KB_SOURCE_DIR "."
#endif

namespace kb::eval {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] = R"(usage: kb-eval [options]
  --data DIR        folder of labeled sets (default ../shared/data/labeled)
  --baselines FILE  cited peer scores (default DATA/../BASELINES.md)
  --support DIR     the support query set: queries.jsonl, qrels.tsv (default bench/support, looked up from the
                    working directory, then from kb's source tree; skipped with a note when absent)
  --content DIR     the items the support set is judged against (default content, looked up the same way)
  --set NAME        evaluate only this set (repeatable; "support" or a folder under --data; default: all)
  --variant NAME    run only this ablation row (repeatable; default: all)
  --no-ablations    kb, the reference and FTS5 only
  --runs N          timed passes after the warm-up pass (default 3)
  --long-words N    queries with at least N words are also reported as "long" (default 50)
  --today DATE      the date support searches decide staleness on (default 2026-11-23, fixed so that runs
                    compare; the labeled sets use 2026-01-01, they carry no dates)
  --request-lang    pass each support query's "lang" as the request's language (needs a libkb whose
                    SearchRequest has one; default: the query text alone)
  --json FILE       also write the results as JSON
  --per-query FILE  also write each query's nDCG@10 as TSV (set, query, words, kb, reference, fts5, shape,
                    lang, kb's top 3 ids) and list kb's English support queries with a Turkish item
                    in their top 3 under the support table
  --work DIR        where the indexes are built (default: a fresh temporary folder, removed at exit)
  --check           exit 1 unless every target is met: on each labeled set kb beats the best cited baseline and
                    matches the reference; on support success@1 >= 0.85 overall and per shape, nDCG@10 >= 1.15x
                    the better of xapian and FTS5, no English query with a Turkish item in its top 3
  --help            this text
Exit codes: 0 done (targets met, or not checked), 1 a target missed with --check, 2 bad arguments or data.
)";

constexpr char kSupportToday[] = "2026-11-23";

struct Args {
  std::string data = "../shared/data/labeled";
  std::string baselines;
  std::string support;
  std::string content;
  std::set<std::string> sets;
  std::set<std::string> variants;
  bool ablations = true;
  int runs = 3;
  int long_words = 50;
  std::string today = kSupportToday;
  bool request_lang = false;
  std::string json;
  std::string per_query;
  std::string work;
  bool check = false;
};

int PositiveInt(const std::string& flag, const std::string& v) {
  std::size_t used = 0;
  int n = -1;
  try {
    n = std::stoi(v, &used);
  } catch (...) {
  }
  if (used != v.size() || n < 1) throw std::invalid_argument(flag + " needs a positive number, not '" + v + "'");
  return n;
}

bool ParseArgs(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(f + " needs a value");
      return argv[++i];
    };
    if (f == "--data") a->data = value();
    else if (f == "--baselines") a->baselines = value();
    else if (f == "--support") a->support = value();
    else if (f == "--content") a->content = value();
    else if (f == "--set") a->sets.insert(value());
    else if (f == "--variant") a->variants.insert(value());
    else if (f == "--no-ablations") a->ablations = false;
    else if (f == "--runs") a->runs = PositiveInt(f, value());
    else if (f == "--long-words") a->long_words = PositiveInt(f, value());
    else if (f == "--today") a->today = value();
    else if (f == "--request-lang") a->request_lang = true;
    else if (f == "--json") a->json = value();
    else if (f == "--per-query") a->per_query = value();
    else if (f == "--work") a->work = value();
    else if (f == "--check") a->check = true;
    else if (f == "--help" || f == "-h") return false;
    else throw std::invalid_argument("unknown option " + f);
  }
  if (a->baselines.empty()) a->baselines = (fs::path(a->data) / ".." / "BASELINES.md").string();
  if (a->today.size() != 10 || a->today[4] != '-' || a->today[7] != '-') {
    throw std::invalid_argument("--today needs YYYY-MM-DD, not '" + a->today + "'");
  }
  if (a->request_lang && !KbHasRequestLanguage()) {
    throw std::invalid_argument("--request-lang: this libkb's SearchRequest has no request language");
  }
  return true;
}

// `relative` under the working directory, else under kb's source tree; "" if neither exists.
std::string FindInRepo(const std::string& relative) {
  if (fs::exists(relative)) return relative;
  fs::path in_source = fs::path(KB_SOURCE_DIR) / relative;
  return fs::exists(in_source) ? in_source.string() : "";
}

void WritePerQuery(const std::vector<SetReport>& reports, std::ostream& out) {
  out << "set\tquery\twords\tkb\treference\tfts5\tshape\tlang\tkb_top3\n";
  for (const SetReport& r : reports) {
    for (std::size_t i = 0; i < r.kb.per_query.size(); ++i) {
      const Query& q = r.queries[i];
      std::string top3;
      for (std::size_t k = 0; k < r.kb.top[i].size() && k < 3; ++k) top3 += (k ? " " : "") + r.kb.top[i][k].id;
      out << r.name << "\t" << q.id << "\t" << q.words << "\t" << r.kb.per_query[i].ndcg10 << "\t"
          << r.reference.per_query[i].ndcg10 << "\t" << r.fts5.per_query[i].ndcg10 << "\t" << q.shape << "\t" << q.lang
          << "\t" << top3 << "\n";
    }
  }
}

// Loads and evaluates the support set; nullopt with *status 0 when it is absent and was not asked for.
std::optional<SetReport> RunSupport(const Args& args, const EvalOptions& options, const fs::path& work, int* status) {
  const bool asked = args.sets.count(kSupportSetName) || !args.support.empty();
  const std::string dir = args.support.empty() ? FindInRepo("bench/support") : args.support;
  const std::string content = args.content.empty() ? FindInRepo("content") : args.content;
  if (dir.empty() || !fs::exists(fs::path(dir) / "queries.jsonl")) {
    std::cerr << "kb-eval: no support set at " << (dir.empty() ? "bench/support" : dir) << " (queries.jsonl)"
              << (asked ? "\n" : "; skipped\n");
    *status = asked ? 2 : 0;
    return std::nullopt;
  }
  if (content.empty()) {
    std::cerr << "kb-eval: no content folder for the support set (--content DIR)\n";
    *status = 2;
    return std::nullopt;
  }
  Result<SupportSet> support = LoadSupportSet(dir, content);
  if (!support.ok()) {
    std::cerr << "kb-eval: " << support.status().ToString() << "\n";
    *status = 2;
    return std::nullopt;
  }
  std::cerr << "kb-eval: support (" << dir << ": " << support->set.queries.size() << " judged queries; " << content
            << ": " << support->set.docs.size() << " items)\n";
  if (!support->unjudged.empty()) {
    std::cerr << "kb-eval: support: " << support->unjudged.size() << " queries have no judgements and are left out"
              << " (first: " << support->unjudged.front() << ")\n";
  }
  for (const std::string& pair : support->unknown_items) {
    std::cerr << "kb-eval: support: qrels.tsv names an item content/ does not have: " << pair << "\n";
  }
  EvalOptions support_options = options;
  support_options.kb_query.today = args.today;
  support_options.kb_query.request_lang = args.request_lang;
  auto build = [&](const std::string& path, const WriterOptions* variant) {
    return variant ? BuildContentIndexWith(content, path, *variant) : BuildContentIndex(content, path);
  };
  Result<SetReport> rep = EvaluateSet(support->set, build, "", support_options, work);
  if (!rep.ok()) {
    std::cerr << "kb-eval: support: " << rep.status().ToString() << "\n";
    *status = 2;
    return std::nullopt;
  }
  return std::move(*rep);
}

// Evaluates the selected labeled sets under --data into `reports`; returns the exit status (0 or 2).
int RunLabeledSets(const Args& args, const EvalOptions& options, const fs::path& work,
                   std::vector<SetReport>* reports) {
  std::set<std::string> wanted = args.sets;
  wanted.erase(kSupportSetName);
  if (!args.sets.empty() && wanted.empty()) return 0;  // --set support only
  std::vector<std::string> dirs = FindLabeledSets(args.data);
  if (dirs.empty()) {
    std::cerr << "kb-eval: no labeled sets under " << args.data << " (each needs docs.jsonl and qrels.tsv)\n";
    return 2;
  }
  std::set<std::string> found;
  for (const std::string& dir : dirs) found.insert(fs::path(dir).filename().string());
  for (const std::string& name : wanted) {
    if (!found.count(name)) {
      std::cerr << "kb-eval: no set '" << name << "' under " << args.data << " (nor is it \"support\")\n";
      return 2;
    }
  }
  for (const std::string& dir : dirs) {
    if (!wanted.empty() && !wanted.count(fs::path(dir).filename().string())) continue;
    Result<LabeledSet> set = LoadLabeledSet(dir);
    if (!set.ok()) {
      std::cerr << "kb-eval: " << set.status().ToString() << "\n";
      return 2;
    }
    std::cerr << "kb-eval: " << set->name << " (" << set->docs.size() << " docs, " << set->queries.size()
              << " queries)\n";
    const std::string name = set->name;
    auto build = [&](const std::string& path, const WriterOptions* variant) {
      return BuildKbIndex(*set, path, variant ? *variant : WriterOptions{});
    };
    Result<SetReport> rep = EvaluateSet(*set, build, name + "/", options, work);
    if (!rep.ok()) {
      std::cerr << "kb-eval: " << name << ": " << rep.status().ToString() << "\n";
      return 2;
    }
    reports->push_back(std::move(*rep));
  }
  return 0;
}

int Main(int argc, char** argv) {
  Args args;
  try {
    if (!ParseArgs(argc, argv, &args)) {
      std::cout << kUsage;
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "kb-eval: " << e.what() << " (kb-eval --help lists the options)\n";
    return 2;
  }

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

  EvalOptions options;
  options.runs = args.runs;
  options.long_words = args.long_words;
  options.ablations = args.ablations;
  options.variants = args.variants;
  std::vector<SetReport> reports;
  int status = RunLabeledSets(args, options, work, &reports);
  std::optional<SetReport> support;
  if (status == 0 && (args.sets.empty() || args.sets.count(kSupportSetName))) {
    support = RunSupport(args, options, work, &status);
  }
  if (remove_work) fs::remove_all(work);
  if (status != 0) return status;

  std::vector<Baseline> baselines;
  if (!reports.empty()) {
    baselines = LoadBaselines(args.baselines);
    if (baselines.empty()) std::cerr << "kb-eval: no baselines read from " << args.baselines << "\n";
    PrintReport(reports, baselines, std::cout);
  }
  if (support) PrintSupportReport(*support, {.list_queries = !args.per_query.empty()}, std::cout);

  std::string why;
  bool met = MeetsTargets(reports, baselines, &why);
  if (support) met = SupportMeetsTargets(*support, &why) && met;
  if (!args.json.empty()) {
    nlohmann::json j = ReportJson(reports, baselines);
    if (support) j["support"] = SupportJson(*support);
    j["meets_targets"] = met;
    std::ofstream out(args.json);
    out << j.dump(2) << "\n";
    if (!out) {
      std::cerr << "kb-eval: cannot write " << args.json << "\n";
      return 2;
    }
  }
  if (!args.per_query.empty()) {
    std::vector<SetReport> all = reports;
    if (support) all.push_back(*support);
    std::ofstream out(args.per_query);
    WritePerQuery(all, out);
    if (!out) {
      std::cerr << "kb-eval: cannot write " << args.per_query << "\n";
      return 2;
    }
  }
  if (!met) {
    std::cerr << "kb-eval: targets not met:\n" << why;
    if (args.check) return 1;
  }
  return 0;
}

}  // namespace
}  // namespace kb::eval

int main(int argc, char** argv) { return kb::eval::Main(argc, argv); }
