// Helpers for the indexer tests: temporary trees, writing files, and running the real kb-index binary.
#ifndef KB_TESTS_INDEXER_INDEXER_TEST_UTIL_H_
#define KB_TESTS_INDEXER_INDEXER_TEST_UTIL_H_

#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "../test_support.h"

namespace kb::testing {

namespace fs = std::filesystem;

// Copies a fixture tree (tests/data/...) into `to`, which must not exist yet.
inline void CopyTree(const std::string& from, const std::string& to) {
  fs::copy(from, to, fs::copy_options::recursive);
}

inline std::string Fixture(const std::string& relative) { return std::string(KB_TEST_DATA) + "/" + relative; }

// (path relative to the fixture root, line, column, severity, rule)
using Expected = std::tuple<std::string, int, int, std::string, std::string>;

// What `kb-index check` finds in tests/data/check: one finding per problem file (see its README.md), in
// report order. The library test and the CLI test both check against it.
inline const std::vector<Expected>& ExpectedFixtureFindings() {
  static const std::vector<Expected> kExpected = {
      {"answers/bad-placeholder.md", 11, 55, "error", "placeholder"},
      {"broken-anchor.md", 10, 21, "error", "broken-anchor"},
      {"broken-link.md", 11, 30, "error", "broken-link"},
      {"duplicate-code.md", 8, 5, "error", "duplicate-code"},
      {"duplicate-id.md", 6, 5, "error", "duplicate-id"},
      {"empty-body.md", 7, 1, "error", "empty-body"},
      {"future-verified.md", 6, 11, "error", "future-verified"},
      {"missing-owner.md", 1, 1, "error", "missing-field"},
      {"stale.md", 6, 11, "warning", "stale"},
      {"unknown-field.md", 6, 1, "error", "unknown-field"},
      {"unknown-kind.md", 3, 7, "error", "unknown-kind"},
      {"unknown-tier.md", 5, 7, "error", "unknown-tier"},
      {"yaml-error.md", 6, 7, "error", "front-matter"},
  };
  return kExpected;
}

// A small valid article; `marker` ends up in the body so that tests can search for it.
inline std::string Article(const std::string& title, const std::string& marker, const std::string& extra = "") {
  return "---\ntitle: " + title + "\nkind: article\nowner: test-team\ntier: L1\n" + extra + "---\n# " + title +
         "\n\nThis article explains " + title + ". Marker: " + marker + ".\n\n## Details\n\nMore about " + marker +
         " here.\n";
}

#ifdef KB_INDEX_BINARY
// kb-index with `args`, stdout and stderr piped back (ReadLine, Finish).
class KbIndex : public Child {
 public:
  explicit KbIndex(std::vector<std::string> args) {
    args.insert(args.begin(), KB_INDEX_BINARY);
    Start(args, ChildOptions{});
  }
};

// Runs kb-index to completion.
inline ProcessResult RunKbIndex(const std::vector<std::string>& args) { return KbIndex(args).Finish(); }
#endif  // KB_INDEX_BINARY

}  // namespace kb::testing

#endif  // KB_TESTS_INDEXER_INDEXER_TEST_UTIL_H_
