#include "api_json.h"

#include "kb/answer.h"
#include "kb/item.h"

namespace kb::server {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json HitJson(const SearchHit& hit) {
  return {
      {"id", hit.id},
      {"title", hit.title},
      {"kind", KindName(hit.kind)},
      {"section", {{"title", hit.section_title}, {"anchor", hit.section_anchor}}},
      {"snippet", hit.snippet},
      {"owner", hit.owner},
      {"tier", TierName(hit.tier)},
      {"tags", hit.tags},
      {"product", hit.product},
      {"lang", hit.lang},
      {"error_codes", hit.error_codes},
      {"verified", hit.verified},
      {"stale", hit.stale},
      {"stale_after", hit.stale_after},
      {"exact", hit.exact},
      {"score", hit.score},
      {"rank", hit.rank},
      {"path", hit.path},
      {"source", hit.source},
      {"pinned", hit.pinned},
      {"note", hit.pin_note},
  };
}

json ExplainJson(const SearchHit& hit) {
  json parts = json::array();
  for (const ScorePart& p : hit.explain) {
    json part = {{"part", p.part}, {"value", p.value}};
    if (p.factor != 0) part["factor"] = p.factor;
    parts.push_back(std::move(part));
  }
  return parts;
}

json SearchJson(const SearchResponse& res) {
  json results = json::array();
  for (const SearchHit& h : res.hits) results.push_back(HitJson(h));
  json facets = json::object();
  for (const auto& [field, values] : res.facets) {
    json list = json::array();
    for (const FacetValue& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
    facets[field] = std::move(list);
  }
  json incidents = json::array();
  for (const IncidentBanner& b : res.incidents) {
    incidents.push_back({{"id", b.id}, {"title", b.title}, {"summary", b.summary}, {"owner", b.owner},
                         {"started", b.started}, {"until", b.until}, {"path", b.path}});
  }
  return {
      {"query", res.query},
      {"total", res.total},
      {"incidents", std::move(incidents)},
      {"page", res.page},
      {"size", res.size},
      {"results", std::move(results)},
      {"facets", std::move(facets)},
      {"suggestion", res.suggestion},
      {"corrected_query", res.corrected_query},
      {"language", res.language},
      {"partial_results", res.partial_results},
      {"failed_shards", res.failed_shards},
      {"took_ms", res.elapsed_ms},
  };
}

json ItemJson(const StoredItem& stored) {
  const Item& it = stored.item;
  json sections = json::array();
  for (const Section& s : it.sections) {
    sections.push_back({{"title", s.title}, {"level", s.level}, {"anchor", s.anchor}});
  }
  json out = {
      {"id", it.id},
      {"title", it.title},
      {"kind", KindName(it.kind)},
      {"owner", it.owner},
      {"tier", TierName(it.tier)},
      {"tags", it.tags},
      {"product", it.product},
      {"lang", it.lang},
      {"verified", it.verified},
      {"verify_every_days", it.verify_every_days},
      {"stale", stored.stale},
      {"stale_after", stored.stale_after},
      {"aliases", it.aliases},
      {"error_codes", it.error_codes},
      {"summary", it.summary},
      {"path", it.path},
      {"source", it.source},
      {"sections", std::move(sections)},
      {"html", RenderHtml(it.body)},
  };
  if (it.kind == Kind::kAnswer) {
    std::string text = AnswerText(it);
    out["answer"] = {{"text", text}, {"placeholders", ListPlaceholders(text)}};
  }
  return out;
}

}  // namespace kb::server
