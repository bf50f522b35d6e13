#include "api_json.h"

#include <cstdint>
#include <cstring>

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
      {"started", hit.started},
      {"until", hit.until},
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

namespace {

json FacetsJson(const SearchResponse& res) {
  json facets = json::object();
  for (const auto& [field, values] : res.facets) {
    json list = json::array();
    for (const FacetValue& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
    facets[field] = std::move(list);
  }
  return facets;
}

json IncidentsJson(const SearchResponse& res) {
  json incidents = json::array();
  for (const IncidentBanner& b : res.incidents) {
    incidents.push_back({{"id", b.id},
                         {"title", b.title},
                         {"summary", b.summary},
                         {"owner", b.owner},
                         {"started", b.started},
                         {"until", b.until},
                         {"path", b.path}});
  }
  return incidents;
}

}  // namespace

json SearchJson(const SearchResponse& res) {
  json results = json::array();
  for (const SearchHit& h : res.hits) results.push_back(HitJson(h));
  json facets = FacetsJson(res);
  json incidents = IncidentsJson(res);
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
      {"missing_words", res.missing_words},
      {"partial_results", res.partial_results},
      {"failed_shards", res.failed_shards},
      {"took_ms", res.elapsed_ms},
  };
}

namespace {

// True when none of the 8 bytes at `p` is below 0x20, `"`, `\` or 0x80 and above. Tests on one 64-bit word:
// `(x - n * 0x01..) & ~x & 0x80..` is nonzero exactly when some byte of x is below n (n <= 0x80), so with n = 1
// it finds a zero byte, and x ^ (c * 0x01..) has one where x holds c. A nonzero result may not point at the
// right byte, which the caller does not need: it then reads the bytes one by one.
bool PlainAscii8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto below = [](std::uint64_t x, std::uint64_t n) { return (x - n * kOnes) & ~x & kHigh; };
  return ((v & kHigh) | below(v, 0x20) | below(v ^ ('"' * kOnes), 1) | below(v ^ ('\\' * kOnes), 1)) == 0;
}

// Writes JSON text into one string: keys as given (the caller writes them in std::map order, as nlohmann
// sorts an object's keys), values as Dump() writes them (invalid UTF-8 replaced, no ASCII escaping, the same
// float format): trees, doubles and invalid UTF-8 through nlohmann's own serializer, the rest directly.
class TextWriter {
 public:
  explicit TextWriter(std::string* out)
      : out_(out),
        ser_(nlohmann::detail::output_adapter<char, std::string>(*out), ' ', json::error_handler_t::replace) {}
  void Raw(std::string_view text) { out_->append(text); }
  // `,"key":` (or `"key":` for an object's first key); keys are plain ASCII literals.
  void Key(std::string_view key, bool first = false) {
    out_->append(first ? "\"" : ",\"");
    out_->append(key);
    out_->append("\":");
  }
  void Value(const json& value) { ser_.dump(value, /*pretty_print=*/false, /*ensure_ascii=*/false, 0); }
  // `,"key":value` (or `"key":value` for an object's first key).
  void Field(std::string_view key, const json& value, bool first = false) {
    Key(key, first);
    Value(value);
  }
  // The same bytes as Field with a json string, bool, integer or array of strings, without building one. A
  // string of valid UTF-8 is escaped here as the serializer would (ensure_ascii off: `"` `\` and control
  // characters escaped, everything else as it is); one with invalid UTF-8 goes through the serializer, which
  // replaces the bad bytes.
  //
  // One pass: eight bytes at a time while none is a control character, `"`, `\` or non-ASCII, which is most
  // of a search's text (titles, snippets, ids); each run of non-ASCII bytes is checked with IsValidUtf8.
  void String(std::string_view text) {
    const std::size_t start = out_->size();
    out_->push_back('"');
    const char* const begin = text.data();
    const std::size_t n = text.size();
    std::size_t run = 0;  // start of the bytes not yet copied
    for (std::size_t i = 0; i < n;) {
      while (n - i >= 8 && PlainAscii8(begin + i)) i += 8;
      if (i >= n) break;
      const unsigned char c = static_cast<unsigned char>(begin[i]);
      if (c >= 0x80) {  // a run of non-ASCII bytes: whole UTF-8 sequences, if the text is well formed
        std::size_t j = i + 1;
        while (j < n && static_cast<unsigned char>(begin[j]) >= 0x80) ++j;
        if (!IsValidUtf8(text.substr(i, j - i))) {  // the serializer writes the string, replacing the bad bytes
          out_->resize(start);
          return Value(json(text));
        }
        i = j;
        continue;
      }
      if (c >= 0x20 && c != '"' && c != '\\') {
        ++i;
        continue;
      }
      out_->append(begin + run, i - run);
      run = ++i;
      switch (c) {
        case '"': out_->append("\\\""); break;
        case '\\': out_->append("\\\\"); break;
        case '\b': out_->append("\\b"); break;
        case '\t': out_->append("\\t"); break;
        case '\n': out_->append("\\n"); break;
        case '\f': out_->append("\\f"); break;
        case '\r': out_->append("\\r"); break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
          out_->append(u, sizeof u);
        }
      }
    }
    out_->append(begin + run, n - run);
    out_->push_back('"');
  }
  void StringField(std::string_view key, std::string_view text, bool first = false) {
    Key(key, first);
    String(text);
  }
  void StringsField(std::string_view key, const std::vector<std::string>& list, bool first = false) {
    Key(key, first);
    out_->push_back('[');
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i) out_->push_back(',');
      String(list[i]);
    }
    out_->push_back(']');
  }
  void BoolField(std::string_view key, bool value) {
    Key(key);
    out_->append(value ? "true" : "false");
  }
  void IntField(std::string_view key, long long value) {
    Key(key);
    out_->append(std::to_string(value));
  }

 private:
  std::string* const out_;
  nlohmann::detail::serializer<json> ser_;
};

