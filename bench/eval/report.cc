#include "report.h"

#include <algorithm>

#include "format.h"

namespace kb::eval {
namespace {

void Row(std::ostream& out, const std::string& label, const Scores& s, const Latency& l) {
  out << "| " << label << " | " << Fixed(s.ndcg10) << " | " << Fixed(s.mrr10) << " | " << Fixed(s.recall100) << " | "
      << Fixed(s.p1) << " | " << Fixed(l.p50_ms, 2) << " | " << Fixed(l.p99_ms, 2) << " |\n";
}

nlohmann::json ScoresJson(const Scores& s) {
  return {{"ndcg10", s.ndcg10}, {"mrr10", s.mrr10}, {"recall100", s.recall100}, {"p1", s.p1}};
}

}  // namespace

nlohmann::json RunJson(const RunResult& r) {
  nlohmann::json j = ScoresJson(r.all);
  j["queries"] = r.queries;
  j["errors"] = r.errors;
  j["latency_ms"] = {{"p50", r.latency.p50_ms}, {"p99", r.latency.p99_ms}, {"mean", r.latency.mean_ms}};
  if (r.long_count > 0) {
    j["long_queries"] = ScoresJson(r.long_queries);
    j["long_queries"]["queries"] = r.long_count;
    j["long_queries"]["latency_ms"] = {{"p50", r.long_latency.p50_ms}, {"p99", r.long_latency.p99_ms}};
  }
  return j;
}

double BestPeerNdcg(const SetReport& s) { return std::max(s.reference.all.ndcg10, s.fts5.all.ndcg10); }

void PrintReport(const std::vector<SetReport>& sets, const std::vector<Baseline>& baselines, std::ostream& out) {
  for (const SetReport& s : sets) {
    out << "\n### " << s.name << ": " << s.docs << " docs, " << s.kb.queries << " queries (" << s.kb.long_count
        << " long), index build kb " << Fixed(s.kb_build_s, 2) << " s, reference " << Fixed(s.reference_build_s, 2)
        << " s, FTS5 " << Fixed(s.fts5_build_s, 2) << " s\n\n";
    out << "| system | nDCG@10 | MRR@10 | R@100 | P@1 | p50 ms | p99 ms |\n|---|---|---|---|---|---|---|\n";
    Row(out, "kb", s.kb.all, s.kb.latency);
    Row(out, "xapian reference", s.reference.all, s.reference.latency);
    Row(out, "SQLite FTS5 bm25()", s.fts5.all, s.fts5.latency);
    out << "| kb / reference | " << Ratio(s.kb.all.ndcg10, s.reference.all.ndcg10) << " | "
        << Ratio(s.kb.all.mrr10, s.reference.all.mrr10) << " | " << Ratio(s.kb.all.recall100, s.reference.all.recall100)
        << " | " << Ratio(s.kb.all.p1, s.reference.all.p1) << " | "
        << Ratio(s.kb.latency.p50_ms, s.reference.latency.p50_ms) << " | "
        << Ratio(s.kb.latency.p99_ms, s.reference.latency.p99_ms) << " |\n";
    out << "| kb / best peer in this run | " << Ratio(s.kb.all.ndcg10, BestPeerNdcg(s)) << " | | | | | |\n";
    if (s.kb.long_count > 0) {
      Row(out, "kb, long queries", s.kb.long_queries, s.kb.long_latency);
      Row(out, "reference, long queries", s.reference.long_queries, s.reference.long_latency);
      Row(out, "FTS5, long queries", s.fts5.long_queries, s.fts5.long_latency);
    }
    if (const Baseline* best = BestBaseline(baselines, s.name)) {
      const Scores& b = best->by_set.at(s.name);
      out << "| best cited: " << best->tool << " | " << Fixed(b.ndcg10) << " | " << Fixed(b.mrr10) << " | "
          << Fixed(b.recall100) << " | | | |\n";
      out << "| kb / best cited | " << Ratio(s.kb.all.ndcg10, b.ndcg10) << " | | | | | |\n";
    }
    if (s.variants.empty()) continue;
    out << "\nAblations (one switch each; Δ = change of nDCG@10 against kb):\n\n";
    out << "| variant | nDCG@10 | Δ | MRR@10 | R@100 | P@1 | p50 ms | p99 ms |"
        << (s.kb.long_count ? " nDCG@10 long | Δ long |" : "") << "\n|---|---|---|---|---|---|---|---|"
        << (s.kb.long_count ? "---|---|" : "") << "\n";
    for (const auto& [label, r] : s.variants) {
      out << "| " << label << " | " << Fixed(r.all.ndcg10) << " | " << Signed(r.all.ndcg10 - s.kb.all.ndcg10) << " | "
          << Fixed(r.all.mrr10) << " | " << Fixed(r.all.recall100) << " | " << Fixed(r.all.p1) << " | "
          << Fixed(r.latency.p50_ms, 2) << " | " << Fixed(r.latency.p99_ms, 2) << " |";
      if (s.kb.long_count) {
        out << " " << Fixed(r.long_queries.ndcg10) << " | " << Signed(r.long_queries.ndcg10 - s.kb.long_queries.ndcg10)
            << " |";
      }
      out << "\n";
    }
  }

  // Columns: every set, then the long-query subset of the sets that have one (peers publish no such split).
  struct Column {
    const SetReport* set;
    bool long_only;
  };
  std::vector<Column> columns;
  for (const SetReport& s : sets) columns.push_back({&s, false});
  for (const SetReport& s : sets) {
    if (s.kb.long_count > 0) columns.push_back({&s, true});
  }
  auto kb_of = [](const Column& c) { return c.long_only ? c.set->kb.long_queries : c.set->kb.all; };
  auto ref_of = [](const Column& c) { return c.long_only ? c.set->reference.long_queries : c.set->reference.all; };
  auto fts_of = [](const Column& c) { return c.long_only ? c.set->fts5.long_queries : c.set->fts5.all; };
  out << "\n### nDCG@10 summary (kb, the reference and FTS5 measured in this run; other tools cited from "
         "BASELINES.md)\n\n";
  out << "| system |";
  for (const Column& c : columns) out << " " << c.set->name << (c.long_only ? " (long queries)" : "") << " |";
  out << "\n|---|";
  for (std::size_t i = 0; i < columns.size(); ++i) out << "---|";
  out << "\n| **kb** |";
  for (const Column& c : columns) out << " **" << Fixed(kb_of(c).ndcg10) << "** |";
  out << "\n| xapian reference (this run) |";
  for (const Column& c : columns) out << " " << Fixed(ref_of(c).ndcg10) << " |";
  out << "\n| SQLite FTS5 bm25() (this run) |";
  for (const Column& c : columns) out << " " << Fixed(fts_of(c).ndcg10) << " |";
  for (const Baseline& b : baselines) {
    out << "\n| " << b.tool << " (cited) |";
    for (const Column& c : columns) {
      auto it = b.by_set.find(c.set->name);
      out << " " << (c.long_only || it == b.by_set.end() ? "-" : Fixed(it->second.ndcg10)) << " |";
    }
  }
  out << "\n| kb / reference |";
  for (const Column& c : columns) out << " " << Ratio(kb_of(c).ndcg10, ref_of(c).ndcg10) << " |";
  out << "\n| kb / best peer in this run |";
  for (const Column& c : columns) {
    out << " " << Ratio(kb_of(c).ndcg10, std::max(ref_of(c).ndcg10, fts_of(c).ndcg10)) << " |";
  }
  out << "\n| kb / best cited |";
  for (const Column& c : columns) {
    const Baseline* best = c.long_only ? nullptr : BestBaseline(baselines, c.set->name);
    out << " " << (best ? Ratio(kb_of(c).ndcg10, best->by_set.at(c.set->name).ndcg10) : "-") << " |";
  }
  out << "\n";
}

nlohmann::json ReportJson(const std::vector<SetReport>& sets, const std::vector<Baseline>& baselines) {
  nlohmann::json j;
  j["ndcg10"] = nlohmann::json::object();
  for (const SetReport& s : sets) {
    nlohmann::json set;
    set["docs"] = s.docs;
    set["build_s"] = {{"kb", s.kb_build_s}, {"reference", s.reference_build_s}, {"fts5", s.fts5_build_s}};
    set["kb"] = RunJson(s.kb);
    set["reference"] = RunJson(s.reference);
    set["fts5"] = RunJson(s.fts5);
    set["kb_over_reference_ndcg10"] = s.reference.all.ndcg10 > 0 ? s.kb.all.ndcg10 / s.reference.all.ndcg10 : 0.0;
    set["kb_over_best_peer_ndcg10"] = BestPeerNdcg(s) > 0 ? s.kb.all.ndcg10 / BestPeerNdcg(s) : 0.0;
    if (const Baseline* best = BestBaseline(baselines, s.name)) {
      double b = best->by_set.at(s.name).ndcg10;
      set["best_cited"] = {{"tool", best->tool}, {"ndcg10", b}, {"kb_over_best", b > 0 ? s.kb.all.ndcg10 / b : 0.0}};
    }
    set["ablations"] = nlohmann::json::object();
    for (const auto& [label, r] : s.variants) set["ablations"][label] = RunJson(r);
    j["sets"][s.name] = set;
    j["ndcg10"][s.name] = s.kb.all.ndcg10;
  }
  std::string why;
  j["meets_targets"] = MeetsTargets(sets, baselines, &why);
  return j;
}

bool MeetsTargets(const std::vector<SetReport>& sets, const std::vector<Baseline>& baselines, std::string* why) {
  bool ok = true;
  for (const SetReport& s : sets) {
    if (s.kb.all.ndcg10 < s.reference.all.ndcg10) {
      ok = false;
      *why += s.name + ": kb nDCG@10 " + Fixed(s.kb.all.ndcg10) + " is below the reference " +
              Fixed(s.reference.all.ndcg10) + "\n";
    }
    if (const Baseline* best = BestBaseline(baselines, s.name)) {
      double b = best->by_set.at(s.name).ndcg10;
      if (s.kb.all.ndcg10 <= b) {
        ok = false;
        *why +=
            s.name + ": kb nDCG@10 " + Fixed(s.kb.all.ndcg10) + " is not above " + best->tool + " " + Fixed(b) + "\n";
      }
    }
  }
  return ok;
}

}  // namespace kb::eval
