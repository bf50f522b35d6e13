#include "api_json.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "kb/answer.h"
#include "kb/item.h"

namespace kb::server {
namespace {

using nlohmann::json;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

bool Blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// A setext underline (=== or ---) that belongs to the heading line above it.
bool Underline(std::string_view line) {
  std::size_t b = line.find_first_not_of(' ');
  if (b == std::string_view::npos || (line[b] != '=' && line[b] != '-')) return false;
  std::size_t e = line.find_last_not_of(" \r");
  return line.substr(b, e - b + 1).find_first_not_of(line[b]) == std::string_view::npos;
}

std::string Join(const std::vector<std::string_view>& lines, std::size_t begin, std::size_t end) {
  while (begin < end && Blank(lines[begin])) ++begin;
  while (end > begin && Blank(lines[end - 1])) --end;
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    out.append(lines[i]);
    if (i + 1 < end) out += '\n';
  }
  return out;
}

}  // namespace

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
      // `partial` is the short name the scale-out docs use; `partial_results` stays for existing clients.
      {"partial", res.partial_results},
      {"failed_shards", res.failed_shards},
      {"took_ms", res.elapsed_ms},
  };
}

std::string AnswerText(const Item& item) {
  const std::vector<std::string_view> lines = Lines(item.body);
  const auto index_of = [&](const Section& s) {
    long i = static_cast<long>(s.line) - item.body_line;
    return static_cast<std::size_t>(std::clamp<long>(i, 0, static_cast<long>(lines.size())));
  };
  for (std::size_t k = 0; k < item.sections.size(); ++k) {
    const Section& s = item.sections[k];
    if (s.level == 0 || Lower(s.title) != "answer") continue;
    std::size_t begin = std::min(index_of(s) + 1, lines.size());
    if (begin < lines.size() && Underline(lines[begin])) ++begin;
    std::size_t end = lines.size();
    for (std::size_t n = k + 1; n < item.sections.size(); ++n) {
      if (item.sections[n].level > 0 && item.sections[n].level <= s.level) {
        end = std::max(begin, index_of(item.sections[n]));
        break;
      }
    }
    return Join(lines, begin, end);
  }
  std::size_t begin = 0;
  while (begin < lines.size() && Blank(lines[begin])) ++begin;
  if (begin < lines.size() && lines[begin].rfind("# ", 0) == 0) ++begin;
  return Join(lines, begin, lines.size());
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