// HitJson's fields in key order, with the optional "escalation" and "explain".
void WriteHit(TextWriter& w, const SearchHit& hit, const std::string* escalation, const json* explain) {
  w.StringsField("error_codes", hit.error_codes, true);
  if (escalation) {
    w.Key("escalation");
    w.Raw(*escalation);
  }
  w.BoolField("exact", hit.exact);
  if (explain) {
    w.Field("explain", *explain);
  }
  w.StringField("id", hit.id);
  w.StringField("kind", KindName(hit.kind));
  w.StringField("lang", hit.lang);
  w.StringField("note", hit.pin_note);
  w.StringField("owner", hit.owner);
  w.StringField("path", hit.path);
  w.BoolField("pinned", hit.pinned);
  w.StringField("product", hit.product);
  w.IntField("rank", hit.rank);
  w.Field("score", hit.score);
  w.Key("section");
  w.Raw("{");
  w.StringField("anchor", hit.section_anchor, true);
  w.StringField("title", hit.section_title);
  w.Raw("}");
  w.StringField("snippet", hit.snippet);
  w.StringField("source", hit.source);
  w.BoolField("stale", hit.stale);
  w.StringField("stale_after", hit.stale_after);
  w.StringField("started", hit.started);
  w.StringsField("tags", hit.tags);
  w.StringField("tier", TierName(hit.tier));
  w.StringField("title", hit.title);
  w.StringField("until", hit.until);
  w.StringField("verified", hit.verified);
}

}  // namespace

std::string SearchBody(const SearchResponse& res, const std::vector<json>* explain,
                       const std::vector<std::string>* escalations) {
  // SearchJson's fields in key order; incidents are few, so they go through the tree.
  std::string out;
  out.reserve(1024 + 1536 * res.hits.size());
  TextWriter w(&out);
  w.Raw("{");
  w.StringField("corrected_query", res.corrected_query, true);
  w.Key("facets");
  w.Raw("{");
  for (auto it = res.facets.begin(); it != res.facets.end(); ++it) {
    if (it != res.facets.begin()) w.Raw(",");
    w.String(it->first);  // a key is written as a string is
    w.Raw(":[");
    for (std::size_t i = 0; i < it->second.size(); ++i) {
      w.Raw(i ? ",{" : "{");
      w.Key("count", true);
      w.Raw(std::to_string(it->second[i].count));
      w.StringField("value", it->second[i].value);
      w.Raw("}");
    }
    w.Raw("]");
  }
  w.Raw("}");
  w.StringsField("failed_shards", res.failed_shards);
  w.Field("incidents", IncidentsJson(res));
  w.StringField("language", res.language);
  w.StringsField("missing_words", res.missing_words);
  w.IntField("page", res.page);
  w.BoolField("partial_results", res.partial_results);
  w.StringField("query", res.query);
  w.Key("results");
  w.Raw("[");
  for (std::size_t i = 0; i < res.hits.size(); ++i) {
    w.Raw(i ? ",{" : "{");
    WriteHit(w, res.hits[i], escalations && i < escalations->size() ? &(*escalations)[i] : nullptr,
             explain && i < explain->size() ? &(*explain)[i] : nullptr);
    w.Raw("}");
  }
  w.Raw("]");
  w.IntField("size", res.size);
  w.StringField("suggestion", res.suggestion);
  w.Field("took_ms", res.elapsed_ms);
  w.IntField("total", res.total);
  w.Raw("}");
  return out;
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
