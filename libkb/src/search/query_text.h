// What a support engineer types or pastes, read before it becomes a Xapian query: is it a typed query (with
// operators) or a pasted message (plain text), which parts of a message are noise (greeting, sign-off,
// signature, quoted reply, phone numbers), and which words say what language it is in.
#ifndef KB_SRC_QUERY_TEXT_H_
#define KB_SRC_QUERY_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace kb::internal {

// True when `text` reads as a pasted message or log rather than a typed query: it has a line break, more
// than `max_typed_words` words, or it opens with a greeting and runs on for a sentence. A pasted message is
// text, never query syntax.
bool LooksPasted(std::string_view text, int max_typed_words);

// True when pasted text is a message someone wrote to someone (lines, or a greeting first) rather than one
// long question or log line.
bool LooksLikeMessage(std::string_view text);

// True when `text` uses query syntax on purpose: every character is a word character, a space, a quote, a
// leading - or + on a word, a trailing *, or a filter's colon. A pasted JSON line ("code": "x"), a phone
// number (+44 20 …) or a parenthesis is syntax by accident.
bool IntendedSyntax(std::string_view text);

// A pasted message reduced to what describes the problem: quoted replies ("> …", "On … wrote:" and what
// follows), the greeting, the sign-off and the signature after it, e-mail addresses and phone numbers are
// removed, and characters that are query syntax elsewhere (quotes, brackets, +, :, *) become spaces. Words
// joined by `.`, `_`, `-` or `/` (identifiers such as refund_failed, HTTP/1.1) are kept whole.
std::string CleanPastedText(std::string_view text);

// Words of a message that carry no topic: greetings, thanks, pleasantries, time words ("yesterday"), the
// words every ticket has ("customer", "help"). English and Turkish, lowercase. For pasted text only: a typed
// query keeps every word it has.
bool IsChatWord(std::string_view lower_word);

// An English contraction typed without its apostrophe, as people on shift do ("dont", "cant", "im"), written
// with it ("don't"), or "" for any other word. Lowercase. Only forms that are not also words of their own
// ("its", "lets", "well", "were" are left alone).
std::string_view WithApostrophe(std::string_view lower_word);

// Turkish function words ("ve", "bir", "için", "neden"), with and without diacritics.
bool IsTurkishStopword(std::string_view lower_word);
// A function word of English or Turkish ("to", "the", "ve", "yüzünden").
bool IsFunctionWord(std::string_view lower_word);

// True when `text` has a letter only Turkish uses among kb's languages (ğ ş ı İ and their capitals).
bool HasTurkishLetters(std::string_view text);

// Turkish letters written as their plain Latin base (ç ğ ı İ ö ş ü â î û → c g i i o s u a i u), as people
// type Turkish on keyboards without them.
std::string FoldTurkish(std::string_view text);

// The words of `text` that folding changes, folded and joined by spaces ("ödeme iade olmadı" → "odeme
// olmadi"): indexed beside a Turkish item's text so that the unaccented spelling finds it too.
std::string FoldedTurkishWords(std::string_view text);

// Splits typed or cleaned text into words: whitespace-separated, with surrounding punctuation removed.
// Punctuation a word loses at either end; kQueryTokenPunct keeps the operators (+word, word*) on a token.
inline constexpr std::string_view kWordPunct = "\"'`(),.;:!?[]{}<>*+=";
inline constexpr std::string_view kQueryTokenPunct = "\"'(),.;:!?[]{}<>";
std::vector<std::string> SplitQueryWords(std::string_view text, std::string_view punct = kWordPunct);

}  // namespace kb::internal

#endif  // KB_SRC_QUERY_TEXT_H_
