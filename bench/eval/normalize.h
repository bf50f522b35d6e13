// Text normalisation for the baselines, as BASELINES.md describes their query strings: lowercased,
// ASCII-folded, alphanumeric tokens.
#ifndef KB_BENCH_EVAL_NORMALIZE_H_
#define KB_BENCH_EVAL_NORMALIZE_H_

#include <string>
#include <string_view>

namespace kb::eval {

// Replaces each Latin letter with a diacritic (U+00C0..U+017F: "ş" → "s", "İ" → "I", "ı" → "i", "ß" → "s") by
// its ASCII base letter and every other non-ASCII character by a space; ASCII text is returned unchanged.
// Baseline documents go through it too, so that a folded query word still matches its document
// (plain Xapian would otherwise index "işlem" and search "islem").
std::string FoldToAscii(std::string_view text);

// FoldToAscii, then lowercased, with every character that is not a letter or digit replaced by a space.
std::string QueryTokens(std::string_view text);

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_NORMALIZE_H_
