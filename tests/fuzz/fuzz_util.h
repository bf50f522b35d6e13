// Helpers shared by the kb fuzz targets.
#ifndef KB_TESTS_FUZZ_FUZZ_UTIL_H_
#define KB_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace kb::fuzz {

// Aborts when a documented contract does not hold, so that libFuzzer records the input as a crash.
inline void Require(bool holds, const char* contract) {
  if (holds) return;
  std::fprintf(stderr, "kb fuzz: contract broken: %s\n", contract);
  std::abort();
}

inline bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF), for deciding which contract
// applies to an input; deliberately independent of libkb's own check.
inline bool IsUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace kb::fuzz

#endif  // KB_TESTS_FUZZ_FUZZ_UTIL_H_
