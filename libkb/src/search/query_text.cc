#include "query_text.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "stopwords.h"
#include "text.h"

namespace kb::internal {
namespace {

// Lowercase a UTF-8 word (Turkish İ → i as well).
std::string Lower(std::string_view w) { return Xapian::Unicode::tolower(std::string(w)); }

std::string_view TrimPunct(std::string_view t, std::string_view punct = kWordPunct) {
  while (!t.empty() && punct.find(t.front()) != std::string_view::npos) t.remove_prefix(1);
  while (!t.empty() && punct.find(t.back()) != std::string_view::npos) t.remove_suffix(1);
  return t;
}

const std::unordered_set<std::string_view>& ChatWords() {
  // clang-format off
  static const auto* words = new std::unordered_set<std::string_view>{
      // English: greetings, thanks, pleasantries, urgency, time, and what every ticket says.
      "hi", "hello", "hey", "hiya", "dear", "greetings", "morning", "afternoon", "evening", "thanks", "thank",
      "thx", "ty", "regards", "best", "kind", "cheers", "sincerely", "please", "pls", "plz", "help", "helping",
      "assist", "assistance", "appreciate", "appreciated", "asap", "urgent", "urgently", "quick", "quickly",
      "hope", "hoping", "wondering", "wonder", "someone", "anyone", "team", "guys", "folks", "yesterday",
      "today", "tomorrow", "week", "still", "already", "again", "ago", "able", "sure", "ok", "okay", "thing",
      "things", "know", "let", "look", "looking", "advise", "advice", "soon", "possible", "customer",
      "customers", "client", "clients", "support", "question", "questions", "everything", "something",
      "anything", "really", "actually", "basically", "tried", "try", "trying", "seems", "seem", "happen",
      "happened", "happening", "getting", "get", "got", "see", "seeing", "saw", "said", "says", "told",
      // Turkish.
      "merhaba", "merhabalar", "selam", "selamlar", "sayın", "sayin", "değerli", "degerli", "teşekkürler",
      "tesekkurler", "teşekkür", "tesekkur", "ederim", "ederiz", "rica", "lütfen", "lutfen", "acil", "yardım",
      "yardim", "yardımcı", "yardimci", "olur", "musunuz", "misiniz", "iyi", "günler", "gunler", "çalışmalar",
      "calismalar", "saygılarımla", "saygilarimla", "kolay", "gelsin", "hanım", "hanim", "bey", "dün", "dun",
      "bugün", "bugun", "yarın", "yarin", "müşteri", "musteri", "müşterimiz", "musterimiz", "destek",
  };
  // clang-format on
  return *words;
}

const std::unordered_set<std::string_view>& TurkishStopwords() {
  // clang-format off
  static const auto* words = new std::unordered_set<std::string_view>{
      "ve", "veya", "ile", "bir", "bu", "şu", "su", "o", "da", "de", "ki", "mi", "mı", "mu", "mü", "için",
      "icin", "ama", "fakat", "ancak", "çok", "cok", "daha", "en", "gibi", "kadar", "ne", "neden", "niye",
      "nasıl", "nasil", "hangi", "hiç", "hic", "her", "biz", "siz", "ben", "sen", "onlar", "bizim", "sizin",
      "benim", "bana", "bize", "size", "var", "yok", "olarak", "olan", "ise", "sonra", "önce", "once", "şimdi",
      "simdi", "hem", "yine", "yani", "diye", "çünkü", "cunku", "eğer", "eger", "ya", "hala", "hâlâ", "henüz",
      "henuz", "mı?", "nedir", "neler", "bunu", "şunu", "onu", "bunun", "olduğu", "oldugu",
      // "because of", "says", "wants": a shift's Turkish carries them ("kur yüzünden", "müşteri iade istiyor")
      // and no item is about them; the gap view named them as words no item mentions.
      "yüzünden", "yuzunden", "dolayı", "dolayi", "diyor", "diyorlar", "istiyor", "istiyorlar", "istiyoruz",
      // The auxiliary "olmak" and the light verb "etmek" ("bloke oldu", "iade ettiler"): the noun before them
      // is the topic. "oldu" matched a leaked-key alias ("ifşa oldu") for a blocked card.
      "oldu", "olur", "oluyor", "olmuş", "olmus", "olacak", "olsun", "olup", "olmak", "etti", "ettiler",
      "ettik", "ettim", "ediyor", "ediyorlar", "edildi", "etmek",
  };
  // clang-format on
  return *words;
}

bool StartsWithWord(std::string_view lower_line, std::string_view word) {
  return lower_line.substr(0, word.size()) == word &&
         (lower_line.size() == word.size() || !std::isalpha(static_cast<unsigned char>(lower_line[word.size()])));
}

// clang-format off
constexpr std::string_view kGreetings[] = {"hi", "hello", "hey", "hiya", "dear", "good morning", "good afternoon",
                                           "good evening", "greetings", "merhaba", "merhabalar", "selam",
                                           "selamlar", "iyi günler", "sayın"};

constexpr std::string_view kSignOffs[] = {
    "thanks", "thank you", "many thanks", "thanks a lot", "thanks in advance", "best", "best regards",
    "kind regards", "warm regards", "regards", "cheers", "sincerely", "br", "thx", "ty", "sent from my",
    "saygılarımla", "teşekkürler", "teşekkür ederim", "iyi çalışmalar", "sevgiler", "selamlar", "kolay gelsin"};
// clang-format on

bool StartsWithGreeting(std::string_view text) {
  const std::string lower = Lower(text.substr(0, 32));
  return std::any_of(std::begin(kGreetings), std::end(kGreetings),
                     [&](std::string_view g) { return StartsWithWord(lower, g); });
}

std::size_t CountWords(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    if (IsSpace(c)) {
      in = false;
    } else if (!in) {
      in = true;
      ++n;
    }
  }
  return n;
}

// "Thanks," / "Best regards, Ana" / "Sent from my iPhone": a line that ends the message's own text.
bool IsSignOff(std::string_view line) {
  std::string lower = Lower(Trim(line));
  if (CountWords(lower) > 5) return false;
  for (std::string_view s : kSignOffs) {
    if (StartsWithWord(lower, s)) return true;
  }
  return false;
}

// "On Mon, 3 Nov 2026 at 10:02, Support <…> wrote:" and the like: the start of a quoted earlier message.
bool IsReplyHeader(std::string_view line) {
  std::string lower = Lower(Trim(line));
  if (lower.find("original message") != std::string::npos) return true;
  auto ends_with = [&](std::string_view end) {
    return lower.size() >= end.size() && lower.compare(lower.size() - end.size(), end.size(), end) == 0;
  };
  return (StartsWithWord(lower, "on") && ends_with("wrote:")) || ends_with("yazdı:");
}

// The first line without its greeting: "Hi team," → "", "Hi, we tried…" → "we tried…".
std::string StripGreeting(std::string_view line) {
  std::string lower = Lower(line);
  for (std::string_view g : kGreetings) {
    if (!StartsWithWord(lower, g)) continue;
    // Up to the first comma, colon or exclamation mark within the next few words ends the greeting.
    const std::size_t stop = line.find_first_of(",:!\n");
    if (stop != std::string_view::npos && CountWords(line.substr(0, stop)) <= 4) {
      return std::string(Trim(line.substr(stop + 1)));
    }
    if (CountWords(line) <= 4) return "";
    return std::string(Trim(line.substr(g.size())));
  }
  return std::string(line);
}

bool IsNumberish(std::string_view t) {
  bool digit = false;
  for (char c : t) {
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    else if (std::string_view("+-.()/").find(c) == std::string_view::npos) return false;
  }
  return digit;
}

int Digits(std::string_view t) {
  return static_cast<int>(
      std::count_if(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }));
}

