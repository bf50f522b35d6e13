#include "dataset.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kb::eval {
namespace {

namespace fs = std::filesystem;

// Calls `f` with each non-empty line of `path` and its 1-based number; stops at the first error.
template <typename F>
Status ForEachLine(const fs::path& path, F&& f) {
  std::ifstream in(path);
  if (!in) return Status::IoError(path.string() + ": cannot open");
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    Status s = f(line, n);
    if (!s.ok()) return Status(s.code(), path.string() + ":" + std::to_string(n) + ": " + s.message());
  }
  return Status::Ok();
}

// Reads {"id", ...string fields} from one JSON line; ids may be numbers in some collections.
Status ParseObject(const std::string& line, std::map<std::string, std::string>* out) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption("not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (value.is_string()) (*out)[key] = value.get<std::string>();
    else if (value.is_number()) (*out)[key] = value.dump();
  }
  if ((*out)["id"].empty()) return Status::Corruption("no \"id\"");
  return Status::Ok();
}

}  // namespace

int CountWords(const std::string& text) {
  std::istringstream in(text);
  std::string w;
  int n = 0;
  while (in >> w) ++n;
  return n;
}

Status LoadQrels(const std::string& path, Qrels* qrels, int max_grade) {
  return ForEachLine(path, [&](const std::string& line, int) {
    std::istringstream in(line);
    std::string qid, did, grade;
    if (!(in >> qid >> did >> grade)) return Status::Corruption("expected query_id<TAB>doc_id<TAB>grade");
    int g = 0;
    try {
      g = std::stoi(grade);
    } catch (...) {
      return Status::Corruption("grade '" + grade + "' is not a number");
    }
    if (g < 0 || (max_grade > 0 && g > max_grade)) {
      return Status::Corruption("grade " + grade + " is outside 0.." + std::to_string(max_grade));
    }
    if (g > 0) (*qrels)[qid][did] = g;
    return Status::Ok();
  });
}

Result<LabeledSet> LoadLabeledSet(const std::string& dir) {
  LabeledSet set;
  set.name = fs::path(dir).filename().string();
  if (set.name.empty()) set.name = fs::path(dir).parent_path().filename().string();
  Status s = ForEachLine(fs::path(dir) / "docs.jsonl", [&](const std::string& line, int) {
    std::map<std::string, std::string> o;
    Status st = ParseObject(line, &o);
    if (st.ok()) set.docs.push_back({o["id"], o["title"], o["text"]});
    return st;
  });
  if (!s.ok()) return s;
  s = LoadQrels((fs::path(dir) / "qrels.tsv").string(), &set.qrels);
  if (!s.ok()) return s;
  s = ForEachLine(fs::path(dir) / "queries.jsonl", [&](const std::string& line, int) {
    std::map<std::string, std::string> o;
    Status st = ParseObject(line, &o);
    if (st.ok() && set.qrels.count(o["id"])) {
      Query q;
      q.id = o["id"];
      q.text = o["text"];
      q.words = CountWords(q.text);
      set.queries.push_back(std::move(q));
    }
    return st;
  });
  if (!s.ok()) return s;
  if (set.docs.empty() || set.queries.empty()) {
    return Status::InvalidArgument(dir + ": no documents or no judged queries");
  }
  return set;
}

std::vector<std::string> FindLabeledSets(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "docs.jsonl") && fs::exists(entry.path() / "qrels.tsv")) {
      out.push_back(entry.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace kb::eval
