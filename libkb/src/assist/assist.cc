// Ticket signals and filling a scripted answer from a ticket (kb/assist.h).
#include "kb/assist.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string_view>

#include "kb/answer.h"
#include "related.h"
#include "term_prefixes.h"
#include "text.h"

namespace kb {
namespace {

using internal::AsciiLower;
using internal::Trim;

// Patterns run on single words only: libstdc++'s regex recurses per character, so a bounded word keeps a
// hostile ticket from exhausting the stack, and a whole-word match gives ids their natural boundaries.
constexpr std::size_t kMaxWordBytes = 128;
constexpr std::size_t kMaxPatternBytes = 256;

bool IsWordChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Words of [A-Za-z0-9_-], trimmed of leading and trailing '-'.
std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordChar(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && IsWordChar(text[end])) ++end;
    std::string_view w = text.substr(i, end - i);
    while (!w.empty() && w.front() == '-') w.remove_prefix(1);
    while (!w.empty() && w.back() == '-') w.remove_suffix(1);
    if (!w.empty()) words.push_back(w);
    i = end;
  }
  return words;
}

void AddOnce(std::vector<std::string>* list, std::string value) {
  if (std::find(list->begin(), list->end(), value) == list->end()) list->push_back(std::move(value));
}

// ERR_CARD_DECLINED (ERR_ and capitals), E1042 (E and 3-5 digits).
bool IsErrorCode(std::string_view w) {
  if (w.size() > 4 && w.substr(0, 4) == "ERR_") {
    return std::all_of(w.begin(), w.end(), [](char c) { return IsUpper(c) || IsDigit(c) || c == '_'; });
  }
  return w.size() >= 4 && w.size() <= 6 && w[0] == 'E' && std::all_of(w.begin() + 1, w.end(), IsDigit);
}

// pay_3Fk9Qm2Lx: a lowercase prefix of 2-8 letters, '_', then 4+ letters and digits with at least one digit.
bool IsIdentifier(std::string_view w) {
  const std::size_t us = w.find('_');
  if (us < 2 || us > 8 || us == std::string_view::npos || w.size() - us - 1 < 4) return false;
  if (!std::all_of(w.begin(), w.begin() + static_cast<long>(us), [](char c) { return c >= 'a' && c <= 'z'; }))
    return false;
  const std::string_view rest = w.substr(us + 1);
  return std::all_of(rest.begin(), rest.end(), [](char c) { return IsWordChar(c) && c != '-' && c != '_'; }) &&
         std::any_of(rest.begin(), rest.end(), IsDigit);
}

bool IsHttpError(std::string_view w) {
  return w.size() == 3 && (w[0] == '4' || w[0] == '5') && IsDigit(w[1]) && IsDigit(w[2]);
}

// A 4xx/5xx number counts as an HTTP status after "HTTP", "HTTP/1.1", "status" or "status code", or before
// its reason phrase; a bare number could be an amount or a count.
bool IsHttpContext(const std::vector<std::string_view>& words, std::size_t i) {
  const auto lower = [&](std::size_t k) { return k < words.size() ? AsciiLower(words[k]) : std::string(); };
  if (i >= 1) {
    const std::string before = lower(i - 1);
    if (before == "http" || before == "status" || before == "1" || before == "2") return true;  // HTTP/1.1 502
    if (before == "code" && i >= 2 && lower(i - 2) == "status") return true;
  }
  static const std::array<const char*, 14> kReasons = {"bad",      "unauthorized",  "payment", "forbidden",   "not",
                                                       "conflict", "unprocessable", "too",     "internal",    "service",
                                                       "gateway",  "request",       "method",  "precondition"};
  const std::string after = lower(i + 1);
  return std::find(kReasons.begin(), kReasons.end(), after) != kReasons.end() && IsUpper(words[i + 1][0]);
}

// The first name a reply greets; "" for an initial ("M. Haddad"): "Hi M.," greets no one.
std::string FirstName(const std::string& name) {
  const std::string first = name.substr(0, name.find(' '));
  return first.size() == 2 && first[1] == '.' ? "" : first;
}

