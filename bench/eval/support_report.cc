#include "support_report.h"

#include <algorithm>
#include <set>
#include <utility>

#include "format.h"

namespace kb::eval {
namespace {

// Accumulates sums; Finish() turns them into means.
struct GroupSums {
  GroupScores g;
  void Add(const Scores& s, double success1, bool xlang) {
    ++g.queries;
    g.ndcg10 += s.ndcg10;
    g.success1 += success1;
    g.mrr10 += s.mrr10;
    g.xlang3 += xlang ? 1 : 0;
  }
  GroupScores Finish() const {
    GroupScores m = g;
    if (m.queries > 0) {
      m.ndcg10 /= m.queries;
      m.success1 /= m.queries;
      m.mrr10 /= m.queries;
    }
    return m;
  }
};

std::vector<std::string> Ordered(const std::set<std::string>& present, const std::vector<std::string>& first) {
  std::vector<std::string> out;
  for (const std::string& v : first) {
    if (present.count(v)) out.push_back(v);
  }
  for (const std::string& v : present) {
    if (std::find(first.begin(), first.end(), v) == first.end()) out.push_back(v);
  }
  return out;
}

struct Systems {
  SupportScores kb, reference, fts5;
};

Systems ScoreAll(const SetReport& s) {
  return {ScoreSupport(s, s.kb), ScoreSupport(s, s.reference), ScoreSupport(s, s.fts5)};
}

void GroupRows(std::ostream& out, const std::string& label, const GroupScores& kb, const GroupScores& ref,
               const GroupScores& fts) {
  auto row = [&](const std::string& group, const std::string& system, const GroupScores& g, const std::string& ratio) {
    out << "| " << group << " | " << system << " | " << Fixed(g.ndcg10) << " | " << ratio << " | " << Fixed(g.success1)
        << " | " << Fixed(g.mrr10) << " | " << g.xlang3 << " |\n";
  };
  row(label + " (" + std::to_string(kb.queries) + ")", "**kb**", kb,
      Ratio(kb.ndcg10, std::max(ref.ndcg10, fts.ndcg10)));
  row("", "xapian", ref, "");
  row("", "fts5", fts, "");
}

nlohmann::json GroupJson(const GroupScores& g) {
  return {
      {"queries", g.queries}, {"ndcg10", g.ndcg10}, {"success1", g.success1}, {"mrr10", g.mrr10}, {"xlang3", g.xlang3}};
}

nlohmann::json ScoresJson(const SupportScores& s) {
  nlohmann::json j = GroupJson(s.all);
  for (const auto& [shape, g] : s.by_shape) j["by_shape"][shape] = GroupJson(g);
  for (const auto& [lang, g] : s.by_lang) j["by_lang"][lang] = GroupJson(g);
  j["en_with_tr_top3"] = s.en_with_tr_top3.size();
  j["en_with_tr_top3_ids"] = s.en_with_tr_top3;
  return j;
}

}  // namespace

SupportScores ScoreSupport(const SetReport& s, const RunResult& run) {
  GroupSums all;
  std::map<std::string, GroupSums> by_shape, by_lang;
  SupportScores out;
  for (std::size_t i = 0; i < s.queries.size() && i < run.per_query.size(); ++i) {
    const Query& q = s.queries[i];
    std::vector<std::string> ids, langs;
    for (const Hit& h : run.top[i]) {
      ids.push_back(h.id);
      langs.push_back(h.lang);
    }
    const double success1 = SuccessAt1(ids, s.qrels.at(q.id));
    const bool xlang = OtherLanguageInTop(langs, q.lang, 3);
    all.Add(run.per_query[i], success1, xlang);
    by_shape[q.shape].Add(run.per_query[i], success1, xlang);
    by_lang[q.lang].Add(run.per_query[i], success1, xlang);
    bool tr_in_top3 = false;
    for (std::size_t k = 0; k < langs.size() && k < 3; ++k) tr_in_top3 = tr_in_top3 || langs[k] == "tr";
    if (q.lang == "en" && tr_in_top3) out.en_with_tr_top3.push_back(q.id);
  }
  out.all = all.Finish();
  for (const auto& [k, v] : by_shape) out.by_shape[k] = v.Finish();
  for (const auto& [k, v] : by_lang) out.by_lang[k] = v.Finish();
  return out;
}

std::vector<std::string> OrderedShapes(const SetReport& s) {
  std::set<std::string> present;
  for (const Query& q : s.queries) present.insert(q.shape);
  return Ordered(present, {"typed", "typo", "pasted", "code", "shift"});
}

std::vector<std::string> OrderedLangs(const SetReport& s) {
  std::set<std::string> present;
  for (const Query& q : s.queries) present.insert(q.lang);
  return Ordered(present, {"en", "tr"});
}

void PrintSupportReport(const SetReport& s, const SupportPrintOptions& options, std::ostream& out) {
  const Systems sys = ScoreAll(s);
  out << "\n### support: " << s.docs << " items of content/, " << s.queries.size() << " judged queries; index build kb "
      << Fixed(s.kb_build_s, 2) << " s (kb::BuildIndex), reference " << Fixed(s.reference_build_s, 2) << " s, FTS5 "
      << Fixed(s.fts5_build_s, 2) << " s\n\n";
  out << "xlang@3 = queries with an item in another language than the query's among the first 3 results; "
         "kb ÷ best peer = kb's nDCG@10 over the better of xapian and fts5.\n\n";
  out << "| queries | system | nDCG@10 | kb ÷ best peer | success@1 | MRR@10 | xlang@3 |\n"
         "|---|---|---|---|---|---|---|\n";
  GroupRows(out, "all", sys.kb.all, sys.reference.all, sys.fts5.all);
  for (const std::string& shape : OrderedShapes(s)) {
    GroupRows(out, shape, sys.kb.by_shape.at(shape), sys.reference.by_shape.at(shape), sys.fts5.by_shape.at(shape));
  }
  for (const std::string& lang : OrderedLangs(s)) {
    GroupRows(out, "lang " + lang, sys.kb.by_lang.at(lang), sys.reference.by_lang.at(lang), sys.fts5.by_lang.at(lang));
  }
  out << "\nEnglish queries with a Turkish item in their top 3: kb " << sys.kb.en_with_tr_top3.size() << ", xapian "
      << sys.reference.en_with_tr_top3.size() << ", fts5 " << sys.fts5.en_with_tr_top3.size() << "\n";
  if (options.list_queries && !sys.kb.en_with_tr_top3.empty()) {
    out << "kb's:";
    for (const std::string& id : sys.kb.en_with_tr_top3) out << " " << id;
    out << "\n";
  }
  out << "\nLatency p50 / p99 ms: kb " << Fixed(s.kb.latency.p50_ms, 2) << " / " << Fixed(s.kb.latency.p99_ms, 2)
      << ", xapian " << Fixed(s.reference.latency.p50_ms, 2) << " / " << Fixed(s.reference.latency.p99_ms, 2)
      << ", fts5 " << Fixed(s.fts5.latency.p50_ms, 2) << " / " << Fixed(s.fts5.latency.p99_ms, 2) << "\n";
  for (const auto& [label, run] :
       {std::pair<const char*, const RunResult*>{"kb", &s.kb}, {"xapian", &s.reference}, {"fts5", &s.fts5}}) {
    if (run->errors > 0)
      out << label << " failed on " << run->errors << " queries (first: " << run->first_error << ")\n";
  }

  if (s.variants.empty()) return;
  const std::vector<std::string> shapes = OrderedShapes(s);
  out << "\nAblations on support (one switch each; Δ = change of nDCG@10 against kb; en→tr@3 = English queries "
         "with a Turkish item in their top 3; then nDCG@10 per shape):\n\n| variant | nDCG@10 | Δ | success@1 | "
         "MRR@10 | en→tr@3 |";
  for (const std::string& shape : shapes) out << " " << shape << " |";
  out << "\n|---|---|---|---|---|---|";
  for (std::size_t i = 0; i < shapes.size(); ++i) out << "---|";
  out << "\n| kb | " << Fixed(sys.kb.all.ndcg10) << " | | " << Fixed(sys.kb.all.success1) << " | "
      << Fixed(sys.kb.all.mrr10) << " | " << sys.kb.en_with_tr_top3.size() << " |";
  for (const std::string& shape : shapes) out << " " << Fixed(sys.kb.by_shape.at(shape).ndcg10) << " |";
  out << "\n";
  for (const auto& [label, run] : s.variants) {
    const SupportScores v = ScoreSupport(s, run);
    out << "| " << label << " | " << Fixed(v.all.ndcg10) << " | " << Delta(v.all.ndcg10 - sys.kb.all.ndcg10) << " | "
        << Fixed(v.all.success1) << " | " << Fixed(v.all.mrr10) << " | " << v.en_with_tr_top3.size() << " |";
    for (const std::string& shape : shapes) {
      const double d = v.by_shape.at(shape).ndcg10 - sys.kb.by_shape.at(shape).ndcg10;
      out << " " << Fixed(v.by_shape.at(shape).ndcg10) << (Delta(d) == "0" ? "" : " (" + Delta(d) + ")") << " |";
    }
    out << "\n";
  }
}

nlohmann::json SupportJson(const SetReport& s) {
  const Systems sys = ScoreAll(s);
  nlohmann::json j;
  j["items"] = s.docs;
  j["queries"] = s.queries.size();
  j["build_s"] = {{"kb", s.kb_build_s}, {"reference", s.reference_build_s}, {"fts5", s.fts5_build_s}};
  const std::pair<const char*, std::pair<const SupportScores*, const RunResult*>> systems[] = {
      {"kb", {&sys.kb, &s.kb}}, {"reference", {&sys.reference, &s.reference}}, {"fts5", {&sys.fts5, &s.fts5}}};
  for (const auto& [name, scores] : systems) {
    j[name] = ScoresJson(*scores.first);
    j[name]["run"] = RunJson(*scores.second);
  }
  auto ratio = [](const GroupScores& kb, const GroupScores& a, const GroupScores& b) {
    const double best = std::max(a.ndcg10, b.ndcg10);
    return best > 0 ? kb.ndcg10 / best : 0.0;
  };
  j["kb_over_best_peer_ndcg10"]["all"] = ratio(sys.kb.all, sys.reference.all, sys.fts5.all);
  for (const std::string& shape : OrderedShapes(s)) {
    j["kb_over_best_peer_ndcg10"]["by_shape"][shape] =
        ratio(sys.kb.by_shape.at(shape), sys.reference.by_shape.at(shape), sys.fts5.by_shape.at(shape));
  }
  for (const std::string& lang : OrderedLangs(s)) {
    j["kb_over_best_peer_ndcg10"]["by_lang"][lang] =
        ratio(sys.kb.by_lang.at(lang), sys.reference.by_lang.at(lang), sys.fts5.by_lang.at(lang));
  }
  j["ablations"] = nlohmann::json::object();
  for (const auto& [label, run] : s.variants) j["ablations"][label] = ScoresJson(ScoreSupport(s, run));
  std::string why;
  j["meets_targets"] = SupportMeetsTargets(s, &why);
  j["targets_failed"] = nlohmann::json::array();
  for (std::size_t start = 0, end; (end = why.find('\n', start)) != std::string::npos; start = end + 1) {
    j["targets_failed"].push_back(why.substr(start, end - start));
  }
  return j;
}

bool SupportMeetsTargets(const SetReport& s, std::string* why) {
  const Systems sys = ScoreAll(s);
  bool ok = true;
  auto fail = [&](const std::string& line) {
    ok = false;
    *why += "support: " + line + "\n";
  };
  if (sys.kb.all.success1 < kSupportSuccessTarget) {
    fail("success@1 " + Fixed(sys.kb.all.success1) + " < " + Fixed(kSupportSuccessTarget, 2) + " overall");
  }
  for (const std::string& shape : OrderedShapes(s)) {
    const double v = sys.kb.by_shape.at(shape).success1;
    if (v < kSupportSuccessTarget) {
      fail("success@1 " + Fixed(v) + " < " + Fixed(kSupportSuccessTarget, 2) + " on " + shape + " queries");
    }
  }
  const double peer = std::max(sys.reference.all.ndcg10, sys.fts5.all.ndcg10);
  if (sys.kb.all.ndcg10 < kSupportPeerRatioTarget * peer) {
    fail("nDCG@10 " + Fixed(sys.kb.all.ndcg10) + " is " + Ratio(sys.kb.all.ndcg10, peer) + "x the better peer (" +
         Fixed(peer) + "), below " + Fixed(kSupportPeerRatioTarget, 2) + "x");
  }
  if (!sys.kb.en_with_tr_top3.empty()) {
    std::string ids;
    for (const std::string& id : sys.kb.en_with_tr_top3) ids += " " + id;
    fail(std::to_string(sys.kb.en_with_tr_top3.size()) + " English queries have a Turkish item in their top 3:" + ids);
  }
  return ok;
}

}  // namespace kb::eval
