#include "baselines.h"

#include <fstream>
#include <sstream>

namespace kb::eval {
namespace {

std::string Strip(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != '*') out += c;
  }
  std::size_t a = out.find_first_not_of(" \t");
  std::size_t b = out.find_last_not_of(" \t");
  return a == std::string::npos ? "" : out.substr(a, b - a + 1);
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  std::getline(in, cell, '|');  // before the first bar
  while (std::getline(in, cell, '|')) cells.push_back(Strip(cell));
  if (!cells.empty() && cells.back().empty()) cells.pop_back();
  return cells;
}

// "0.732 / 0.814 / 0.963" → nDCG@10, MRR@10, Recall@100.
bool ParseTriple(const std::string& cell, Scores* s) {
  double v[3];
  char slash;
  std::istringstream in(cell);
  if (!(in >> v[0] >> slash >> v[1] >> slash >> v[2])) return false;
  s->ndcg10 = v[0];
  s->mrr10 = v[1];
  s->recall100 = v[2];
  return true;
}

}  // namespace

std::vector<Baseline> LoadBaselines(const std::string& path) {
  std::vector<Baseline> out;
  std::ifstream in(path);
  std::string line;
  bool in_quality = false;
  std::vector<std::string> sets;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      in_quality = line.find("Quality") != std::string::npos;
      continue;
    }
    if (!in_quality || line.rfind("|", 0) != 0) continue;
    std::vector<std::string> cells = Cells(line);
    if (cells.size() < 2 || cells[1].rfind("---", 0) == 0) continue;
    if (sets.empty()) {
      for (std::size_t i = 1; i < cells.size(); ++i) sets.push_back(cells[i].substr(0, cells[i].find(' ')));
      continue;
    }
    Baseline b;
    b.tool = cells[0];
    for (std::size_t i = 1; i < cells.size() && i <= sets.size(); ++i) {
      Scores s;
      if (ParseTriple(cells[i], &s)) b.by_set[sets[i - 1]] = s;
    }
    if (!b.by_set.empty()) out.push_back(std::move(b));
  }
  return out;
}

const Baseline* BestBaseline(const std::vector<Baseline>& baselines, const std::string& set) {
  const Baseline* best = nullptr;
  for (const Baseline& b : baselines) {
    auto it = b.by_set.find(set);
    if (it == b.by_set.end()) continue;
    if (!best || it->second.ndcg10 > best->by_set.at(set).ndcg10) best = &b;
  }
  return best;
}

}  // namespace kb::eval
