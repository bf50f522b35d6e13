#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace kb::eval {

Scores ScoreRanking(const std::vector<std::string>& ranked, const std::map<std::string, int>& relevant) {
  Scores s;
  if (relevant.empty()) return s;
  auto grade = [&](std::size_t i) {
    auto it = relevant.find(ranked[i]);
    return it == relevant.end() ? 0 : it->second;
  };
  double dcg = 0;
  std::size_t hits100 = 0;
  for (std::size_t i = 0; i < ranked.size() && i < 100; ++i) {
    int g = grade(i);
    if (g <= 0) continue;
    ++hits100;
    if (i < 10) {
      dcg += g / std::log2(static_cast<double>(i) + 2);
      if (s.mrr10 == 0) s.mrr10 = 1.0 / static_cast<double>(i + 1);
      if (i == 0) s.p1 = 1;
    }
  }
  std::vector<int> ideal;
  for (const auto& [doc, g] : relevant) ideal.push_back(g);
  std::sort(ideal.begin(), ideal.end(), std::greater<int>());
  double idcg = 0;
  for (std::size_t i = 0; i < ideal.size() && i < 10; ++i) idcg += ideal[i] / std::log2(static_cast<double>(i) + 2);
  s.ndcg10 = idcg > 0 ? dcg / idcg : 0;
  s.recall100 = static_cast<double>(hits100) / static_cast<double>(relevant.size());
  return s;
}

Scores Mean(const std::vector<Scores>& per_query) {
  Scores m;
  if (per_query.empty()) return m;
  for (const Scores& s : per_query) {
    m.ndcg10 += s.ndcg10;
    m.mrr10 += s.mrr10;
    m.recall100 += s.recall100;
    m.p1 += s.p1;
  }
  const double n = static_cast<double>(per_query.size());
  m.ndcg10 /= n;
  m.mrr10 /= n;
  m.recall100 /= n;
  m.p1 /= n;
  return m;
}

double SuccessAt1(const std::vector<std::string>& ranked, const std::map<std::string, int>& relevant,
                  int answer_grade) {
  if (ranked.empty()) return 0;
  auto it = relevant.find(ranked.front());
  return it != relevant.end() && it->second >= answer_grade ? 1 : 0;
}

bool OtherLanguageInTop(const std::vector<std::string>& result_langs, const std::string& query_lang, int k) {
  for (std::size_t i = 0; i < result_langs.size() && i < static_cast<std::size_t>(k); ++i) {
    if (result_langs[i] != query_lang) return true;
  }
  return false;
}

Latency Summarize(std::vector<double> millis) {
  Latency l;
  if (millis.empty()) return l;
  std::sort(millis.begin(), millis.end());
  auto at = [&](double q) {
    std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(millis.size()))) - 1;
    return millis[std::min(i, millis.size() - 1)];
  };
  const std::size_t n = millis.size();
  l.p50_ms = n % 2 ? millis[n / 2] : (millis[n / 2 - 1] + millis[n / 2]) / 2;
  l.p99_ms = at(0.99);
  l.mean_ms = std::accumulate(millis.begin(), millis.end(), 0.0) / static_cast<double>(n);
  return l;
}

}  // namespace kb::eval
