// Regression tests for what the fuzzers (tests/fuzz/) and the sanitized test runs (scripts/test-sanitized.sh)
// found. Each input is inline, as the fuzzer wrote it (or minimized), next to the contract it broke.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "glob.h"
#include "kb/kb.h"
#include "kb/source.h"
#include "test_util.h"

namespace kb {
namespace {

using namespace std::string_view_literals;

// Runs `f` and fails the test if it took longer than the fuzzers' per-input limit (1 s). The limit is far
// above what these inputs need now and far below what they needed before their fix.
template <typename F>
void WithinOneSecond(const char* what, F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.0) << what;
}

// fuzz_source_config, timeout: GlobMatch backtracked at every '*', exponential in the number of stars.
// "*a*a*a*a*a*a*a*a*b" against 40 a's took 40 s; a kb-source.yaml glob like this stalled every scan.
TEST(FuzzRegressionTest, GlobMatchTimeIsPolynomialInStars) {
  WithinOneSecond("fuzzer input", [] {
    EXPECT_FALSE(
        internal::GlobMatch("*a*a*a**a*a*b"sv,
                            "aaaaaa\x81"
                            "aaaaaaaa@aaaaaaaaaerroa*a*a*[!.-z]b\n*.mra\n*.daaaaaaa-aaaaaa\x12\0\0\0m\0\0\0\0d\n"sv));
  });
  const std::string as(60, 'a');
  WithinOneSecond("many single stars", [&] { EXPECT_FALSE(internal::GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*b", as)); });
  WithinOneSecond("many globstars", [&] { EXPECT_FALSE(internal::GlobMatch("**a**a**a**a**a**a**a**a**b", as)); });
  std::string deep;
  for (int i = 0; i < 60; ++i) deep += "d/";
  WithinOneSecond("globstar segments", [&] {
    EXPECT_FALSE(internal::GlobMatch("**/**/**/**/**/**/**/**/**/**/x", deep + "y"));
    EXPECT_TRUE(internal::GlobMatch("**/**/**/**/**/**/**/**/**/**/x", deep + "x"));
  });
  WithinOneSecond("huge pattern", [] { EXPECT_FALSE(internal::GlobMatch(std::string(100000, '*') + "x", "a/b/c")); });
}

// The matcher that replaced the backtracking one must give the same answers; these are its edge cases.
TEST(FuzzRegressionTest, GlobMatchSemanticsKeptByTheRewrite) {
  EXPECT_TRUE(internal::GlobMatch("**/*.md", "a/b/c.md"));
  EXPECT_TRUE(internal::GlobMatch("**/*.md", "c.md"));  // "**/" also matches no directory
  EXPECT_TRUE(internal::GlobMatch("a/**/b", "a/b"));
  EXPECT_TRUE(internal::GlobMatch("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(internal::GlobMatch("a/**/b", "a/xb"));    // only a fresh "**" may skip the '/'
  EXPECT_TRUE(internal::GlobMatch("x/a**b", "x/a/y/b"));  // "**" crosses directories anywhere
  EXPECT_FALSE(internal::GlobMatch("a*c", "a/c"));        // '*' and '?' stay within a segment
  EXPECT_FALSE(internal::GlobMatch("a?c", "a/c"));
  EXPECT_TRUE(internal::GlobMatch("*.md", "deep/dir/x.md"));  // no '/': matches the file name anywhere
  EXPECT_FALSE(internal::GlobMatch("*.md", "deep/dir/x.txt"));
  EXPECT_TRUE(internal::GlobMatch("docs/", "docs/a/b.md"));  // trailing '/': everything below
  EXPECT_TRUE(internal::GlobMatch("[!._]*.md", "x.md"));
  EXPECT_FALSE(internal::GlobMatch("[!._]*.md", "_x.md"));
  EXPECT_TRUE(internal::GlobMatch("[a-c]x", "bx"));
  EXPECT_FALSE(internal::GlobMatch("a[/]b", "a/b"));  // a class never matches '/'
  EXPECT_TRUE(internal::GlobMatch("x[a-", "x[a-"));   // an unterminated '[' is a literal
  EXPECT_TRUE(internal::GlobMatch("*", "anything"));
  EXPECT_TRUE(internal::GlobMatch("a/*", "a/"));  // '*' matches the empty string
  EXPECT_FALSE(internal::GlobMatch("", "a"));
}

class FuzzSearchRegressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::BuildDb(dir_.Sub("db"), {{"payments/refunds.md",
                                       "---\ntitle: Refunds\nowner: payments-team\n"
                                       "tier: L1\n---\n# Refunds\n\nA customer asks "
                                       "for a refund.\n"}});
    auto searcher = Searcher::Open({dir_.Sub("db")});
    ASSERT_TRUE(searcher.ok()) << searcher.status().ToString();
    searcher_ = std::move(searcher).value();
  }

  testing::TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

// fuzz_search, leak: Xapian 1.4's QueryParser leaks 96 bytes on some syntax errors (tests/lsan.supp). kb
// must still answer these queries by falling back to plain words, never fail them.
TEST_F(FuzzSearchRegressionTest, QueriesThatBreakXapiansParserStillSearch) {
  for (std::string_view query : {"+tier AND ADJ/2  :L1 customer"sv, "a AND ADJ/2 b"sv, "customer NOT NEAR/3 refund"sv,
                                 "OR d[c ADJ R\x1b"
                                 "D\x1b"sv}) {
    SearchRequest request;
    request.query = std::string(query);
    Result<SearchResponse> res = searcher_->Search(request);
    ASSERT_TRUE(res.ok()) << query << ": " << res.status().ToString();
    Result<SuggestResponse> suggest = searcher_->Suggest(std::string(query));
    EXPECT_TRUE(suggest.ok()) << query << ": " << suggest.status().ToString();
  }
}

// TSan, data race: queries matching everything ("" or only "-tag:x") copied the process-wide static
// Xapian::Query::MatchAll, whose reference count is not atomic, so server threads with their own Searchers
// still raced on it. Under `scripts/test-sanitized.sh thread` this test fails if the race comes back.
TEST_F(FuzzSearchRegressionTest, MatchAllQueriesFromManyThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      auto searcher = Searcher::Open({dir_.Sub("db")});
      ASSERT_TRUE(searcher.ok()) << searcher.status().ToString();
      for (int i = 0; i < 50; ++i) {
        SearchRequest request;
        request.query = i % 2 == 0 ? "" : "-tag:nothing-has-this";
        Result<SearchResponse> res = (*searcher)->Search(request);
        ASSERT_TRUE(res.ok()) << res.status().ToString();
        EXPECT_EQ(res->total, 1) << request.query;
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace
}  // namespace kb
