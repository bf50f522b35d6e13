// Selecting a source's files: glob matching, the directory walk, and git commit detection.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "kb/source.h"
#include "text.h"

namespace kb {
namespace {

namespace fs = std::filesystem;

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

std::string ReadFirstLine(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  return std::string(internal::Trim(line));
}

bool IsHexId(std::string_view s) {
  if (s.size() != 40 && s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Resolves a ref name ("refs/heads/main") in a git directory: loose ref files, then packed-refs.
std::string ResolveRef(const fs::path& git_dir, const fs::path& common_dir, std::string ref, int depth = 0) {
  if (depth > 5) return "";
  for (const fs::path& dir : {git_dir, common_dir}) {
    const std::string line = ReadFirstLine(dir / ref);
    if (line.rfind("ref:", 0) == 0) return ResolveRef(git_dir, common_dir, std::string(internal::Trim(line.substr(4))), depth + 1);
    if (IsHexId(line)) return line;
  }
  std::ifstream packed(common_dir / "packed-refs");
  for (std::string line; std::getline(packed, line);) {
    if (line.empty() || line[0] == '#' || line[0] == '^') continue;
    const std::size_t space = line.find(' ');
    if (space != std::string::npos && std::string_view(line).substr(space + 1) == ref &&
        IsHexId(std::string_view(line).substr(0, space))) {
      return line.substr(0, space);
    }
  }
  return "";
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

std::string DetectGitCommit(const std::string& dir) {
  try {
    std::error_code ec;
    for (fs::path d = fs::absolute(dir, ec); !d.empty(); d = d.parent_path()) {
      const fs::path dot_git = d / ".git";
      fs::path git_dir;
      if (fs::is_directory(dot_git, ec)) {
        git_dir = dot_git;
      } else if (fs::is_regular_file(dot_git, ec)) {
        // Worktrees and submodules: ".git" is a file "gitdir: <path>".
        const std::string line = ReadFirstLine(dot_git);
        if (line.rfind("gitdir:", 0) != 0) return "";
        git_dir = fs::path(std::string(internal::Trim(line.substr(7))));
        if (git_dir.is_relative()) git_dir = d / git_dir;
      }
      if (!git_dir.empty()) {
        fs::path common_dir = git_dir;
        if (const std::string common = ReadFirstLine(git_dir / "commondir"); !common.empty()) {
          common_dir = fs::path(common).is_relative() ? git_dir / common : fs::path(common);
        }
        const std::string head = ReadFirstLine(git_dir / "HEAD");
        if (IsHexId(head)) return head;  // detached HEAD
        if (head.rfind("ref:", 0) != 0) return "";
        return ResolveRef(git_dir, common_dir, std::string(internal::Trim(head.substr(4))));
      }
      if (d == d.parent_path()) break;
    }
  } catch (const std::exception&) {
    // An unreadable .git only means the commit is unknown.
  }
  return "";
}

Result<ScanResult> ScanSource(const Source& source) {
  try {
    ScanResult out;
    std::error_code ec;
    const fs::path root(source.real_root);
    fs::directory_iterator probe(root, ec);
    if (ec) return Status::IoError(source.root + ": cannot read directory: " + ec.message());

    std::vector<std::string> pending = {""};  // directories relative to the root
    while (!pending.empty()) {
      const std::string rel_dir = pending.back();
      pending.pop_back();
      std::vector<std::pair<std::string, fs::directory_entry>> entries;
      for (fs::directory_iterator it(root / rel_dir, ec), end; !ec && it != end; it.increment(ec)) {
        entries.emplace_back(it->path().filename().string(), *it);
      }
      if (ec) {
        out.skipped.push_back({source.name, rel_dir, "cannot read directory: " + ec.message()});
        ec.clear();
        continue;
      }
      for (const auto& [name, entry] : entries) {
        const std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
        if (name.front() == '.') {
          if (!entry.is_directory(ec)) ++out.ignored;
          continue;
        }
        if (entry.is_symlink(ec)) {
          if (entry.is_directory(ec) || !entry.is_regular_file(ec) || !IsSelected(source.config, rel)) {
            ++out.ignored;  // directory links are not followed: they can form cycles or leave the tree
            continue;
          }
          const std::string target = fs::canonical(entry.path(), ec).string();
          if (ec || target.rfind(source.real_root + "/", 0) != 0) {
            out.skipped.push_back({source.name, rel, "symbolic link to a file outside the source (not read)"});
            ec.clear();
            continue;
          }
        } else if (entry.is_directory(ec)) {
          pending.push_back(rel);
          continue;
        }
        if (!entry.is_regular_file(ec) || !IsSelected(source.config, rel)) {
          ++out.ignored;
          continue;
        }
        const std::uintmax_t size = entry.file_size(ec);
        out.files.push_back({rel, ec ? 0 : static_cast<std::uint64_t>(size)});
        ec.clear();
      }
    }
    std::sort(out.files.begin(), out.files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    return out;
  } catch (const std::exception& e) {
    return Status::Internal(source.root + ": scanning failed: " + e.what());
  }
}

}  // namespace kb
