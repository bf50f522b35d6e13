#include "normalize.h"

#include <cctype>
#include <cstdint>

namespace kb::eval {
namespace {

// ASCII base letters of U+00C0..U+017F (Latin-1 Supplement letters, Latin Extended-A); ' ' for × and ÷.
constexpr std::string_view kLatin =
    "AAAAAAACEEEEIIIIDNOOOOO OUUUUYTsaaaaaaaceeeeiiiidnooooo ouuuuyty"  // U+00C0..U+00FF
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTt"
    "UuUuUuUuUuUuWwYyYZzZzZzs";  // U+0100..U+017F
static_assert(kLatin.size() == 0x180 - 0xC0);

// Decodes one UTF-8 sequence at `i` (advancing it); malformed bytes decode as U+FFFD, one byte each.
std::uint32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i++]);
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
  if (b < 0x80) return b;
  if (extra < 0) return 0xFFFD;
  std::uint32_t cp = b & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  return cp;
}

}  // namespace

std::string FoldToAscii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = NextCodePoint(text, i);
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp >= 0xC0 && cp < 0x180) out += kLatin[cp - 0xC0];
    else out += ' ';
  }
  return out;
}

std::string QueryTokens(std::string_view text) {
  std::string out = FoldToAscii(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    c = std::isalnum(u) ? static_cast<char>(std::tolower(u)) : ' ';
  }
  return out;
}

}  // namespace kb::eval
