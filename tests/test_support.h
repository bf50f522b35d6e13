// Helpers every test area shares: a temporary directory, whole-file reads and writes, Contains, a free
// loopback port, waiting on a condition with a deadline (WaitFor), and child processes (Child, also Xapian's
// own servers with own_group). Included by each area's own helper header (tests/libkb/test_util.h,
// tests/indexer/indexer_test_util.h, tests/server/server_test_util.h) as "../test_support.h".
#ifndef KB_TESTS_TEST_SUPPORT_H_
#define KB_TESTS_TEST_SUPPORT_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace kb::testing {

// A fresh directory under the system temp dir, removed (with everything in it) with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kb-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `text` to `path` (creating its directories), replacing what was there.
inline void WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A command line's arguments joined by spaces, for failure messages.
inline std::string Joined(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += a + " ";
  return out;
}

// A loopback port that was free a moment ago (the kernel's choice for port 0), for programs that cannot
// report the port they picked.
inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// True when something accepts TCP connections on 127.0.0.1:`port`.
inline bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Polls `done` (every `poll`) until it returns true or `timeout` passes. Tests wait on the condition they
// need instead of sleeping and hoping; the result names what did not happen in time:
//   ASSERT_TRUE(WaitFor([&] { return Accepts(port); }, std::chrono::seconds(10), "the server to listen"));
template <typename Pred>
[[nodiscard]] ::testing::AssertionResult WaitFor(Pred&& done, std::chrono::milliseconds timeout,
                                                 const std::string& what = "the condition",
                                                 std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return ::testing::AssertionFailure() << "waited " << timeout.count() << " ms for " << what << " in vain";
    }
    std::this_thread::sleep_for(poll);
  }
  return ::testing::AssertionSuccess();
}

// Waits until 127.0.0.1:`port` accepts a connection.
[[nodiscard]] inline ::testing::AssertionResult WaitForPort(int port, std::chrono::milliseconds timeout) {
  return WaitFor([port] { return Accepts(port); }, timeout, "127.0.0.1:" + std::to_string(port) + " to accept");
}

// How a Child is started.
struct ChildOptions {
  // stdout and stderr are appended to this file. When empty, both are piped back to the test (ReadLine, Out,
  // Err); Wait keeps draining them, so a chatty child never blocks on a full pipe unless the test wants it to.
  std::string log_path;
  // Set in the child, after every KB_* variable of the test's own environment has been removed (the programs
  // read KB_* settings; nothing leaks in from the shell that runs the tests).
  std::map<std::string, std::string> env;
  // The child leads a process group of its own, and signals (also the final SIGKILL) go to the whole group:
  // xapian-tcpsrv and xapian-replicate-server fork one process per connection, which must die with them.
  bool own_group = false;
  // When >= 0, the child's stderr (a pseudo-terminal, say) instead of the pipe or the log file.
  int stderr_fd = -1;
};

