// The commit a source was indexed at, read from the git files of its working tree.
#ifndef KB_SRC_GIT_COMMIT_H_
#define KB_SRC_GIT_COMMIT_H_

#include <string>

namespace kb::internal {

// HEAD commit of the git working tree containing `dir` (found by walking up to a `.git` directory or
// `gitdir:` file), read from the git files without running git; "" if none or unreadable.
std::string DetectGitCommit(const std::string& dir);

}  // namespace kb::internal

#endif  // KB_SRC_GIT_COMMIT_H_
