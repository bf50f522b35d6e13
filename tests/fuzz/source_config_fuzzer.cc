// Fuzzes the source configuration parsers: kb::ParseSourceConfig (kb-source.yaml), kb::ParseSynonyms
// (synonyms.txt) and kb::internal::GlobMatch / IsSelected with the config's own globs.
//
// Input: the whole input is tried as YAML and as a synonyms file; then, split at the first newline, as
// a glob pattern and a path. GlobMatch runs once per file of a source, so it must stay fast on any pattern.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "glob.h"
#include "kb/source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using kb::fuzz::Require;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  kb::Result<kb::SourceConfig> config = kb::ParseSourceConfig("src/kb-source.yaml", input);
  if (!config.ok()) {
    Require(config.status().code() == kb::StatusCode::kInvalidArgument, "bad configs fail with invalid_argument");
    Require(kb::fuzz::StartsWith(config.status().message(), "src/kb-source.yaml"), "errors name the file");
  } else {
    (void)kb::internal::IsSelected(*config, "payments/refunds.md");
    (void)kb::internal::IsSelected(*config, "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/deep.markdown");
  }

  for (const std::vector<std::string>& group : kb::ParseSynonyms(input)) {
    Require(group.size() >= 2, "a synonym group has at least two words");
    for (const std::string& word : group) Require(!word.empty(), "synonyms are not empty");
  }

  const std::size_t newline = input.find('\n');
  const std::string_view pattern = input.substr(0, newline);
  const std::string_view path = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const bool matched = kb::internal::GlobMatch(pattern, path);
  if (pattern == path && pattern.find_first_of("*?[") == std::string_view::npos && !pattern.empty() &&
      pattern.front() != '/' && pattern.back() != '/') {
    Require(matched, "a pattern without wildcards matches itself");
  }
  return 0;
}