// What a finished child did. exit_code: its exit status, 128 + the signal that killed it, or -1 if it did not
// finish in time.
struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A child process: a program (Start) or a function of this test (Run), with stdin from /dev/null. It is
// SIGKILLed and reaped when the object goes, also when an assertion fails, and by the kernel if the test
// process dies first (a ctest timeout runs no destructor).
class Child {
 public:
  Child() = default;
  Child(const std::vector<std::string>& argv, ChildOptions options) { Start(argv, std::move(options)); }
  ~Child() {
    Kill();
    for (int* fd : {&out_fd_, &err_fd_}) CloseFd(fd);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Runs argv[0] (a path) with argv; false if the process could not be created. Nothing but
  // async-signal-safe calls runs between fork and exec: the test may have threads.
  bool Start(const std::vector<std::string>& argv, ChildOptions options) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "KB_", 3) != 0) env_strings.emplace_back(*e);
    }
    for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
    std::vector<char*> args, envp;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    args.push_back(nullptr);
    envp.push_back(nullptr);
    name_ = argv.empty() ? "" : argv[0];
    return Spawn(options, [&] { ::execve(args[0], args.data(), envp.data()); });
  }
  bool Start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::map<std::string, std::string>& env = {}) {
    return Start(argv, ChildOptions{.log_path = log_path, .env = env});
  }

  // Runs `body` in a forked copy of this process, which exits with its result. Only for a test that has no
  // other thread at the time (the copy has just this one).
  bool Run(const std::function<int()>& body, ChildOptions options = {}) {
    name_ = "forked child";
    return Spawn(options, [&] { ::_exit(body()); });
  }

  bool started() const { return pid_ > 0 || reaped_; }
  pid_t pid() const { return pid_; }

  // True until the child has exited (reaping it then).
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
    status_ = status;
    reaped_ = true;
    pid_ = -1;
    return false;
  }

  // Sends `sig` to the child (to its group with own_group).
  void Signal(int sig) {
    if (pid_ > 0) ::kill(own_group_ ? -pid_ : pid_, sig);
  }

  // Waits up to `timeout` for the child to exit, draining its pipes meanwhile; returns its exit code (128 +
  // signal if killed) or -1 if it is still running.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() >= deadline) return -1;
      Pump(10);
    }
    // What it wrote just before it exited; a process it forked may hold the pipe open, so not past the deadline.
    while ((out_fd_ >= 0 || err_fd_ >= 0) && std::chrono::steady_clock::now() < deadline) Pump(10);
    if (!reaped_) return -1;  // never started
    if (WIFEXITED(status_)) return WEXITSTATUS(status_);
    if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
    return -1;
  }

  // Sends `sig`, then waits like Wait.
  int Stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    Signal(sig);
    return Wait(timeout);
  }

  // SIGKILL (to the group with own_group), then reaps.
  void Kill() {
    if (pid_ <= 0) return;
    if (own_group_) Signal(SIGCONT);  // a stopped group (Signal(SIGSTOP)) gets the kill at once
    Signal(SIGKILL);
    if (Wait(std::chrono::seconds(10)) == -1 && pid_ > 0 && ::waitpid(pid_, &status_, 0) == pid_) {
      reaped_ = true;
      pid_ = -1;
    }
  }

  // Waits for the child to finish; past `timeout` that is a test failure, and the child is killed.
  ProcessResult Finish(std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    ProcessResult result;
    result.exit_code = Wait(timeout);
    if (result.exit_code == -1 && pid_ > 0) {
      ADD_FAILURE() << name_ << " did not finish within " << timeout.count() << " ms";
      Kill();
    }
    result.out = out_;
    result.err = err_;
    return result;
  }

  // The next line of the piped stdout (without '\n'); false at its end or after `timeout`.
  bool ReadLine(std::string* line, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const std::size_t nl = out_.find('\n', line_start_); nl != std::string::npos) {
        *line = out_.substr(line_start_, nl - line_start_);
        line_start_ = nl + 1;
        return true;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (out_fd_ < 0 || left.count() <= 0) return false;
      Pump(static_cast<int>(left.count()));
    }
  }

  // Everything the child wrote so far: to the log file, or to the piped stdout and stderr.
  std::string Log() const { return log_path_.empty() ? out_ + err_ : ReadFile(log_path_); }
  const std::string& Out() const { return out_; }
  const std::string& Err() const { return err_; }

 private:
  template <typename Exec>
  bool Spawn(const ChildOptions& options, Exec&& exec) {
    Kill();
    for (int* fd : {&out_fd_, &err_fd_}) CloseFd(fd);
    out_.clear();
    err_.clear();
    line_start_ = 0;
    reaped_ = false;
    log_path_ = options.log_path;
    own_group_ = options.own_group;
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    int log_fd = -1;
    if (log_path_.empty()) {
      if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) return false;
    } else {
      log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (log_fd < 0) return false;
    }
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      if (options.own_group) ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the test died before prctl
      ::dup2(null_fd, STDIN_FILENO);
      ::dup2(log_fd >= 0 ? log_fd : out_pipe[1], STDOUT_FILENO);
      ::dup2(options.stderr_fd >= 0 ? options.stderr_fd : log_fd >= 0 ? log_fd : err_pipe[1], STDERR_FILENO);
      exec();
      ::_exit(127);
    }
    // Also here, so that a signal sent right away reaches the group.
    if (pid_ > 0 && options.own_group) ::setpgid(pid_, pid_);
    for (int fd : {out_pipe[1], err_pipe[1], log_fd, null_fd}) {
      if (fd >= 0) ::close(fd);
    }
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    if (pid_ < 0) {
      for (int* fd : {&out_fd_, &err_fd_}) CloseFd(fd);
      return false;
    }
    return true;
  }

  // Reads what the pipes hold, waiting up to `timeout_ms` for something to arrive.
  void Pump(int timeout_ms) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) <= 0) return;
    char buf[4096];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        CloseFd(i == 0 ? &out_fd_ : &err_fd_);
      }
    }
  }

  static void CloseFd(int* fd) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  bool own_group_ = false;
  std::string name_, log_path_;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  std::size_t line_start_ = 0;
};

}  // namespace kb::testing

#endif  // KB_TESTS_TEST_SUPPORT_H_
