#include "query_set.h"

#include <cstdio>
#include <fstream>

namespace kb::perf {

std::map<std::string, std::vector<Query>> LoadQueries(const std::string& path) {
  std::map<std::string, std::vector<Query>> out;
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "kb-perf-bench: cannot read %s\n", path.c_str());
    return out;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string shape = line.substr(0, tab);
    out[shape].push_back({line.substr(tab + 1), shape == "prefix"});
  }
  return out;
}

const std::vector<std::string>& ShapeOrder() {
  static const std::vector<std::string> kOrder = {"one_word",    "two_three_words", "phrase", "error_code",
                                                  "filter_text", "prefix",          "pasted"};
  return kOrder;
}

}  // namespace kb::perf