// Tokens of the message's kept lines, without e-mail addresses and phone-number-like runs of digits.
std::vector<std::string> MessageTokens(const std::string& text) {
  std::vector<std::string> raw;
  std::string cur;
  for (char c : text) {
    if (IsSpace(c)) {
      if (!cur.empty()) raw.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) raw.push_back(std::move(cur));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < raw.size();) {
    // A run of number-like tokens with 8 digits or more: a phone number, a date and time, a long order id.
    std::size_t j = i;
    int digits = 0;
    while (j < raw.size() && IsNumberish(TrimPunct(raw[j]))) digits += Digits(raw[j++]);
    if (j > i) {
      if (digits < 8) {
        for (std::size_t k = i; k < j; ++k) out.push_back(raw[k]);
      }
      i = j;
      continue;
    }
    if (raw[i].find('@') == std::string::npos || raw[i].find('.') == std::string::npos) out.push_back(raw[i]);
    ++i;
  }
  return out;
}

}  // namespace

bool IntendedSyntax(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool word_start = i == 0 || IsSpace(text[i - 1]);
    const bool next_alpha = i + 1 < text.size() && (std::isalpha(static_cast<unsigned char>(text[i + 1])) ||
                                                    static_cast<unsigned char>(text[i + 1]) >= 0x80);
    if (std::isalnum(c) || c >= 0x80 || IsSpace(static_cast<char>(c)) || c == '_' || c == '.' || c == '"') continue;
    if ((c == '-' || c == '+') && (word_start ? next_alpha : true)) continue;
    if (c == '*' && (i + 1 == text.size() || IsSpace(text[i + 1]))) continue;
    if (c == ':' && i > 0 && std::isalpha(static_cast<unsigned char>(text[i - 1])) && i + 1 < text.size() &&
        !IsSpace(text[i + 1])) {
      continue;
    }
    return false;
  }
  return true;
}