// The one distinct word of `text` that matches `pattern` whole; "" when none or several do.
std::string UniqueMatch(const std::vector<std::string_view>& words, const std::string& pattern) {
  std::regex re;
  try {
    re = std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return "";
  }
  std::string found;
  for (std::string_view w : words) {
    if (w.size() > kMaxWordBytes || !std::regex_match(w.begin(), w.end(), re)) continue;
    if (!found.empty() && found != w) return "";
    found = std::string(w);
  }
  return found;
}

}  // namespace

TicketSignals ExtractSignals(std::string_view text) {
  TicketSignals out;
  const std::vector<std::string_view> words = Words(text.substr(0, kMaxTicketBytes));
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view w = words[i];
    if (IsErrorCode(w)) {
      AddOnce(&out.error_codes, std::string(w));
    } else if (IsHttpError(w) && IsHttpContext(words, i)) {
      AddOnce(&out.http_statuses, std::string(w));
    } else if (w.size() <= kMaxWordBytes && IsIdentifier(w)) {
      AddOnce(&out.identifiers, std::string(w));
    }
  }
  return out;
}

FilledAnswer FillAnswer(std::string_view answer_text, const std::map<std::string, std::string>& patterns,
                        const Ticket& ticket) {
  FilledAnswer out;
  const std::vector<std::string> used = ListPlaceholders(answer_text);
  const auto uses = [&](const std::string& name) { return std::find(used.begin(), used.end(), name) != used.end(); };
  if (uses("customer_name")) {
    const FilledValue sender = FindSenderName(ticket);
    if (std::string first = FirstName(sender.value); !first.empty()) {
      out.values["customer_name"] = {std::move(first), sender.from};
    }
  }
  if (uses("agent_name") && !Trim(ticket.agent).empty())
    out.values["agent_name"] = {std::string(Trim(ticket.agent)), "agent"};
  if (uses("ticket_subject") && !Trim(ticket.subject).empty()) {
    out.values["ticket_subject"] = {std::string(Trim(ticket.subject)), "subject"};
  }
  const std::string all = ticket.subject + "\n" + ticket.text;
  const std::vector<std::string_view> words = Words(std::string_view(all).substr(0, kMaxTicketBytes));
  for (const auto& [name, pattern] : patterns) {
    if (!uses(name) || out.values.count(name) || pattern.size() > kMaxPatternBytes) continue;
    if (std::string value = UniqueMatch(words, pattern); !value.empty()) out.values[name] = {value, "pattern"};
  }
  std::map<std::string, std::string> plain;
  for (const auto& [name, v] : out.values) plain[name] = v.value;
  RenderedAnswer rendered = RenderAnswer(answer_text, plain);
  out.text = std::move(rendered.text);
  out.missing = std::move(rendered.missing);
  return out;
}

std::string PatternProblem(std::string_view pattern) {
  if (pattern.empty()) return "is empty";
  if (pattern.size() > kMaxPatternBytes) return "is longer than " + std::to_string(kMaxPatternBytes) + " bytes";
  try {
    const std::regex re{std::string(pattern), std::regex::ECMAScript};
    if (std::regex_match("", re)) return "matches an empty word; it must match an id such as pay_3Fk9Qm2Lx";
  } catch (const std::regex_error& e) {
    return std::string("is not a valid regular expression: ") + e.what();
  }
  return "";
}

