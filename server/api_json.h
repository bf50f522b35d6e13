// JSON shapes of the kb-server API (see API.md and openapi.json): libkb values in, nlohmann::json out.
//
// Thread-safety: pure functions.
#ifndef KB_SERVER_API_JSON_H_
#define KB_SERVER_API_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kb/searcher.h"

namespace kb::server {

// One search result: {"id","title","kind","section":{"title","anchor"},"snippet","owner","tier",...}.
nlohmann::json HitJson(const SearchHit& hit);
// With explain=1: the parts of the hit's score, [{"part","value"} (+"factor" for a multiplying part)].
nlohmann::json ExplainJson(const SearchHit& hit);
// The /api/search response.
nlohmann::json SearchJson(const SearchResponse& res);
// The same response as text, written field by field without building the tree: the bytes of
// Dump(SearchJson(res)) with each result's "explain" (explain[i]) and "escalation" (escalations[i], JSON text
// as Dump writes it) added when those are given (one per hit). kb-server's hot path: the tree and its
// destruction cost a tenth of a search's server CPU (bench/README.md, "HTTP layer").
std::string SearchBody(const SearchResponse& res, const std::vector<nlohmann::json>* explain,
                       const std::vector<std::string>* escalations);
// The /api/items/{id} response: metadata, sections, the body as safe HTML and, for scripted answers,
// the text to send with its placeholders.
nlohmann::json ItemJson(const StoredItem& stored);

// Serialises for a response body; invalid UTF-8 is replaced rather than thrown on.
std::string Dump(const nlohmann::json& j);

}  // namespace kb::server

#endif  // KB_SERVER_API_JSON_H_
