// Small string utilities shared inside libkb: UTF-8 checks, ASCII case folding, trimming, splitting.
#ifndef KB_SRC_TEXT_H_
#define KB_SRC_TEXT_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kb::internal {

// True if `s` is well-formed UTF-8. On failure, *bad_offset (if given) is the offset of the first bad byte.
bool IsValidUtf8(std::string_view s, std::size_t* bad_offset = nullptr);
// ASCII lowercase/uppercase (other bytes unchanged).
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);
std::string_view Trim(std::string_view s);
// ASCII whitespace (space, tab, CR, LF, FF, VT).
inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
// `text` with each run of non-whitespace bytes replaced by `f(run)`; the whitespace between them is kept.
std::string MapWords(std::string_view text, const std::function<std::string(std::string_view)>& f);
// Splits on `sep`, trimming each part and dropping empty ones.
std::vector<std::string> Split(std::string_view s, char sep);

}  // namespace kb::internal

#endif  // KB_SRC_TEXT_H_
