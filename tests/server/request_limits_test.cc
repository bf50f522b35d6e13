// kb-server's limits on a request's head, over raw sockets on loopback: a request line over 8 KiB is answered
// 414 and a head over its limits 431, with the answer delivered before the connection closes even while the
// client is still uploading megabytes; heads under the limits, pipelined requests and bodies are served as
// before.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "server_test_util.h"

namespace kb::testing {
namespace {

class RequestLimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    BuildDbFromDir(dir_->Sub("db"), FixtureDir());
    server_ = new ServerProcess(dir_->Sub("server.log"));
    ASSERT_TRUE(server_->Start({"--db", dir_->Sub("db"), "--threads", "2", "--access-log", "off"}));
  }
  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_->child().Stop(), 0) << server_->Log();
    }
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }

  static std::string Send(const std::string& bytes) {
    return RawRequest(server_->port(), bytes, std::chrono::seconds(20));
  }

  // The gate's answer to a head over a limit: the status, a JSON error with a code, and a closed connection.
  static void ExpectRefused(const std::string& response, int status, const std::string& code) {
    EXPECT_EQ(RawStatus(response), status) << response.substr(0, 300);
    EXPECT_NE(response.find("Connection: close"), std::string::npos) << response.substr(0, 300);
    EXPECT_NE(response.find("{\"error\":{\"code\":\"" + code + "\""), std::string::npos) << response.substr(0, 300);
  }

  static void ExpectStillServing() {
    const std::string ok = Send("GET /api/search?q=password HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(RawStatus(ok), 200) << ok.substr(0, 300);
  }

  // A connected socket to the server whose reads give up after 20 s, or -1.
  static int Connect() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    ::close(fd);
    return -1;
  }

  // Sends `bytes` and reads until the server closes the connection (every response, for pipelined requests).
  static std::string SendAndReadToClose(const std::string& bytes) {
    const int fd = Connect();
    if (fd < 0) return "";
    std::string out;
    if (::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
      char buf[4096];
      for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};

TempDir* RequestLimitsTest::dir_ = nullptr;
ServerProcess* RequestLimitsTest::server_ = nullptr;

TEST_F(RequestLimitsTest, TwoMegabyteQueryStringGets414) {
  const std::string q(2u << 20, 'a');
  ExpectRefused(Send("GET /api/search?q=" + q + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri_too_long");
  // Refused at the limit, before the line ends: the same with a line that never ends.
  ExpectRefused(Send("GET /api/search?q=" + std::string(20000, 'b')), 414, "uri_too_long");
  EXPECT_GE(Metric(*server_, "kb_http_requests_total{route=\"invalid\",method=\"none\",status=\"414\"}"), 2);
  ExpectStillServing();
}

TEST_F(RequestLimitsTest, RequestLineJustUnderTheLimitIsParsedAsUsual) {
  // 8192 bytes with its CRLF: the gate lets it through, and the route check answers (the path is longer
  // than any route).
  const std::string head = "GET /";
  const std::string tail = " HTTP/1.1\r\n";
  const std::string line = head + std::string(8192 - head.size() - tail.size(), 'p') + tail;
  ASSERT_EQ(line.size(), 8192u);
  const std::string r = Send(line + "Host: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(RawStatus(r), 414) << r.substr(0, 300);
  EXPECT_NE(r.find("X-Request-Id"), std::string::npos) << "answered by the routes, not the gate: " << r.substr(0, 300);
}

TEST_F(RequestLimitsTest, HugeHeaderGets431) {
  ExpectRefused(
      Send("GET /api/search?q=password HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1u << 20, 'h') + "\r\n\r\n"), 431,
      "headers_too_large");
  // One header line over 8 KiB, in a head that is complete and small overall.
  ExpectRefused(Send("GET /api/search?q=password HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'h') +
                     "\r\nConnection: close\r\n\r\n"),
                431, "headers_too_large");
  // Many short lines that add up to more than 32 KiB.
  std::string many = "GET /api/search?q=password HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 400; ++i) many += "X-Header-" + std::to_string(i) + ": " + std::string(100, 'v') + "\r\n";
  ExpectRefused(Send(many + "\r\n"), 431, "headers_too_large");
  EXPECT_GE(Metric(*server_, "kb_http_requests_total{route=\"invalid\",method=\"none\",status=\"431\"}"), 3);
  ExpectStillServing();
}

TEST_F(RequestLimitsTest, LargeHeadsUnderTheLimitsAreServed) {
  std::string head = "GET /api/search?q=password HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  for (int i = 0; i < 3; ++i) head += "X-Large-" + std::to_string(i) + ": " + std::string(8000, 'v') + "\r\n";
  const std::string r = Send(head + "\r\n");
  EXPECT_EQ(RawStatus(r), 200) << r.substr(0, 300);
  EXPECT_NE(r.find("\"results\""), std::string::npos) << r.substr(0, 300);
}

TEST_F(RequestLimitsTest, PipelinedRequestsAndBodiesAreServed) {
  // Two requests in one write on a kept-alive connection; the second asks to close, so the connection ends
  // after its answer.
  const std::string both = SendAndReadToClose(
      "GET /api/search?q=password HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/search?q=refund HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(RawStatus(both), 200) << both.substr(0, 300);
  const std::size_t second = both.find("HTTP/1.1 ", 1);
  ASSERT_NE(second, std::string::npos) << "one answer only: " << both.substr(0, 300);
  EXPECT_EQ(RawStatus(both.substr(second)), 200) << both.substr(second, 300);
  EXPECT_EQ(both.find("HTTP/1.1 ", second + 1), std::string::npos);

  const std::string body = R"({"kind":"no_answer","query":"zebra invoices"})";
  const std::string post = Send(
      "POST /api/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(RawStatus(post), 202) << post.substr(0, 300);
  ExpectStillServing();
}

// A client that asks "Expect: 100-continue" gets the interim answer before it sends the body (the server
// gathers what it writes into one send per response, and must not hold this one back), then the answer.
TEST_F(RequestLimitsTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  const int fd = Connect();
  ASSERT_GE(fd, 0);
  const std::string body = R"({"kind":"no_answer","query":"expect continue"})";
  const std::string head =
      "POST /api/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  std::string interim;
  char buf[4096];
  while (interim.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0) << "no interim answer before the body: " << interim;
    interim.append(buf, static_cast<std::size_t>(n));
  }
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue", 0), 0u) << interim;
  ASSERT_EQ(::send(fd, body.data(), body.size(), MSG_NOSIGNAL), static_cast<ssize_t>(body.size()));
  std::string response = interim.substr(interim.find("\r\n\r\n") + 4);
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  EXPECT_EQ(RawStatus(response), 202) << response;
}

// One kept-alive connection is served request after request, past the 20 at which the server used to close
// it: the next request sent at once (a worker waiting on the connection reads it), after a pause (it goes
// back to the gate), in two pieces with a pause between (the worker reads half a head and hands it to the
// gate), and two requests in one packet. No response says Connection: close.
TEST_F(RequestLimitsTest, AKeptAliveConnectionServesRequestsHoweverTheyArrive) {
  const int fd = Connect();
  ASSERT_GE(fd, 0);
  std::string pending;  // bytes read past the last response
  auto send_all = [&](const std::string& bytes) {
    return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  };
  // One whole response (head and the body its Content-Length announces), or "" when the connection ends.
  auto read_response = [&]() -> std::string {
    char buf[4096];
    for (;;) {
      const std::size_t end = pending.find("\r\n\r\n");
      if (end != std::string::npos) {
        const std::size_t at = pending.find("Content-Length: ");
        const std::size_t length = at < end ? std::stoul(pending.substr(at + 16)) : 0;
        if (pending.size() >= end + 4 + length) {
          std::string response = pending.substr(0, end + 4 + length);
          pending.erase(0, end + 4 + length);
          return response;
        }
      }
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return "";
      pending.append(buf, static_cast<std::size_t>(n));
    }
  };
  int served = 0;
  auto expect_served = [&](const std::string& response) {
    EXPECT_EQ(RawStatus(response), 200) << "request " << served << ": " << response.substr(0, 300);
    EXPECT_EQ(response.find("Connection: close"), std::string::npos) << "request " << served;
    EXPECT_NE(response.find("\"results\""), std::string::npos) << "request " << served;
    ++served;
  };
  for (int i = 0; i < 48 && !::testing::Test::HasFailure(); ++i) {
    const std::string request = "GET /api/search?q=password+" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    switch (i % 4) {
      case 0:  // at once
        ASSERT_TRUE(send_all(request));
        break;
      case 1:  // after the server has stopped waiting for it on the worker
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        ASSERT_TRUE(send_all(request));
        break;
      case 2:  // half a head, a pause, the rest
        ASSERT_TRUE(send_all(request.substr(0, 20)));
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        ASSERT_TRUE(send_all(request.substr(20)));
        break;
      case 3:  // two requests in one packet
        ASSERT_TRUE(send_all(request + request));
        expect_served(read_response());
        break;
    }
    expect_served(read_response());
  }
  ::close(fd);
  EXPECT_EQ(served, 60);
}

}  // namespace
}  // namespace kb::testing
