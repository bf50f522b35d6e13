// Glob matching: a small automaton over pattern positions, polynomial for any pattern.
#include "glob.h"

#include <algorithm>
#include <string>
#include <vector>

namespace kb::internal {
namespace {

// Matches a bracket expression at pattern[*pi] ('[' already seen) against c; advances *pi past ']'.
bool MatchClass(std::string_view pattern, std::size_t* pi, char c, bool* matched) {
  std::size_t i = *pi + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool hit = false;
  const std::size_t start = i;
  for (; i < pattern.size() && (pattern[i] != ']' || i == start); ++i) {
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hit |= c >= pattern[i] && c <= pattern[i + 2];
      i += 2;
    } else {
      hit |= c == pattern[i];
    }
  }
  if (i >= pattern.size()) return false;  // unterminated: '[' is then a literal
  *matched = (hit != negate) && c != '/';
  *pi = i + 1;
  return true;
}

// A glob is matched as a small automaton over pattern positions, one path character at a time: time is
// O(pattern x path) for any pattern, where backtracking at each '*' was exponential ("*a*a*a*a*a*a*a*a*b"
// against a 40-character path took 40 s).
bool Match(std::string_view p, std::string_view s) {
  const std::size_t n = p.size();
  const auto is_globstar = [&](std::size_t i) { return p[i] == '*' && i + 1 < n && p[i + 1] == '*'; };
  // State 2*i: the pattern element at i is next (i == n: the pattern is done). State 2*i+1: inside the "**"
  // at i after it consumed a character; unlike a fresh "**", it can no longer skip a following '/'.
  std::vector<char> current(2 * n + 2), next(2 * n + 2);
  std::vector<std::size_t> work;
  // Adds `state` and every state reachable from it without consuming a character.
  const auto add = [&](std::vector<char>& set, std::size_t state) {
    work.push_back(state);
    while (!work.empty()) {
      const std::size_t st = work.back();
      work.pop_back();
      if (set[st]) continue;
      set[st] = 1;
      const std::size_t i = st / 2;
      if (st % 2 == 1) {
        work.push_back(2 * (i + 2));
      } else if (i < n && p[i] == '*') {
        const std::size_t after = is_globstar(i) ? i + 2 : i + 1;
        work.push_back(2 * after);
        // "**/" also matches no directory at all.
        if (is_globstar(i) && after < n && p[after] == '/') work.push_back(2 * (after + 1));
      }
    }
  };
  add(current, 0);
  for (const char c : s) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t st = 0; st < current.size(); ++st) {
      const std::size_t i = st / 2;
      if (!current[st] || st == 2 * n) continue;
      if (st % 2 == 1 || is_globstar(i)) {
        add(next, 2 * i + 1);  // "**" consumes any character, '/' included
      } else if (p[i] == '*') {
        if (c != '/') add(next, st);
      } else if (p[i] == '?') {
        if (c != '/') add(next, 2 * (i + 1));
      } else if (p[i] == '[') {
        bool matched = false;
        std::size_t after = i;
        if (MatchClass(p, &after, c, &matched)) {
          if (matched) add(next, 2 * after);
        } else if (c == '[') {
          add(next, 2 * (i + 1));  // an unterminated '[' is a literal
        }
      } else if (p[i] == c) {
        add(next, 2 * (i + 1));
      }
    }
    current.swap(next);
    if (std::find(current.begin(), current.end(), 1) == current.end()) return false;
  }
  return current[2 * n];
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return false;
  std::string p(pattern);
  if (p.front() == '/') p.erase(0, 1);
  if (!p.empty() && p.back() == '/') p += "**";
  if (p.find('/') == std::string::npos) {
    const std::size_t slash = path.rfind('/');
    return Match(p, slash == std::string_view::npos ? path : path.substr(slash + 1));
  }
  return Match(p, path);
}

bool IsSelected(const SourceConfig& config, std::string_view path) {
  const auto matches = [&](const std::string& g) { return GlobMatch(g, path); };
  return std::any_of(config.include.begin(), config.include.end(), matches) &&
         std::none_of(config.exclude.begin(), config.exclude.end(), matches);
}

}  // namespace kb::internal
