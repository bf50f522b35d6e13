// Helpers for the indexer tests: temporary trees, writing files, and running the real kb-index binary.
#ifndef KB_TESTS_INDEXER_INDEXER_TEST_UTIL_H_
#define KB_TESTS_INDEXER_INDEXER_TEST_UTIL_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
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

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
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

struct ProcessResult {
  int exit_code = -1;  // -1: did not exit normally
  std::string out;
  std::string err;
};

#ifdef KB_INDEX_BINARY
// A child process running kb-index with stdout and stderr piped back; killed and reaped on destruction.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) std::abort();
    std::vector<char*> argv;
    std::string binary = KB_INDEX_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out_pipe[1], STDOUT_FILENO);
      dup2(err_pipe[1], STDERR_FILENO);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  // The next stdout line (without '\n'); false at end of output or after `timeout`.
  bool ReadLine(std::string* line, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (const std::size_t nl = out_buffer_.find('\n'); nl != std::string::npos) {
        *line = out_buffer_.substr(0, nl);
        out_.append(out_buffer_, 0, nl + 1);
        out_buffer_.erase(0, nl + 1);
        return true;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd{out_fd_, POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) return false;
      out_buffer_.append(buf, static_cast<std::size_t>(n));
    }
  }

  void Kill() { kill(pid_, SIGKILL); }

  // Waits for exit (killing the child after `timeout`), draining both pipes.
  ProcessResult Wait(std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool out_open = out_fd_ >= 0, err_open = err_fd_ >= 0;
    while (out_open || err_open) {
      pollfd fds[2] = {{out_open ? out_fd_ : -1, POLLIN, 0}, {err_open ? err_fd_ : -1, POLLIN, 0}};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        kill(pid_, SIGKILL);
        ADD_FAILURE() << "kb-index did not finish in time";
        break;
      }
      if (poll(fds, 2, static_cast<int>(left.count())) < 0) break;
      char buf[4096];
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) {
          (i == 0 ? out_open : err_open) = false;
        } else {
          (i == 0 ? out_buffer_ : err_).append(buf, static_cast<std::size_t>(n));
        }
      }
    }
    int status = 0;
    if (!reaped_) {
      waitpid(pid_, &status, 0);
      reaped_ = true;
      status_ = status;
    }
    result.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
    result.out = out_ + out_buffer_;
    result.err = err_;
    return result;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string out_, out_buffer_, err_;
};

// Runs kb-index to completion.
inline ProcessResult RunKbIndex(const std::vector<std::string>& args) {
  Child child(args);
  return child.Wait();
}
#endif  // KB_INDEX_BINARY

}  // namespace kb::testing

#endif  // KB_TESTS_INDEXER_INDEXER_TEST_UTIL_H_
