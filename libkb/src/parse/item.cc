// Item helpers that are not Markdown parsing: names, staleness, dates, anchors and reading files.
#include "kb/item.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "civil_date.h"
#include "text.h"

namespace kb {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kAnswer: return "answer";
    case Kind::kIncident: return "incident";
    case Kind::kArticle: break;
  }
  return "article";
}

const char* TierName(Tier tier) {
  switch (tier) {
    case Tier::kL1: return "L1";
    case Tier::kL2: return "L2";
    case Tier::kUnset: break;
  }
  return "";
}

std::string Item::StaleAfter() const {
  long days = 0;
  if (verify_every_days <= 0 || !internal::ParseDate(verified, &days)) return "";
  return internal::FormatDate(days + verify_every_days);
}

bool Item::IsStaleOn(std::string_view today) const {
  const std::string stale_after = StaleAfter();
  long limit = 0, now = 0;
  if (!internal::ParseDate(stale_after, &limit) || !internal::ParseDate(today, &now)) return false;
  return limit < now;
}

std::string Today() {
  const std::time_t now = std::time(nullptr);
  // POSIX time has no leap seconds, so whole days since the epoch are exact.
  return internal::FormatDate(static_cast<long>(now / 86400));
}

bool IsValidUtf8(std::string_view text) { return internal::IsValidUtf8(text); }

namespace {

// Unicode punctuation and symbols GitHub drops from anchors (it keeps letters, marks, numbers, '_' and
// '-'). Only the blocks that occur in real headings are listed: Latin-1 signs, general punctuation (curly
// quotes, dashes, ellipsis), currency, arrows and technical symbols, shapes and dingbats, emoji.
bool IsDroppedCodePoint(std::uint32_t cp) {
  if (cp >= 0xA0 && cp <= 0xBF) {
    return cp != 0xAA && cp != 0xB2 && cp != 0xB3 && cp != 0xB5 && cp != 0xB9 && cp != 0xBA && cp != 0xBC &&
           cp != 0xBD && cp != 0xBE;
  }
  return cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x20A0 && cp <= 0x20CF) ||
         (cp >= 0x2190 && cp <= 0x23FF) || (cp >= 0x2500 && cp <= 0x27BF) || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

}  // namespace

std::string MakeAnchor(std::string_view heading) {
  std::string anchor;
  anchor.reserve(heading.size());
  std::size_t i = 0;
  while (i < heading.size()) {
    const auto c = static_cast<unsigned char>(heading[i]);
    if (c < 0x80) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '_') {
        anchor += static_cast<char>(c);
      } else if (c >= 'A' && c <= 'Z') {
        anchor += static_cast<char>(c - 'A' + 'a');
      } else if (c == ' ') {
        anchor += '-';
      }
      ++i;
      continue;
    }
    // Non-ASCII letters are kept byte for byte (not lowercased); malformed bytes are kept as they are.
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    len = std::min(len, heading.size() - i);
    std::uint32_t cp = len == 1 ? c : (c & (0x7F >> len));
    for (std::size_t k = 1; k < len; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(heading[i + k]) & 0x3F);
    }
    if (!IsDroppedCodePoint(cp)) anchor.append(heading.substr(i, len));
    i += len;
  }
  return anchor;
}

Result<Item> ParseFile(const std::string& root, const std::string& relative_path, const ParseOptions& options) {
  std::string full = root;
  if (!full.empty() && full.back() != '/') full += '/';
  full += relative_path;
  try {
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0) {
      return Status::IoError(full + ": cannot read: " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) return Status::IoError(full + ": not a regular file");
    // Checked before reading so that a huge file never gets loaded into memory.
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > options.max_file_bytes) {
      return Status::InvalidArgument(relative_path + ": file is " + std::to_string(size) +
                                     " bytes, over the limit of " + std::to_string(options.max_file_bytes));
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(full.c_str(), "rb"), &std::fclose);
    if (!file) return Status::IoError(full + ": cannot open: " + std::strerror(errno));
    // One byte more than allowed, so that a file that grew since stat() is still caught by ParseItem.
    std::string bytes(static_cast<std::size_t>(size) + 1, '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
      const std::size_t n = std::fread(bytes.data() + got, 1, bytes.size() - got, file.get());
      if (n == 0) break;
      got += n;
    }
    if (std::ferror(file.get())) return Status::IoError(full + ": read failed: " + std::strerror(errno));
    bytes.resize(got);
    return ParseItem(relative_path, bytes, options);
  } catch (const std::exception& e) {
    return Status::Internal(full + ": " + e.what());
  }
}

}  // namespace kb