namespace {

bool ShareOne(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(),
                     [&](const std::string& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

// The key an item's file is known by in links (related.h: FileTerm and LinkTerm without their prefixes).
std::string FileKey(const SearchHit& h) {
  const std::string term = internal::FileTerm(h.source, h.path);
  return term.empty() ? "" : term.substr(internal::kPrefixFile.size());
}

// The files `h`'s text links to, by FileKey (one read of its item).
std::set<std::string> LinkedFiles(Searcher& searcher, const SearchHit& h) {
  std::set<std::string> keys;
  Result<StoredItem> item = searcher.GetItem(h.id);
  if (!item.ok()) return keys;
  for (const Link& link : item->item.links) {
    const std::string term = internal::LinkTerm(h.source, h.path, link.target);
    if (!term.empty()) keys.insert(term.substr(internal::kPrefixLink.size()));
  }
  return keys;
}

// Whether an answer was written for `article`: they share an error code or a tag, or one links to the other. An
// answer that merely matches the ticket's words, or that Searcher::Related finds for its similar wording, is not
// the reply to send: on the support sets' pasted tickets every such pick was wrong (a refund-status reply to a
// leaked key, a card-decline reply to a currency question); with none, the engineer writes the reply. The
// article's links are read once; each answer is judged once, and read only when nothing cheaper decides.
class WrittenFor {
 public:
  WrittenFor(Searcher& searcher, const SearchHit& article)
      : searcher_(searcher), article_(article), article_file_(FileKey(article)) {}

  bool operator()(const SearchHit& answer) {
    auto [it, added] = judged_.try_emplace(answer.id, false);
    if (added) it->second = Decide(answer);
    return it->second;
  }

 private:
  bool Decide(const SearchHit& answer) {
    if (ShareOne(article_.error_codes, answer.error_codes) || ShareOne(article_.tags, answer.tags)) return true;
    if (!article_links_) article_links_ = LinkedFiles(searcher_, article_);
    const std::string answer_file = FileKey(answer);
    if (!answer_file.empty() && article_links_->count(answer_file)) return true;
    return !article_file_.empty() && LinkedFiles(searcher_, answer).count(article_file_) > 0;
  }

  Searcher& searcher_;
  const SearchHit& article_;
  const std::string article_file_;
  std::optional<std::set<std::string>> article_links_;
  std::map<std::string, bool> judged_;  // by answer id
};

}  // namespace

Result<TicketMatch> MatchTicket(Searcher& searcher, const SearchRequest& request) {
  Result<SearchResponse> found = searcher.Search(request);
  if (!found.ok()) return found.status();
  TicketMatch out;
  out.found = std::move(*found);
  const std::vector<SearchHit>& hits = out.found.hits;
  const auto of_kind = [](Kind kind) { return [kind](const SearchHit& h) { return h.kind == kind; }; };
  const auto found_article = std::find_if(hits.begin(), hits.end(), of_kind(Kind::kArticle));
  if (found_article == hits.end()) {
    // No article: the first answer among the hits, if any.
    if (auto a = std::find_if(hits.begin(), hits.end(), of_kind(Kind::kAnswer)); a != hits.end()) out.answer = *a;
    return out;
  }
  out.article = static_cast<int>(found_article - hits.begin());
  const SearchHit& article = *found_article;
  // On content/ the ticket's words alone ranked the sandbox test-card reply above the declined-card one for a
  // declined card: the answer written for the article comes first.
  std::vector<SearchHit> related;
  if (Result<std::vector<SearchHit>> r = searcher.Related(article.id, 5); r.ok()) related = std::move(*r);
  const auto is_related = [&](const SearchHit& h) {
    return std::any_of(related.begin(), related.end(), [&](const SearchHit& r) { return r.id == h.id; });
  };
  WrittenFor written_for(searcher, article);
  const auto first = [&](const std::vector<SearchHit>& list, auto&& fits) -> std::optional<SearchHit> {
    for (const SearchHit& h : list) {
      if (h.kind == Kind::kAnswer && h.lang == article.lang && fits(h) && written_for(h)) return h;
    }
    return std::nullopt;
  };
  out.answer = first(hits, is_related);
  if (!out.answer) out.answer = first(related, [](const SearchHit&) { return true; });
  // The reply goes out in the article's language: an answer in another one is never the one to send.
  if (!out.answer) out.answer = first(hits, [](const SearchHit&) { return true; });
  if (out.answer) return out;
  SearchRequest about;
  for (const std::string& code : article.error_codes) about.query += code + " ";
  about.query += article.title;
  about.filters["kind"] = {"answer"};
  about.filters["lang"] = {article.lang};
  about.language = article.lang;
  about.size = 1;
  about.snippets = false;
  Result<SearchResponse> more = searcher.Search(about);
  if (more.ok() && !more->hits.empty() && written_for(more->hits.front())) {
    out.answer = more->hits.front();
  }
  return out;
}

}  // namespace kb
