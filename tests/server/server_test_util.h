// Helpers for tests/server: a test database built from tests/data/server, kb-server as a child process
// (ServerProcess, killed when the test ends, even on failure), its log lines and raw HTTP requests.
#ifndef KB_TESTS_SERVER_SERVER_TEST_UTIL_H_
#define KB_TESTS_SERVER_SERVER_TEST_UTIL_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
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

// A valid article of payments-team with an explicit id; `extra` holds more front matter lines ("key: value\n").
inline std::string Article(const std::string& id, const std::string& title, const std::string& text,
                           const std::string& extra = "") {
  return "---\nid: " + id + "\ntitle: " + title + "\nkind: article\nowner: payments-team\ntier: L1\n" + extra +
         "---\n# " + title + "\n\n" + text + "\n";
}

#ifdef KB_INDEX_BINARY
// Runs `kb-index COMMAND DOCS --db DB -q` to its end (60 s at most), its output appended to `log_path`.
inline ::testing::AssertionResult RunKbIndex(const std::string& command, const std::string& docs, const std::string& db,
                                             const std::string& log_path) {
  Child indexer;
  if (!indexer.Start({KB_INDEX_BINARY, command, docs, "--db", db, "-q"}, log_path)) {
    return ::testing::AssertionFailure() << "fork failed";
  }
  const int code = indexer.Wait(std::chrono::seconds(60));
  if (code != 0) {
    return ::testing::AssertionFailure() << "kb-index " << command << " exit " << code << ":\n" << ReadFile(log_path);
  }
  return ::testing::AssertionSuccess();
}
#endif  // KB_INDEX_BINARY

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
    bool exited = false;
    const ::testing::AssertionResult listening = WaitFor(
        [&] {
          for (const json& j : LogLines(child_.Log(), "listening")) port_ = j.value("port", 0);
          exited = port_ == 0 && !child_.running();
          return port_ > 0 || exited;
        },
        std::chrono::seconds(20), "kb-server to log \"listening\"");
    if (listening && !exited) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << (exited ? "kb-server exited" : listening.message()) << "; its log:\n"
                                         << child_.Log();
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
inline std::string RawRequest(int port, const std::string& bytes,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
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

// True when the server end of the loopback connection `fd` has been accepted (it has a socket inode) and has
// read everything sent on it so far (no unread bytes), according to /proc/net/tcp.
inline bool ServerHasRead(int fd) {
  sockaddr_in client{}, server{};
  socklen_t len = sizeof client;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&client), &len) != 0) return false;
  len = sizeof server;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&server), &len) != 0) return false;
  auto port = [](const std::string& address) {  // "0100007F:1F90"
    const std::size_t colon = address.find(':');
    return colon == std::string::npos ? -1 : std::stoi(address.substr(colon + 1), nullptr, 16);
  };
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    if (state != "01" || port(local) != ntohs(server.sin_port) || port(remote) != ntohs(client.sin_port)) continue;
    const unsigned long unread = std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16);
    return inode != "0" && unread == 0;
  }
  return false;
}

// One sample from the server's /metrics (the first line that starts with `series` and a space), -1 when
// missing.
inline double Metric(const ServerProcess& server, const std::string& series) {
  const std::string text = RawRequest(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::atof(line.c_str() + series.size() + 1);
  }
  return -1;
}

inline int RawStatus(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

}  // namespace kb::testing

#endif  // KB_TESTS_SERVER_SERVER_TEST_UTIL_H_