// The share of words written as operators: "a* b* -c tag:x" is a typed query however long it is.
bool MostlyOperators(std::string_view text, std::size_t words) {
  std::size_t ops = 0;
  bool start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsSpace(c)) {
      start = true;
      continue;
    }
    const bool end = i + 1 == text.size() || IsSpace(text[i + 1]);
    if ((start && (c == '-' || c == '+' || c == '"')) || (end && c == '*')) ++ops;
    start = false;
  }
  return ops * 2 >= words;
}

bool LooksPasted(std::string_view text, int max_typed_words) {
  std::string_view t = Trim(text);
  if (t.find('\n') != std::string_view::npos) return true;
  const std::size_t words = CountWords(t);
  if (words > static_cast<std::size_t>(std::max(1, max_typed_words))) return !MostlyOperators(t, words);
  return words >= 6 && StartsWithGreeting(t);
}

bool LooksLikeMessage(std::string_view text) {
  std::string_view t = Trim(text);
  return t.find('\n') != std::string_view::npos || StartsWithGreeting(t);
}

std::string CleanPastedText(std::string_view text) {
  std::string kept, quoted;
  bool started = false, in_quote = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    if (in_quote || line.front() == '>') {
      // A quoted earlier message: kept aside, it is the problem itself only when a forward says little more.
      while (!line.empty() && (line.front() == '>' || IsSpace(line.front()))) line.remove_prefix(1);
      const std::string lower = Lower(line.substr(0, 8));
      if (!IsReplyHeader(line) && lower.rfind("from:", 0) != 0 && lower.rfind("sent:", 0) != 0 &&
          lower.rfind("to:", 0) != 0) {
        quoted.append(line).append("\n");
      }
      continue;
    }
    if (IsReplyHeader(line)) {
      in_quote = true;
      continue;
    }
    if (line == "--" || line == "---") break;
    if (started && IsSignOff(line)) break;
    std::string rest = started ? std::string(line) : StripGreeting(line);
    if (Trim(rest).empty()) continue;
    started = true;
    kept += rest;
    kept += '\n';
  }
  if (CountWords(kept) < 16) kept += quoted;
  std::string out;
  for (const std::string& token : MessageTokens(kept)) {
    std::string_view t = TrimPunct(token);
    while (!t.empty() && t.front() == '-') t.remove_prefix(1);
    if (t.empty()) continue;
    if (!out.empty()) out += ' ';
    for (char c : t) out += std::string_view("\"'`()[]{}<>,;:!?*+=|").find(c) == std::string_view::npos ? c : ' ';
  }
  return out;
}

