// DetectGitCommit: HEAD, loose refs and packed-refs read as files, so indexing needs no git binary.
#include "git_commit.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "text.h"

namespace kb::internal {
namespace {

namespace fs = std::filesystem;

std::string ReadFirstLine(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  return std::string(Trim(line));
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
    if (line.rfind("ref:", 0) == 0)
      return ResolveRef(git_dir, common_dir, std::string(Trim(line.substr(4))), depth + 1);
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
        git_dir = fs::path(std::string(Trim(line.substr(7))));
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
        return ResolveRef(git_dir, common_dir, std::string(Trim(head.substr(4))));
      }
      if (d == d.parent_path()) break;
    }
  } catch (const std::exception&) {
    // An unreadable .git only means the commit is unknown.
  }
  return "";
}

}  // namespace kb::internal
