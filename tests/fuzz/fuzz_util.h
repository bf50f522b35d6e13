// Helpers shared by the kb fuzz targets.
#ifndef KB_TESTS_FUZZ_FUZZ_UTIL_H_
#define KB_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kb/kb.h"

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
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

// A fuzz target without its fixture would report nothing useful: setup failures abort with the reason.
inline void SetupFailed(const char* what, const kb::Status& status) {
  std::fprintf(stderr, "kb fuzz: setup failed: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

// Indexes `items` ({path, Markdown}) as source "fuzz", with `synonyms`, into a new database at `db`.
inline void BuildFixtureIndex(const std::string& db, const std::vector<std::pair<const char*, const char*>>& items,
                              const std::vector<std::vector<std::string>>& synonyms = {}) {
  auto writer = kb::IndexWriter::Open(db, {});
  if (!writer.ok()) SetupFailed("open writer", writer.status());
  for (const auto& [path, text] : items) {
    kb::Result<kb::Item> item = kb::ParseItem(path, text);
    if (!item.ok()) SetupFailed(path, item.status());
    item->source = "fuzz";
    if (kb::Status s = (*writer)->Upsert(*item); !s.ok()) SetupFailed("upsert", s);
  }
  if (!synonyms.empty()) {
    if (kb::Status s = (*writer)->SetSynonyms(synonyms); !s.ok()) SetupFailed("synonyms", s);
  }
  if (kb::Status s = (*writer)->Commit(); !s.ok()) SetupFailed("commit", s);
}

}  // namespace kb::fuzz

#endif  // KB_TESTS_FUZZ_FUZZ_UTIL_H_
