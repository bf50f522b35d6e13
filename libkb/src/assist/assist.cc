// Ticket signals and filling a scripted answer from a ticket (kb/assist.h).
#include "kb/assist.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <regex>
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

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (true) {
    const std::size_t nl = text.find('\n');
    lines.push_back(Trim(text.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// A capitalised word of letters (or one starting with a non-ASCII letter, as in "Özge"), '-', '\'' or '.'.
bool IsNameWord(std::string_view w) {
  if (w.empty() || w.size() > 30) return false;
  const unsigned char first = static_cast<unsigned char>(w[0]);
  if (!IsUpper(w[0]) && first < 0xC3) return false;
  return std::all_of(w.begin(), w.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '\'' || c == '.' ||
           static_cast<unsigned char>(c) >= 0x80;
  });
}

// Capitalised words that follow "I'm" but are not names.
bool IsNotName(std::string_view w) {
  static const std::array<const char*, 24> kWords = {"not",      "having", "trying", "getting", "writing", "contacting",
                                                     "reaching", "sorry",  "sure",   "the",     "a",       "an",
                                                     "unable",   "still",  "also",   "here",    "from",    "with",
                                                     "our",      "your",   "on",     "in",      "at",      "seeing"};
  const std::string lower = AsciiLower(w);
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

// One to three name words at the start of `rest` ("Ana Souza from Acme" → "Ana Souza"); "" if none.
std::string LeadingName(std::string_view rest, std::size_t max_words, bool whole_line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < rest.size() && words.size() <= max_words) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    std::size_t end = i;
    while (end < rest.size() && rest[end] != ' ' && rest[end] != ',' && rest[end] != '!' && rest[end] != '\r') ++end;
    if (end == i) break;
    words.push_back(rest.substr(i, end - i));
    i = end;
    if (i < rest.size() && rest[i] != ' ') break;  // punctuation ends the name
  }
  std::size_t n = 0;
  while (n < words.size() && n < max_words && IsNameWord(words[n]) && !IsNotName(words[n])) ++n;
  if (n == 0) return "";
  if (whole_line && (n < words.size() || Trim(rest.substr(i)).size() > 0)) return "";
  std::string name;
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0) name += ' ';
    name.append(words[k]);
  }
  while (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && AsciiLower(s.substr(0, prefix.size())) == prefix;
}

bool IsGreeting(std::string_view lead) {
  for (const char* hello : {"hi", "hello", "hey", "dear", "good morning", "good afternoon", "merhaba"}) {
    if (StartsWithNoCase(lead, hello)) return true;
  }
  return false;
}

// "I'm Ana", "I am Ana Souza", "my name is Ana", "this is Ana from Acme" in the first lines.
std::string GreetingName(const std::vector<std::string_view>& lines) {
  static const std::array<const char*, 6> kIntros = {"i'm ",        "i am ",    "im ",
                                                     "my name is ", "this is ", "i\xE2\x80\x99m "};
  int seen = 0;
  for (std::string_view line : lines) {
    if (line.empty() || line[0] == '>') continue;
    if (++seen > 3) break;
    const std::string lower = AsciiLower(line);
    for (const char* intro : kIntros) {
      for (std::size_t at = lower.find(intro); at != std::string::npos; at = lower.find(intro, at + 1)) {
        if (at > 0 && lower[at - 1] != ' ' && lower[at - 1] != ',') continue;
        // "this is" introduces a name only at the start of the message or right after a short greeting
        // ("Hi, this is Ana"); elsewhere it is a sentence ("... but this is Urgent").
        if (std::string_view(intro) == "this is " && at > 0 && !(at < 24 && IsGreeting(lower.substr(0, at)))) continue;
        if (std::string name = LeadingName(line.substr(at + std::string_view(intro).size()), 3, false); !name.empty()) {
          return name;
        }
      }
    }
  }
  return "";
}

