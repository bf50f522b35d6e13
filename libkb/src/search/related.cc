#include "related.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "stopwords.h"
#include "term_prefixes.h"
#include "text.h"

namespace kb::internal {
namespace {

// What each kind of relation is worth. A link is the author's own statement that two items belong together;
// a shared error code means the same failure; a shared tag, the same area; shared words come last.
constexpr double kLinkedTo = 100;
constexpr double kLinkedFrom = 50;
constexpr double kSharedCode = 20;
constexpr double kSharedTag = 5;
constexpr double kSimilarWords = 10;  // the best more-like-this match; the others in proportion
// A tag on thousands of items says little; its posting list is read only this far.
constexpr Xapian::doccount kMaxTagPostings = 5000;

std::string PathKey(std::string_view path) {
  std::string key = AsciiLower(path);
  for (std::string_view ext : {".markdown", ".md"}) {
    if (key.size() > ext.size() && key.compare(key.size() - ext.size(), ext.size(), ext) == 0) {
      return key.substr(0, key.size() - ext.size());
    }
  }
  return "";
}

// "a/b/../c/./d" → "a/c/d"; "" when it climbs out of the root.
std::string Normalize(std::string_view path) {
  std::vector<std::string> parts;
  for (const std::string& part : Split(path, '/')) {
    if (part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
    } else {
      parts.push_back(part);
    }
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

void AddPostings(const Xapian::Database& db, const std::string& term, double weight, Xapian::doccount limit,
                 std::unordered_map<Xapian::docid, double>* scores) {
  if (term.empty() || term.size() > kMaxTermBytes) return;
  Xapian::doccount n = 0;
  for (auto p = db.postlist_begin(term); p != db.postlist_end(term) && n < limit; ++p, ++n) (*scores)[*p] += weight;
}

struct PlainWords : Xapian::ExpandDecider {
  bool operator()(const std::string& t) const override {
    // Plain words only: no prefixed terms, stopwords, numbers or fragments.
    if (t.size() < 3 || t.size() > 30 || IsStopword(t)) return false;
    const unsigned char c = static_cast<unsigned char>(t[0]);
    return (c >= 'a' && c <= 'z') || c >= 0x80;
  }
};

void AddSimilar(const Xapian::Database& db, Xapian::docid did, std::unordered_map<Xapian::docid, double>* scores) {
  Xapian::Enquire enquire(db);
  Xapian::RSet rset;
  rset.add_document(did);
  const PlainWords decider;
  Xapian::ESet eset = enquire.get_eset(20, rset, &decider);
  if (eset.empty()) return;
  enquire.set_query(Xapian::Query(Xapian::Query::OP_ELITE_SET, eset.begin(), eset.end(), 12));
  Xapian::MSet mset = enquire.get_mset(0, 30);
  const double top = mset.empty() ? 0 : mset.begin().get_weight();
  for (auto it = mset.begin(); it != mset.end() && top > 0; ++it)
    (*scores)[*it] += kSimilarWords * it.get_weight() / top;
}

}  // namespace

std::string FileTerm(std::string_view source, std::string_view path) {
  const std::string key = PathKey(path);
  return key.empty() ? "" : std::string(kPrefixFile) + AsciiLower(source) + ":" + key;
}

std::string LinkTerm(std::string_view source, std::string_view from_path, std::string_view target) {
  if (target.find("://") != std::string_view::npos || target.rfind("mailto:", 0) == 0) return "";
  target = target.substr(0, target.find_first_of("#?"));
  if (target.empty()) return "";
  std::string joined;
  if (target.front() == '/') {
    joined = std::string(target.substr(1));
  } else {
    const std::size_t slash = from_path.rfind('/');
    joined = (slash == std::string_view::npos ? "" : std::string(from_path.substr(0, slash + 1))) + std::string(target);
  }
  const std::string key = PathKey(Normalize(joined));
  return key.empty() ? "" : std::string(kPrefixLink) + AsciiLower(source) + ":" + key;
}

std::vector<Xapian::docid> RelatedDocs(const Xapian::Database& db, Xapian::docid did, int count) {
  std::unordered_map<Xapian::docid, double> scores;
  std::string lang, own_file;
  for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
    const std::string& term = *t;
    if (term.rfind(kPrefixLink, 0) == 0) {
      AddPostings(db, std::string(kPrefixFile) + term.substr(kPrefixLink.size()), kLinkedTo, 10, &scores);
    } else if (term.rfind(kPrefixFile, 0) == 0) {
      own_file = term;
    } else if (term.rfind(kPrefixCode, 0) == 0) {
      AddPostings(db, term, kSharedCode, kMaxTagPostings, &scores);
    } else if (term.size() > 1 && term[0] == kPrefixTag[0] && !(term[1] >= 'A' && term[1] <= 'Z')) {
      AddPostings(db, term, kSharedTag, kMaxTagPostings, &scores);
    } else if (term.size() > 1 && term[0] == kPrefixLang[0] && !(term[1] >= 'A' && term[1] <= 'Z')) {
      lang = term;
    }
  }
  if (!own_file.empty())
    AddPostings(db, std::string(kPrefixLink) + own_file.substr(kPrefixFile.size()), kLinkedFrom, kMaxTagPostings,
                &scores);
  AddSimilar(db, did, &scores);
  scores.erase(did);
  std::vector<std::pair<double, Xapian::docid>> ranked;
  for (const auto& [doc, score] : scores) ranked.emplace_back(score, doc);
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  // The item's own language only: an English article never offers a Turkish reply as related. One walk of
  // the language's posting list over the candidates in docid order.
  std::unordered_set<Xapian::docid> other_lang;
  if (!lang.empty()) {
    std::vector<Xapian::docid> ids;
    for (const auto& entry : scores) ids.push_back(entry.first);
    std::sort(ids.begin(), ids.end());
    Xapian::PostingIterator p = db.postlist_begin(lang);
    for (Xapian::docid id : ids) {
      if (p != db.postlist_end(lang)) p.skip_to(id);
      if (p == db.postlist_end(lang) || *p != id) other_lang.insert(id);
    }
  }
  std::vector<Xapian::docid> out;
  for (const auto& [score, doc] : ranked) {
    if (static_cast<int>(out.size()) >= count) break;
    if (!other_lang.count(doc)) out.push_back(doc);
  }
  return out;
}

}  // namespace kb::internal