std::string_view WithApostrophe(std::string_view lower_word) {
  // clang-format off
  static const auto* forms = new std::unordered_map<std::string_view, std::string_view>{
      {"cant", "can't"}, {"dont", "don't"}, {"doesnt", "doesn't"}, {"didnt", "didn't"}, {"isnt", "isn't"},
      {"arent", "aren't"}, {"wasnt", "wasn't"}, {"werent", "weren't"}, {"wont", "won't"},
      {"wouldnt", "wouldn't"}, {"couldnt", "couldn't"}, {"shouldnt", "shouldn't"}, {"havent", "haven't"},
      {"hasnt", "hasn't"}, {"hadnt", "hadn't"}, {"aint", "ain't"}, {"mustnt", "mustn't"}, {"neednt", "needn't"},
      {"im", "i'm"}, {"ive", "i've"}, {"youre", "you're"}, {"youve", "you've"}, {"theyre", "they're"},
      {"thats", "that's"}, {"whats", "what's"}, {"theres", "there's"}, {"wheres", "where's"},
      {"hows", "how's"}, {"whos", "who's"},
  };
  // clang-format on
  auto it = forms->find(lower_word);
  return it == forms->end() ? std::string_view() : it->second;
}

bool IsChatWord(std::string_view lower_word) { return ChatWords().count(lower_word) > 0; }

bool IsTurkishStopword(std::string_view lower_word) { return TurkishStopwords().count(lower_word) > 0; }

bool IsFunctionWord(std::string_view lower_word) { return IsStopword(lower_word) || IsTurkishStopword(lower_word); }

bool HasTurkishLetters(std::string_view text) {
  // ğ Ğ (c4 9f/9e), ı İ (c4 b1/b0), ş Ş (c5 9f/9e).
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const unsigned char a = static_cast<unsigned char>(text[i]);
    const unsigned char b = static_cast<unsigned char>(text[i + 1]);
    if ((a == 0xc4 && (b == 0x9f || b == 0x9e || b == 0xb1 || b == 0xb0)) || (a == 0xc5 && (b == 0x9f || b == 0x9e))) {
      return true;
    }
  }
  return false;
}

std::string FoldTurkish(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char a = static_cast<unsigned char>(text[i]);
    const unsigned char b = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    char plain = 0;
    if (a == 0xc3) {
      switch (b) {
        case 0xa7:
        case 0x87: plain = 'c'; break;  // ç Ç
        case 0xb6:
        case 0x96: plain = 'o'; break;  // ö Ö
        case 0xbc:
        case 0x9c: plain = 'u'; break;  // ü Ü
        case 0xa2: plain = 'a'; break;  // â
        case 0xae: plain = 'i'; break;  // î
        case 0xbb: plain = 'u'; break;  // û
      }
    } else if (a == 0xc4) {
      if (b == 0x9f || b == 0x9e) plain = 'g';  // ğ Ğ
      if (b == 0xb1 || b == 0xb0) plain = 'i';  // ı İ
    } else if (a == 0xc5 && (b == 0x9f || b == 0x9e)) {
      plain = 's';  // ş Ş
    }
    if (plain) {
      out += plain;
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string FoldedTurkishWords(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    std::string_view word = text.substr(start, i - start);
    std::string folded = FoldTurkish(word);
    if (folded != word) {
      if (!out.empty()) out += ' ';
      out += folded;
    }
  }
  return out;
}

std::vector<std::string> SplitQueryWords(std::string_view text, std::string_view punct) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    std::string_view t = TrimPunct(text.substr(start, i - start), punct);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

}  // namespace kb::internal
