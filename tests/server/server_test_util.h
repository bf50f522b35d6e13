// Helpers for tests/server: temporary directories, a test database built from tests/data/server, and
// child processes (kb-server, chromedriver) that are always killed when the test ends, even on failure.
#ifndef KB_TESTS_SERVER_SERVER_TEST_UTIL_H_
#define KB_TESTS_SERVER_SERVER_TEST_UTIL_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../test_support.h"
#include "kb/kb.h"

namespace kb::testing {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string FixtureDir() { return std::string(KB_TEST_DATA) + "/server"; }

inline Item MustParse(const std::string& path, const std::string& text) {
  Result<Item> item = ParseItem(path, text);
  EXPECT_TRUE(item.ok()) << path << ": " << item.status().ToString();
  if (!item.ok()) return Item{};
  item->source = "test";
  return std::move(item).value();
}

// Indexes every Markdown file under `root` into `db` (created if missing).
inline void BuildDbFromDir(const std::string& db, const std::string& root) {
  auto writer = IndexWriter::Open(db, {});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".md") continue;
    const std::string rel = fs::relative(entry.path(), root).generic_string();
    Item item = MustParse(rel, ReadFile(entry.path().string()));
    ASSERT_FALSE(item.id.empty()) << rel;
    ASSERT_TRUE((*writer)->Upsert(item).ok()) << rel;
  }
  ASSERT_TRUE((*writer)->Commit().ok());
}

// A child process with stdout and stderr in a file; SIGKILLed if still running when destroyed, and by the
// kernel if this test process dies first.
class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() { Kill(); }

  bool Start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::map<std::string, std::string>& env = {}, bool clear_kb_env = true) {
    log_path_ = log_path;
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      const int null = ::open("/dev/null", O_RDONLY);
      if (null >= 0) ::dup2(null, 0);
      // The server reads KB_* variables; tests set what they need and nothing leaks in from outside.
      if (clear_kb_env) {
        for (const char* name : {"KB_DB", "KB_HOST", "KB_PORT", "KB_TOKEN", "KB_TOKEN_FILE", "KB_THREADS", "KB_WEB_ROOT",
                                 "KB_CONFIG", "KB_ALLOW_PUBLIC", "KB_ACCESS_LOG", "KB_RATE_LIMIT"}) {
          ::unsetenv(name);
        }
      }
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    return true;
  }

  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) return true;
    if (r == pid_) exit_status_ = status;
    pid_ = -1;
    return false;
  }

  // Sends `sig` and waits up to `timeout`; returns the exit code (128+signal if killed), -1 on timeout.
  int Stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (pid_ > 0) ::kill(pid_, sig);
    return Wait(timeout);
  }

  int Wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (WIFEXITED(exit_status_)) return WEXITSTATUS(exit_status_);
    if (WIFSIGNALED(exit_status_)) return 128 + WTERMSIG(exit_status_);
    return -1;
  }

  void Kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  pid_t pid() const { return pid_; }
  std::string Log() const { return ReadFile(log_path_); }

 private:
  pid_t pid_ = -1;
  int exit_status_ = 0;
  std::string log_path_;
};

// The JSON log lines of a kb-server log with "msg" == msg.
inline std::vector<json> LogLines(const std::string& log, const std::string& msg = "") {
  std::vector<json> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && (msg.empty() || j.value("msg", "") == msg)) out.push_back(j);
  }
  return out;
}

// kb-server on 127.0.0.1 and a free port (the server picks it and logs it).
class ServerProcess {
 public:
  explicit ServerProcess(std::string log_path) : log_path_(std::move(log_path)) {}

  // Starts `kb-server --host 127.0.0.1 --port 0 ARGS...` and waits until it listens.
  ::testing::AssertionResult Start(const std::vector<std::string>& args,
                                   const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv = {KB_SERVER_BINARY, "--host", "127.0.0.1", "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    if (!child_.Start(argv, log_path_, env)) return ::testing::AssertionFailure() << "fork failed";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const json& j : LogLines(child_.Log(), "listening")) port_ = j.value("port", 0);
      if (port_ > 0) return ::testing::AssertionSuccess();
      if (!child_.running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return ::testing::AssertionFailure() << "kb-server did not start; its log:\n" << child_.Log();
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::unique_ptr<httplib::Client> Client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_connection_timeout(5);
    c->set_read_timeout(20);
    c->set_write_timeout(20);
    // httplib writes a POST's headers and body apart; without this, Nagle's algorithm waits for the
    // server's delayed ACK (40 ms) before sending the body.
    c->set_tcp_nodelay(true);
    return c;
  }
  Child& child() { return child_; }
  std::string Log() const { return child_.Log(); }

 private:
  std::string log_path_;
  Child child_;
  int port_ = 0;
};

// Sends raw bytes and returns everything the server answers until it closes or `timeout` passes.
inline std::string RawRequest(int port, const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    // Read one response: until the server closes, or the body announced by Content-Length is complete.
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) {
      out.append(buf, static_cast<std::size_t>(n));
      const std::size_t end = out.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      std::string head = out.substr(0, end);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::size_t cl = head.find("\r\ncontent-length:");
      if (cl != std::string::npos && out.size() >= end + 4 + std::stoul(head.substr(cl + 17))) break;
    }
  }
  ::close(fd);
  return out;
}

inline int RawStatus(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

}  // namespace kb::testing

#endif  // KB_TESTS_SERVER_SERVER_TEST_UTIL_H_
