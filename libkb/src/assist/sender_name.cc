// FindSenderName (kb/assist.h): the customer's name, from what the ticket states (a self-introduction, a
// signature, the From header), never guessed.
#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "kb/assist.h"
#include "text.h"

namespace kb {
namespace {

using internal::AsciiLower;
using internal::Trim;

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

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

// Up to `max_words` name words at the start of `rest` ("Ana Souza from Acme" → "Ana Souza"); "" if none. With
// `whole_line`, only if nothing else follows them.
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
  // A lowercase particle inside a name ("Pieter de Vries", "Ludwig van Beethoven"), never first or last.
  static constexpr std::string_view kParticles[] = {"de",  "van", "von", "der", "den", "da",  "di",
                                                    "del", "dos", "du",  "la",  "le",  "ter", "bin"};
  const auto particle = [&](std::size_t k) {
    return k > 0 && k + 1 < words.size() && IsNameWord(words[k + 1]) &&
           std::find(std::begin(kParticles), std::end(kParticles), words[k]) != std::end(kParticles);
  };
  std::size_t n = 0;
  while (n < words.size() && n < max_words && ((IsNameWord(words[n]) && !IsNotName(words[n])) || particle(n))) ++n;
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
    // The whole line and, on the last line of text, also its last sentence when it has several.
    const std::string_view tail = last ? LastSentence(line) : line;
    last = false;
    const std::string_view parts[] = {line, tail};
    for (std::size_t p = 0; p < (tail.size() < line.size() ? 2u : 1u); ++p) {
      const std::string_view part = parts[p];
      std::size_t head_end = 0;
      const std::string_view after = AfterSignOff(part, &head_end);
      if (!IsSignOff(part.substr(0, head_end))) continue;
      if (std::string name = LeadingName(NamePart(after), 4, true); !name.empty()) return name;
      if (p > 0 || !after.empty()) return "";  // a sign-off in a sentence, or followed by words, names no one below
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
  // A full name signs when a title or company follows it on its line, or lines follow below it; a line alone
  // ("Please Help") does not. One word alone signs only when a bar sets it apart ("Rob | Meyerhof Wines").
  const std::string_view first = NamePart(lines[begin]);
  if (first.size() == lines[begin].size() && end - begin < 2) return "";
  const bool barred = Trim(lines[begin].substr(first.size())).rfind('|', 0) == 0;
  const std::string name = LeadingName(first, 4, true);
  return name.find(' ') != std::string::npos || barred ? name : "";
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

}  // namespace

FilledValue FindSenderName(const Ticket& ticket) {
  const std::vector<std::string_view> lines = Lines(std::string_view(ticket.text).substr(0, kMaxTicketBytes));
  if (std::string name = SignatureName(lines); !name.empty()) return {name, "signature"};
  if (std::string name = GreetingName(lines); !name.empty()) return {name, "greeting"};
  if (std::string name = FromHeaderName(ticket.from); !name.empty()) return {name, "from_header"};
  return {};
}

}  // namespace kb
