#include "query_intent.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>
#include <vector>

#include "query_text.h"
#include "stopwords.h"
#include "term_prefixes.h"
#include "text.h"

namespace kb::internal {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Word beginnings that name a failure, in English and Turkish (lowercase; stems, so "fail" covers "failed",
// "failing", "failure"; "redd" and "gecik" cover "reddedildi", "gecikti").
constexpr std::array<std::string_view, 27> kProblemStems = {
    "fail",   "error",     "declin",    "reject",  "bounc", "stuck",   "stopped", "missing", "broken",
    "wrong",  "delay",     "block",     "problem", "issue", "trouble", "timeout", "timed",   "leak",
    "cannot", "başarısız", "basarisiz", "hata",    "sorun", "redd",    "gecik",   "sızdı",   "sizdi"};
// Whole words that negate or report an absence.
constexpr std::array<std::string_view, 8> kProblemWords = {"not",   "no",    "never",   "yok",
                                                           "değil", "degil", "olmuyor", "nothing"};
// Turkish negative verb endings: "gelmiyor" (typed "gelmiyo"), "düşmüyor", "yatmadı", "olmamış".
// clang-format off
constexpr std::array<std::string_view, 15> kNegativeEndings = {
    "mıyor", "miyor", "muyor", "müyor", "mıyo", "miyo", "muyo", "müyo",
    "madı", "medi", "madi", "mamış", "memiş", "mamis", "memis"};
// clang-format on

bool IsProblemWord(const std::string& w) {
  if (EndsWith(w, "n't") || EndsWith(w, "n\xE2\x80\x99t")) return true;  // can't, doesn’t
  if (EndsWith(WithApostrophe(w), "n't")) return true;                   // cant, doesnt
  if (std::find(kProblemWords.begin(), kProblemWords.end(), w) != kProblemWords.end()) return true;
  for (std::string_view p : kProblemStems) {
    if (StartsWith(w, p)) return true;
  }
  for (std::string_view e : kNegativeEndings) {
    if (w.size() > e.size() + 1 && EndsWith(w, e)) return true;
  }
  return false;
}

// True when some word of `text`, lowercased, is one of `words`.
bool HasAnyWord(const std::string& text, const std::set<std::string, std::less<>>& words) {
  for (const std::string& w : SplitQueryWords(text)) {
    if (words.count(Xapian::Unicode::tolower(w))) return true;
  }
  return false;
}

}  // namespace

bool AsksForReply(const std::string& text) {
  static const std::set<std::string, std::less<>> kReplyWords = {
      "reply",    "replies", "respond", "response", "responses", "answer", "answers", "say",
      "tell",     "write",   "wording", "template", "templates", "macro",  "macros",  "canned",
      "scripted", "cevap",   "cevabı",  "cevabi",   "yanıt",     "yanit",  "yanıtı",  "yaniti",
      "yanıtla",  "yanitla", "diyeyim", "yazayım",  "yazayim",   "şablon", "sablon"};
  return HasAnyWord(text, kReplyWords);
}

std::string WithoutQuestionFrame(const std::string& text, std::string* frame) {
  static const std::set<std::string, std::less<>> kAfterHow = {"long", "many", "much", "often", "soon"};
  static const std::set<std::string, std::less<>> kTake = {"take", "takes", "taking", "took"};
  std::string previous;
  std::string removed;
  bool how_long = false;
  bool dropped = false;
  bool topic = false;  // a word outside the frame that is not a stopword
  std::string out = MapWords(text, [&](std::string_view raw) {
    const std::vector<std::string> bare = SplitQueryWords(raw);  // "how," → "how"
    std::string word = bare.empty() ? std::string() : AsciiLower(bare.front());
    const bool in_frame = (previous == "how" && kAfterHow.count(word)) || (how_long && kTake.count(word));
    how_long = how_long || (previous == "how" && word == "long");
    previous = word;
    if (!in_frame) {
      topic = topic || (!word.empty() && !IsStopword(word));
      return std::string(raw);
    }
    // "how many", "how much": a count or an amount, said by no item's words; "long", "often", "soon", "take"
    // ask about timing, which the items that explain timing say in these words.
    dropped = true;
    if (word != "many" && word != "much") removed += (removed.empty() ? "" : " ") + word;
    return std::string();
  });
  if (!topic || !dropped) return text;  // "how long": the frame is all there is
  *frame = std::move(removed);
  return out;
}

bool SpeaksInFirstPerson(const std::string& text) {
  // With the typographic apostrophe too ("I’m"), as phones and word processors type it.
  static const std::set<std::string, std::less<>> kFirstPerson = {
      "i",         "i'm", "im", "i've", "i'd",    "i'll", "i\u2019m", "i\u2019ve", "i\u2019d",
      "i\u2019ll", "me",  "my", "mine", "myself", "ben",  "bana",     "beni",      "benim"};
  return HasAnyWord(text, kFirstPerson);
}

bool NamesProblem(std::string_view text) {
  for (const std::string& w : SplitQueryWords(text)) {
    if (IsProblemWord(Xapian::Unicode::tolower(w))) return true;
  }
  return false;
}

bool ItemNamesProblem(const Xapian::Document& doc) {
  std::string text = doc.get_value(kSlotTitleSort);
  text += ' ';
  text += doc.get_value(kSlotTags);
  std::replace(text.begin(), text.end(), kTagSeparator, ' ');
  return NamesProblem(text);
}

}  // namespace kb::internal
