#include "stored.h"

#include <algorithm>
#include <cstdint>

#include "query_intent.h"
#include "related.h"
#include "rerank_key.h"
#include "stored_text.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb::internal {
namespace {

// Boolean values over kMaxTermBytes cannot be filtered on and are skipped.
void AddBoolean(Xapian::Document& doc, const std::string& term) {
  if (!term.empty() && term.size() <= kMaxTermBytes) doc.add_boolean_term(term);
}

// Document data: a version number, then fields in a fixed order, each a varint or a varint-length string.
// Decoding it is a few copies (a JSON parse of the section texts cost a third of a search).
constexpr long kDataVersion = 1;

void PutInt(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void PutStr(std::string& out, std::string_view s) {
  PutInt(out, s.size());
  out.append(s);
}
void PutList(std::string& out, const std::vector<std::string>& list) {
  PutInt(out, list.size());
  for (const std::string& s : list) PutStr(out, s);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ >= data_.size(); }
  long Int() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return Fail();
      unsigned char c = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return v > (1ull << 40) ? Fail() : static_cast<long>(v);
    }
    return Fail();
  }
  std::string Str() {
    long n = Int();
    if (!ok_ || static_cast<std::size_t>(n) > data_.size() - pos_) return Fail(), std::string();
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<std::string> List() {
    std::vector<std::string> v;
    long n = Int();
    for (long i = 0; i < n && ok_; ++i) v.push_back(Str());
    return v;
  }

 private:
  long Fail() {
    ok_ = false;
    pos_ = data_.size();
    return 0;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::string EncodeData(const Item& item, const std::string& lang) {
  std::string out;
  out.reserve(item.body.size() + 512);
  PutInt(out, kDataVersion);
  PutStr(out, item.id);
  PutStr(out, item.title);
  PutInt(out, static_cast<std::uint64_t>(item.kind));  // 0 article, 1 answer, 2 incident
  PutInt(out, static_cast<std::uint64_t>(item.tier));
  PutList(out, item.tags);
  PutStr(out, item.product);
  PutStr(out, item.owner);
  PutStr(out, lang);
  PutStr(out, item.verified);
  PutInt(out, static_cast<std::uint64_t>(std::max(0, item.verify_every_days)));
  PutList(out, item.aliases);
  PutList(out, item.error_codes);
  PutStr(out, item.summary);
  PutStr(out, item.path);
  PutStr(out, item.source);
  PutStr(out, item.content_hash);
  PutInt(out, static_cast<std::uint64_t>(std::max(0, item.body_line)));
  PutList(out, item.placeholders);
  PutInt(out, item.sections.size());
  for (const Section& s : item.sections) {
    PutStr(out, s.title);
    PutInt(out, static_cast<std::uint64_t>(std::max(0, s.level)));
    PutStr(out, s.anchor);
    PutStr(out, s.text);
    PutInt(out, static_cast<std::uint64_t>(std::max(0, s.line)));
  }
  // Added after the sections so that documents written before it still decode (as having none).
  PutInt(out, item.placeholder_patterns.size());
  for (const auto& [name, pattern] : item.placeholder_patterns) {
    PutStr(out, name);
    PutStr(out, pattern);
  }
  return out;
}

}  // namespace

std::string NormalizeCode(std::string_view code) {
  std::string out;
  bool space = false;
  for (char c : Trim(code)) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::string FilterTerm(std::string_view field, std::string_view value) {
  std::string v(Trim(value));
  if (v.empty()) return "";
  std::string prefix;
  if (field == "tag") prefix = kPrefixTag;
  else if (field == "owner") prefix = kPrefixOwner;
  else if (field == "kind") prefix = kPrefixKind;
  else if (field == "tier") prefix = kPrefixTier;
  else if (field == "product") prefix = kPrefixProduct;
  else if (field == "lang") prefix = kPrefixLang;
  else if (field == "source") prefix = kPrefixSource;
  else if (field == "id") prefix = kPrefixIdLower;
  else if (field == "code") return std::string(kPrefixCode) + NormalizeCode(v);
  else return "";
  return prefix + AsciiLower(v);
}

std::string CompactDate(std::string_view ymd) {
  std::string out;
  for (char c : ymd) {
    if (c != '-') out += c;
  }
  return out;
}

namespace {

// The filter terms (id, kind, owner, ...), the file and link terms, and the error codes.
void AddFilterTerms(const Item& item, const std::string& lang, Xapian::Document& doc) {
  AddBoolean(doc, std::string(kPrefixId) + item.id);
  AddBoolean(doc, FilterTerm("id", item.id));
  AddBoolean(doc, FilterTerm("kind", KindName(item.kind)));
  AddBoolean(doc, FilterTerm("owner", item.owner));
  AddBoolean(doc, FilterTerm("tier", TierName(item.tier)));
  AddBoolean(doc, FilterTerm("product", item.product));
  AddBoolean(doc, FilterTerm("lang", lang));
  AddBoolean(doc, FilterTerm("source", item.source));
  for (const std::string& tag : item.tags) AddBoolean(doc, FilterTerm("tag", tag));
  AddBoolean(doc, FileTerm(item.source, item.path));
  for (const Link& link : item.links) AddBoolean(doc, LinkTerm(item.source, item.path, link.target));
  for (const std::string& code : item.error_codes) {
    // Non-boolean (wdf 1) so that an exact code match carries BM25 weight and can be boosted.
    std::string term = FilterTerm("code", code);
    if (!term.empty() && term.size() <= kMaxTermBytes) doc.add_term(term, 1);
  }
}

// Lowercase, sorted, distinct tags joined by kTagSeparator (the tag facet splits them).
std::string JoinedTags(const Item& item) {
  std::vector<std::string> tags;
  for (const std::string& t : item.tags) tags.push_back(AsciiLower(t));
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  std::string joined;
  for (const std::string& t : tags) {
    if (!joined.empty()) joined += kTagSeparator;
    joined += t;
  }
  return joined;
}

// The values the rerank reads, packed into kSlotRerank from the slots they are read from otherwise (so the two
// cannot disagree). The problem flag is decided here, at index time: changing the problem words
// (query_intent.cc) changes what the index holds, and needs kSchemaVersion raised.
void AddRerankKey(Xapian::Document& doc) {
  RerankKey key;
  key.id = doc.get_value(kSlotId);
  key.stale_after = doc.get_value(kSlotStaleAfter);
  key.boost = doc.get_value(kSlotBoost);
  const std::string kind = doc.get_value(kSlotKind);
  key.answer = kind == "answer";
  key.names_problem = ItemNamesProblem(doc);
  const std::string scope = doc.get_value(kSlotScope);
  key.process = scope == "process" || scope == "kb";
  key.about_kb = scope == "kb";
  if (key.about_kb) key.title = doc.get_value(kSlotTitleSort);
  // An incident's `until` (a date-time the check validated) as a date: an ended incident ranks lower.
  if (kind == "incident") key.ended = CompactDate(doc.get_value(kSlotUntil).substr(0, 10));
  doc.add_value(kSlotRerank, EncodeRerankKey(key));
}

// The value slots: sort keys, facet values, and what a result list or an opened item reads back.
void AddValues(const Item& item, const std::string& lang, Xapian::Document& doc) {
  doc.add_value(kSlotVerified, CompactDate(item.verified));
  doc.add_value(kSlotStaleAfter, CompactDate(item.StaleAfter()));
  doc.add_value(kSlotTitleSort, AsciiLower(item.title));
  doc.add_value(kSlotHash, item.content_hash);
  doc.add_value(kSlotKind, KindName(item.kind));
  doc.add_value(kSlotOwner, AsciiLower(item.owner));
  doc.add_value(kSlotTier, TierName(item.tier));
  doc.add_value(kSlotProduct, AsciiLower(item.product));
  doc.add_value(kSlotLang, lang);
  doc.add_value(kSlotTags, JoinedTags(item));
  doc.add_value(kSlotSource, item.source);
  doc.add_value(kSlotPath, item.path);
  doc.add_value(kSlotId, item.id);
  if (item.boost != 1.0) doc.add_value(kSlotBoost, std::to_string(item.boost));
  if (!item.scope.empty()) doc.add_value(kSlotScope, item.scope);
  if (!item.file_stamp.empty()) doc.add_value(kSlotStamp, item.file_stamp);
  // The body is kept out of the data so that a result list never decodes it.
  doc.add_value(kSlotBody, item.body);
  // Incident times live in values rather than the data, so that documents indexed before them still decode.
  if (!item.started.empty()) doc.add_value(kSlotStarted, item.started);
  if (!item.until.empty()) doc.add_value(kSlotUntil, item.until);
  AddRerankKey(doc);
}

}  // namespace

Xapian::Document BuildDocument(const Item& item, TextIndexer& indexer, std::string_view default_lang,
                               bool field_weights, bool code_words) {
  const FieldWdf wdf = field_weights ? FieldWdf{kWdfTitle, kWdfAlias, kWdfHeading, kWdfTag}
                                     : FieldWdf{kWdfBody, kWdfBody, kWdfBody, kWdfBody};
  const std::string lang = item.lang.empty() ? std::string(default_lang) : item.lang;
  auto stemmer = indexer.stemmers.find(lang);
  if (stemmer == indexer.stemmers.end()) stemmer = indexer.stemmers.emplace(lang, MakeCachingStemmer(lang)).first;
  Xapian::TermGenerator& tg = indexer.tg;
  Xapian::Document doc;
  tg.set_document(doc);
  tg.set_stemmer(stemmer->second);
  IndexText(item, wdf, tg);
  if (lang == "tr") IndexFoldedTurkish(item, wdf, tg);
  IndexAcronymSingulars(item, wdf, doc);
  if (code_words) IndexCodeWords(item, tg);
  AddFilterTerms(item, lang, doc);
  AddValues(item, lang, doc);
  doc.set_data(EncodeData(item, lang));
  return doc;
}

namespace {

// The data's leading fields, up to the item's source: what a listing of items shows. False (and nothing read)
// for data that is not a kb document.
bool ReadHead(Reader& r, Item& it) {
  if (r.Int() != kDataVersion) return false;
  it.id = r.Str();
  it.title = r.Str();
  const long kind = r.Int();
  it.kind = kind == 1 ? Kind::kAnswer : kind == 2 ? Kind::kIncident : Kind::kArticle;
  it.tier = static_cast<Tier>(std::clamp<long>(r.Int(), 0, 2));
  it.tags = r.List();
  it.product = r.Str();
  it.owner = r.Str();
  it.lang = r.Str();
  it.verified = r.Str();
  it.verify_every_days = static_cast<int>(r.Int());
  it.aliases = r.List();
  it.error_codes = r.List();
  it.summary = r.Str();
  it.path = r.Str();
  it.source = r.Str();
  return true;
}

}  // namespace

StoredItem DecodeStoredItem(const Xapian::Document& doc, std::string_view today, bool with_body) {
  StoredItem out;
  if (with_body) out.item.body = doc.get_value(kSlotBody);
  out.item.started = doc.get_value(kSlotStarted);
  out.item.until = doc.get_value(kSlotUntil);
  const std::string data = doc.get_data();
  Reader r(data);
  Item& it = out.item;
  if (!ReadHead(r, it)) return out;  // not a kb document: an empty item, never a crash
  it.content_hash = r.Str();
  it.body_line = static_cast<int>(r.Int());
  it.placeholders = r.List();
  const long sections = r.Int();
  for (long i = 0; i < sections && r.ok(); ++i) {
    Section sec;
    sec.title = r.Str();
    sec.level = static_cast<int>(r.Int());
    sec.anchor = r.Str();
    sec.text = r.Str();
    sec.line = static_cast<int>(r.Int());
    it.sections.push_back(std::move(sec));
  }
  if (!r.ok()) it.sections.clear();
  if (r.ok() && !r.AtEnd()) {
    const long patterns = r.Int();
    for (long i = 0; i < patterns && r.ok(); ++i) {
      std::string name = r.Str();
      std::string pattern = r.Str();
      if (r.ok()) it.placeholder_patterns.emplace(std::move(name), std::move(pattern));
    }
  }
  out.stale_after = it.StaleAfter();
  out.stale = it.IsStaleOn(today);
  return out;
}

Item DecodeItemHead(const Xapian::Document& doc) {
  Item item;
  const std::string data = doc.get_data();
  Reader r(data);
  ReadHead(r, item);
  return item;
}

void FillHit(const StoredItem& stored, SearchHit* hit) {
  const Item& it = stored.item;
  hit->id = it.id;
  hit->title = it.title;
  hit->kind = it.kind;
  hit->path = it.path;
  hit->source = it.source;
  hit->owner = it.owner;
  hit->tier = it.tier;
  hit->product = it.product;
  hit->lang = it.lang;
  hit->tags = it.tags;
  hit->error_codes = it.error_codes;
  hit->verified = it.verified;
  hit->stale_after = stored.stale_after;
  hit->stale = stored.stale;
  hit->started = it.started;
  hit->until = it.until;
  hit->section_title = it.title;
}

}  // namespace kb::internal