// A signature line's name, before what follows it on the line: "Mark Peters | CTO | Brightline Shop", "Ana Souza
// - Acme", "Bruno Lima, CTO", "Marek (backend dev)", "Alex @ Pixelbrew Games".
std::string_view NamePart(std::string_view line) {
  std::size_t cut = line.size();
  for (std::string_view sep :
       {"|", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", ",", " \xC2\xB7 ", " / ", "\t", " (", " @ ", " at "}) {
    cut = std::min(cut, line.find(sep));
  }
  return Trim(line.substr(0, cut));
}

bool IsSignOff(std::string_view head) {
  // Unformatted: "\x9F" "ekk" must stay split (e is a hex digit), which clang-format sets one word per line.
  // clang-format off
  static constexpr std::string_view kSignOffs[] = {
      "thanks", "thank you", "many thanks", "thanks in advance", "thanks again", "thanks for your help",
      "thanks for the help", "thanks for help", "thank you so much", "thanks so much", "thx", "best",
      "best regards", "best wishes", "regards", "kind regards", "warm regards", "rgds", "cheers", "sincerely", "br",
      "all the best", "gracias", "danke", "merci", "grazie", "obrigado", "obrigada",
      "te\xC5\x9F" "ekk\xC3\xBC" "rler", "tesekkurler", "sayg\xC4\xB1lar\xC4\xB1mla", "sayg\xC4\xB1lar", "saygilar",
      "sevgiler", "iyi \xC3\xA7" "al\xC4\xB1\xC5\x9Fmalar", "\xC4\xB0yi \xC3\xA7" "al\xC4\xB1\xC5\x9Fmalar",
      "iyi calismalar", "kolay gelsin"};
  // clang-format on
  while (!head.empty() && (head.back() == '!' || head.back() == '.')) head.remove_suffix(1);
  const std::string lower = AsciiLower(Trim(head));
  return std::find(std::begin(kSignOffs), std::end(kSignOffs), lower) != std::end(kSignOffs);
}

// The last sentence of a line ("... Is that enough? Regards, Tom" → "Regards, Tom").
std::string_view LastSentence(std::string_view line) {
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    if ((line[i] == '.' || line[i] == '?' || line[i] == '!') && line[i + 1] == ' ') start = i + 2;
  }
  return line.substr(start);
}

// What follows a sign-off on its line: after its comma or dash ("Thanks, Ana", "Thanks - Eva"); "" if nothing.
std::string_view AfterSignOff(std::string_view part, std::size_t* head_end) {
  std::size_t at = part.size(), skip = 0;
  for (std::string_view sep : {std::string_view(","), std::string_view(" - ")}) {
    if (const std::size_t found = part.find(sep); found < at) {
      at = found;
      skip = sep.size();
    }
  }
  *head_end = at;
  return at == part.size() ? std::string_view() : Trim(part.substr(at + skip));
}

// A signature set apart by dashes: "- Jonas (dev, Brotzeit Shop)", "-- Olivia, Ops @ Notely".
std::string DashSignatureName(std::string_view line) {
  if (line.empty() || line[0] != '-') return "";
  while (!line.empty() && line[0] == '-') line.remove_prefix(1);
  if (line.empty() || line[0] != ' ') return "";
  return LeadingName(NamePart(Trim(line)), 4, true);
}

// The name after the last sign-off: after its comma or dash ("Thanks, Ana"), also where the sign-off ends a line
// of text ("... What should we do? Regards, Tom"), or else on the next line ("Thanks,\nAna Souza | Acme").
std::string SignOffName(const std::vector<std::string_view>& lines) {
  bool last = true;
  for (std::size_t i = lines.size(); i-- > 0;) {
    const std::string_view line = lines[i];
    if (line.empty() || line[0] == '>') continue;
    const std::string_view tail = last ? LastSentence(line) : line;
    last = false;
    for (std::string_view part : {line, tail}) {
      std::size_t head_end = 0;
      const std::string_view after = AfterSignOff(part, &head_end);
      if (!IsSignOff(part.substr(0, head_end))) continue;
      if (std::string name = LeadingName(NamePart(after), 4, true); !name.empty()) return name;
      if (part.data() != line.data() || !after.empty()) return "";  // a sign-off in a sentence names no one below
      for (std::size_t k = i + 1; k < lines.size(); ++k) {
        if (!lines[k].empty()) return LeadingName(NamePart(lines[k]), 4, true);
      }
      return "";
    }
  }
  return "";
}

// The message's last paragraph, when it is a signature without a sign-off: at most four short lines after a
// blank one, the first a full name ("Anna Schmidt, Buchhaltung\nSchmidt & Soehne KG", "- Priya, backend").
std::string SignatureBlockName(const std::vector<std::string_view>& lines) {
  std::size_t end = lines.size();
  while (end > 0 && lines[end - 1].empty()) --end;
  std::size_t begin = end;
  while (begin > 0 && !lines[begin - 1].empty()) --begin;
  if (begin == 0 || begin == end || end - begin > 4) return "";  // no blank line before it, or not short
  for (std::size_t k = begin; k < end; ++k) {
    if (lines[k].size() > 100) return "";
  }
  if (std::string name = DashSignatureName(lines[begin]); !name.empty()) return name;
  // A full name set apart as a signature is: with a title or company after it, or lines below it. Not one
  // capitalised word, nor a line alone ("Please Help").
  const std::string_view first = NamePart(lines[begin]);
  if (first.size() == lines[begin].size() && end - begin < 2) return "";
  const std::string name = LeadingName(first, 3, true);
  return name.find(' ') != std::string::npos ? name : "";
}

std::string SignatureName(const std::vector<std::string_view>& lines) {
  if (std::string name = SignOffName(lines); !name.empty()) return name;
  return SignatureBlockName(lines);
}

// "Ana Souza <ana@example.com>" or "\"Souza, Ana\" <…>" → the display name; a bare address → "".
std::string FromHeaderName(std::string_view from) {
  const std::size_t lt = from.find('<');
  if (lt == std::string_view::npos) return "";
  std::string_view name = Trim(from.substr(0, lt));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = Trim(name.substr(1, name.size() - 2));
  if (name.find('@') != std::string_view::npos) return "";
  if (const std::size_t comma = name.find(','); comma != std::string_view::npos) {
    return LeadingName(std::string(Trim(name.substr(comma + 1))) + " " + std::string(Trim(name.substr(0, comma))), 4,
                       true);
  }
  return LeadingName(name, 4, true);
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

FilledValue FindSenderName(const Ticket& ticket) {
  const std::vector<std::string_view> lines = Lines(std::string_view(ticket.text).substr(0, kMaxTicketBytes));
  if (std::string name = SignatureName(lines); !name.empty()) return {name, "signature"};
  if (std::string name = GreetingName(lines); !name.empty()) return {name, "greeting"};
  if (std::string name = FromHeaderName(ticket.from); !name.empty()) return {name, "from_header"};
  return {};
}

FilledAnswer FillAnswer(std::string_view answer_text, const std::map<std::string, std::string>& patterns,
                        const Ticket& ticket) {
  FilledAnswer out;
  const std::vector<std::string> used = ListPlaceholders(answer_text);
  const auto uses = [&](const std::string& name) { return std::find(used.begin(), used.end(), name) != used.end(); };
  if (uses("customer_name")) {
    if (FilledValue sender = FindSenderName(ticket); !FirstName(sender.value).empty()) {
      out.values["customer_name"] = {FirstName(sender.value), sender.from};
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

// Whether `from`'s text links to `to`.
bool LinksTo(Searcher& searcher, const SearchHit& from, const SearchHit& to) {
  const std::string file = internal::FileTerm(to.source, to.path);
  if (file.empty()) return false;
  const std::string_view key = std::string_view(file).substr(internal::kPrefixFile.size());
  Result<StoredItem> item = searcher.GetItem(from.id);
  if (!item.ok()) return false;
  return std::any_of(item->item.links.begin(), item->item.links.end(), [&](const Link& link) {
    const std::string term = internal::LinkTerm(from.source, from.path, link.target);
    return !term.empty() && std::string_view(term).substr(internal::kPrefixLink.size()) == key;
  });
}

// Whether `answer` was written for `article`: they share an error code or a tag, or one links to the other. An
// answer that merely matches the ticket's words, or that Searcher::Related finds for its similar wording, is not
// the reply to send: on the support sets' pasted tickets every such pick was wrong (a refund-status reply to a
// leaked key, a card-decline reply to a currency question); with none, the engineer writes the reply.
bool WrittenFor(Searcher& searcher, const SearchHit& article, const SearchHit& answer) {
  return ShareOne(article.error_codes, answer.error_codes) || ShareOne(article.tags, answer.tags) ||
         LinksTo(searcher, article, answer) || LinksTo(searcher, answer, article);
}

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
  const auto answer_in_lang = [&](const SearchHit& h) {
    return h.kind == Kind::kAnswer && h.lang == article.lang && WrittenFor(searcher, article, h);
  };
  const auto first = [&](const std::vector<SearchHit>& list, auto&& fits) -> std::optional<SearchHit> {
    for (const SearchHit& h : list) {
      if (answer_in_lang(h) && fits(h)) return h;
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
  if (more.ok() && !more->hits.empty() && WrittenFor(searcher, article, more->hits.front())) {
    out.answer = more->hits.front();
  }
  return out;
}

}  // namespace kb
