// Shared helpers for libkb tests: temporary directories, building a database from Markdown strings, and
// indexing the starter knowledge base (content/).
#ifndef KB_TESTS_LIBKB_TEST_UTIL_H_
#define KB_TESTS_LIBKB_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "../test_support.h"
#include "kb/kb.h"

namespace kb::testing {

// (relative path, Markdown bytes)
using Files = std::vector<std::pair<std::string, std::string>>;

inline Item MustParse(const std::string& path, const std::string& text, const std::string& source = "test") {
  Result<Item> item = ParseItem(path, text);
  EXPECT_TRUE(item.ok()) << path << ": " << item.status().ToString();
  if (!item.ok()) return Item{};
  item->source = source;
  return std::move(item).value();
}

inline void BuildDb(const std::string& db, const Files& files,
                    const std::vector<std::vector<std::string>>& synonyms = {}) {
  auto writer = IndexWriter::Open(db, {});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto& [path, text] : files) {
    Item item = MustParse(path, text);
    ASSERT_FALSE(item.id.empty()) << path;
    ASSERT_TRUE((*writer)->Upsert(item).ok());
  }
  if (!synonyms.empty()) {
    ASSERT_TRUE((*writer)->SetSynonyms(synonyms).ok());
  }
  ASSERT_TRUE((*writer)->Commit().ok());
}

// The starter knowledge base in the source tree, which the ranking and explain tests search.
inline std::string ContentDir() { return std::string(KB_SOURCE_DIR) + "/content"; }

// Upserts every content/**/*.md (source "content", in directory order) and sets content/synonyms.txt; the
// caller adds what else it needs and commits. The upserted items are appended to `items` when given.
inline void IndexContent(IndexWriter& writer, std::vector<Item>* items = nullptr) {
  namespace fs = std::filesystem;
  for (const auto& entry : fs::recursive_directory_iterator(ContentDir())) {
    if (!entry.is_regular_file() || entry.path().extension() != ".md") continue;
    Result<Item> item = ParseFile(ContentDir(), fs::relative(entry.path(), ContentDir()).string());
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    item->source = "content";
    ASSERT_TRUE(writer.Upsert(*item).ok()) << entry.path();
    if (items != nullptr) items->push_back(std::move(*item));
  }
  ASSERT_TRUE(writer.SetSynonyms(ParseSynonyms(ReadFile(ContentDir() + "/" + kSynonymsFile))).ok());
}

inline std::vector<std::string> Ids(const SearchResponse& res) {
  std::vector<std::string> ids;
  for (const SearchHit& h : res.hits) ids.push_back(h.id);
  return ids;
}

}  // namespace kb::testing

#endif  // KB_TESTS_LIBKB_TEST_UTIL_H_
