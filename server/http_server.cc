#include "http_server.h"

#include <netdb.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "rejecter.h"

// The gate relies on how 0.11.4 accepts, queues and serves a connection, not only on its declarations:
// moving to another version means going through HTTPLIB_UPGRADE.md first (CMake checks the same pin).
static_assert(std::string_view(CPPHTTPLIB_VERSION) == KB_HTTPLIB_PINNED_VERSION,
              "kb-server's admission gate is written against cpp-httplib " KB_HTTPLIB_PINNED_VERSION
              ", but this build sees " CPPHTTPLIB_VERSION ": see server/HTTPLIB_UPGRADE.md");

namespace kb::server {

using Clock = std::chrono::steady_clock;

namespace {

// Connections waiting for their request, at most; more are answered 503. Each buffers at most kMaxBuffered
// bytes, so the gate's memory stays under 16 MB.
constexpr std::size_t kMaxWaiting = 512;
// A request (head and body) that fills this goes to a worker as it is, which reads the rest of the body
// against the deadline, or answers 413 for one over the payload limit. kb's API bodies are a few hundred
// bytes. A head must end within it (else 431).
constexpr std::size_t kMaxBuffered = 32768;
// The request line and each header line, with their CRLF; httplib 0.11.4 has the same limits
// (CPPHTTPLIB_REQUEST_URI_MAX_LENGTH, CPPHTTPLIB_HEADER_MAX_LENGTH) but answers 400 to a long header line,
// and reads a long request line whole before answering 414.
constexpr std::size_t kMaxRequestLine = 8192;
constexpr std::size_t kMaxHeaderLine = 8192;

// A connection's two ends as text, looked up once (httplib asks for them on every request).
struct Ends {
  bool known[2] = {false, false};  // [0] the client's, [1] ours
  std::string ip[2];
  int port[2] = {0, 0};
};

// A connection between requests: what the gate and the workers pass around.
struct Conn {
  int sock = -1;
  Ends ends;
  Clock::time_point deadline;  // the request must be complete by then
  std::string buffered;        // bytes read ahead of httplib: the request, maybe part of the next
  std::size_t requests_left = 0;
  bool fresh = true;  // no request served yet (an idle keep-alive close is not a cut)
};

// Where the request at the start of a connection's buffer stands.
enum class Head { kIncomplete, kReady, kUriTooLong, kTooLarge };

// Ready once the head and the body its Content-Length announces have arrived, or kMaxBuffered bytes of
// them; with "Expect: 100-continue", once the head has (the client waits for the interim answer). A line ends at LF
// (httplib wants CRLF and answers 400 otherwise); the head ends at an empty line.
Head Classify(std::string_view buf) {
  std::size_t at = buf.find('\n');
  if (at == std::string_view::npos) return buf.size() >= kMaxRequestLine ? Head::kUriTooLong : Head::kIncomplete;
  if (at + 1 > kMaxRequestLine) return Head::kUriTooLong;
  std::size_t content_length = 0;
  bool expect_continue = false;  // the client sends the body after the worker's "100 Continue"
  constexpr std::string_view kLength = "content-length:";
  constexpr std::string_view kExpect = "expect:";
  for (++at;;) {
    const std::size_t end = buf.find('\n', at);
    if (end == std::string_view::npos) {
      if (buf.size() - at >= kMaxHeaderLine || buf.size() >= kMaxBuffered) return Head::kTooLarge;
      return Head::kIncomplete;
    }
    const std::string_view line = buf.substr(at, end + 1 - at);
    if (line.size() > kMaxHeaderLine || end + 1 > kMaxBuffered) return Head::kTooLarge;
    at = end + 1;
    if (line == "\n" || line == "\r\n") break;
    if (line.size() > kLength.size() && ::strncasecmp(line.data(), kLength.data(), kLength.size()) == 0) {
      // Unreadable values count as 0: httplib answers them with 400 once the head is complete.
      std::size_t i = kLength.size(), n = 0;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        n = std::min<std::size_t>(n * 10 + static_cast<std::size_t>(line[i] - '0'), kMaxBuffered);
      }
      content_length = n;
    } else if (line.size() > kExpect.size() && ::strncasecmp(line.data(), kExpect.data(), kExpect.size()) == 0) {
      std::string_view value = line.substr(kExpect.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      expect_continue = value.size() >= 12 && ::strncasecmp(value.data(), "100-continue", 12) == 0;
    }
  }
  return expect_continue || buf.size() >= kMaxBuffered || buf.size() - at >= content_length ? Head::kReady
                                                                                            : Head::kIncomplete;
}

// Reads what has arrived on `c`, without waiting, into its buffer (up to kMaxBuffered); an idle kept-alive
// connection gets the request deadline from its request's first byte. Returns recv()'s result.
ssize_t ReadAhead(Conn& c, Clock::time_point now, Clock::duration request_deadline) {
  char chunk[4096];
  const std::size_t want = std::min(sizeof chunk, kMaxBuffered - std::min(kMaxBuffered, c.buffered.size()));
  const ssize_t n = ::recv(c.sock, chunk, std::max<std::size_t>(want, 1), MSG_DONTWAIT);
  if (n > 0) {
    if (c.buffered.empty() && !c.fresh) c.deadline = now + request_deadline;
    c.buffered.append(chunk, static_cast<std::size_t>(n));
  }
  return n;
}

int PollFor(int fd, short events, Clock::duration wait) {
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  pollfd p{fd, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(std::clamp<long long>(ms, 0, 1 << 30)));
  } while (r < 0 && errno == EINTR);
  return r;
}

// httplib::Stream over a connection that starts with the bytes the gate read ahead, and reads the rest
// against a deadline (httplib's own stream restarts its timeout on every recv()). Each read and each write
// must also complete within the I/O timeout. Writes are gathered (up to kMaxGathered bytes) and sent before
// the next read and by Flush() once the response is complete, so a response's head and body leave in one
// send() instead of two (httplib writes them separately).
class ConnStream final : public httplib::Stream {
 public:
  ConnStream(int sock, std::string ahead, Clock::time_point deadline, Clock::duration io_timeout, Ends* ends)
      : sock_(sock), buf_(std::move(ahead)), deadline_(deadline), io_timeout_(io_timeout), ends_(ends) {}

  bool expired() const { return expired_; }
  std::string TakeBuffered() { return buf_.substr(off_); }

  // Sends what was gathered. False when the client does not take it within the I/O timeout.
  bool Flush() {
    if (out_.empty()) return true;
    const bool sent = SendAll(out_.data(), out_.size());
    out_.clear();
    return sent;
  }

  bool is_readable() const override {
    if (off_ < buf_.size()) return true;
    const Clock::duration left = std::max(deadline_ - Clock::now(), Clock::duration::zero());
    const int r = PollFor(sock_, POLLIN, std::min(left, io_timeout_));
    if (r == 0 && left <= io_timeout_) expired_ = true;
    return r > 0;
  }

  bool is_writable() const override { return PollFor(sock_, POLLOUT, io_timeout_) > 0; }

  ssize_t read(char* ptr, size_t size) override {
    if (!Flush()) return -1;  // e.g. "100 Continue" before the body is read
    while (off_ >= buf_.size()) {
      if (!is_readable()) return -1;
      char chunk[4096];
      const ssize_t n = ::recv(sock_, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n == 0) return 0;
      if (n < 0 && errno != EAGAIN && errno != EINTR) return -1;
      if (n > 0) {
        buf_.assign(chunk, static_cast<std::size_t>(n));
        off_ = 0;
      }
    }
    const std::size_t n = std::min(size, buf_.size() - off_);
    std::memcpy(ptr, buf_.data() + off_, n);
    off_ += n;
    return static_cast<ssize_t>(n);
  }

  // Gathers or writes all of it (httplib writes response headers with a single unchecked call), or fails.
  ssize_t write(const char* ptr, size_t size) override {
    if (out_.size() + size <= kMaxGathered) {
      out_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    if (!Flush() || !SendAll(ptr, size)) return -1;
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { Address(true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { Address(false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  static constexpr std::size_t kMaxGathered = 64 * 1024;

  bool SendAll(const char* ptr, size_t size) {
    const auto until = Clock::now() + io_timeout_;
    std::size_t sent = 0;
    while (sent < size) {
      const ssize_t n = ::send(sock_, ptr + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN && PollFor(sock_, POLLOUT, until - Clock::now()) > 0) {
        continue;
      } else {
        return false;
      }
    }
    return true;
  }

  void Address(bool peer, std::string& ip, int& port) const {
    const int end = peer ? 0 : 1;
    if (!ends_->known[end]) {
      Lookup(peer, ends_->ip[end], ends_->port[end]);
      ends_->known[end] = true;
    }
    ip = ends_->ip[end];
    port = ends_->port[end];
  }

  void Lookup(bool peer, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    auto* sa = reinterpret_cast<sockaddr*>(&addr);
    if ((peer ? ::getpeername(sock_, sa, &len) : ::getsockname(sock_, sa, &len)) != 0) return;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (::getnameinfo(sa, len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0) return;
    ip = host;
    port = std::atoi(serv);
  }

  const int sock_;
  std::string buf_;
  std::size_t off_ = 0;
  std::string out_;  // written, not yet sent
  const Clock::time_point deadline_;
  const Clock::duration io_timeout_;
  mutable bool expired_ = false;
  Ends* const ends_;  // the connection's, kept between its requests
};

// The gate's own answers, in the shape of the server's JSON errors.
std::string ErrorResponse(int status, std::string_view reason, std::string_view code, const std::string& message,
                          std::string_view extra_headers = "") {
  const std::string body = "{\"error\":{\"code\":\"" + std::string(code) + "\",\"message\":\"" + message + "\"}}";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\nContent-Type: application/json\r\n" +
         std::string(extra_headers) +
         "Connection: close\r\nX-Content-Type-Options: nosniff\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

}  // namespace

// httplib's TaskQueue, in two stages. The gate (one thread, poll()) holds each connection until its
// request has arrived, so a slow or idle client costs a socket and a buffer, never a worker; then the
// workers serve it, at most max_queue waiting for one. A connection that stays open after its response
// goes back to the gate, so idle keep-alive connections hold no worker either.
class AdmissionPool final : public httplib::TaskQueue {
 public:
  explicit AdmissionPool(HttpServer* server)
      : server_(server),
        limits_(server->limits_),
        metrics_(server->metrics_),
        busy_(ErrorResponse(503, "Service Unavailable", "unavailable",
                            "the server is busy (" + std::to_string(limits_.threads) + " workers, " +
                                std::to_string(limits_.max_queue) + " waiting); retry in a second",
                            "Retry-After: 1\r\n")),
        uri_too_long_(ErrorResponse(414, "URI Too Long", "uri_too_long",
                                    "the request line is longer than " + std::to_string(kMaxRequestLine) + " bytes")),
        head_too_large_(ErrorResponse(431, "Request Header Fields Too Large", "headers_too_large",
                                      "the request headers are longer than " + std::to_string(kMaxBuffered) +
                                          " bytes, or one of them longer than " + std::to_string(kMaxHeaderLine))) {
    gate_ = std::thread([this] { Gate(); });
    for (std::size_t i = 0; i < limits_.threads; ++i) workers_.emplace_back([this] { Work(); });
  }
  ~AdmissionPool() override = default;

  // httplib's accept loop queues [this, sock] { process_and_close_socket(sock); }. Run at once, the closure
  // reaches HttpServer's override, which calls Adopt(sock) and returns: the accept loop never waits.
  void enqueue(std::function<void()> fn) override { fn(); }

  // Idle connections are closed; requests already admitted or begun are served.
  void shutdown() override {
    stop_ = true;
    waker_.Wake();
    gate_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  void Adopt(int sock) {
    Conn c;
    c.sock = sock;
    c.deadline = Clock::now() + limits_.request_deadline;
    c.requests_left = std::max<std::size_t>(1, limits_.keep_alive_max);
    ToGate(std::move(c));
  }

 private:
  void ToGate(Conn c) {
    bool stopping;
    {
      // Under the lock the gate drains incoming_ with when it stops, so no connection is left behind.
      std::lock_guard<std::mutex> lock(gate_mu_);
      stopping = stop_;
      if (!stopping && incoming_.size() + waiting_.load() < kMaxWaiting) {
        incoming_.push_back(std::move(c));
        waker_.Wake();
        return;
      }
    }
    if (stopping) return Close(c, false);  // a kept-alive connection after its last response
    Busy(c);
  }

  void Busy(Conn& c) {
    metrics_->ConnectionRejected();
    rejecter_.Reject(c.sock, busy_, std::chrono::seconds(1));
  }

  // Answers a head over the limits at once; the client may still be sending it, so the rejecter drains the
  // connection for as long as the request was allowed to take.
  void Refuse(Conn& c, Head head) {
    const bool uri = head == Head::kUriTooLong;
    metrics_->ObserveRequest("invalid", "none", uri ? 414 : 431, 0);
    rejecter_.Reject(c.sock, uri ? uri_too_long_ : head_too_large_, limits_.request_deadline);
  }

  void Close(Conn& c, bool cut) {
    if (cut) metrics_->ConnectionCut();
    ::close(c.sock);
  }

  // Gives a connection with a complete request to the workers, or answers 503 when they are all busy and
  // max_queue connections already wait; answers a head over the limits.
  void Admit(Conn c, Head head) {
    if (head != Head::kReady) return Refuse(c, head);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!shutdown_ && jobs_.size() < idle_ + limits_.max_queue) {
        jobs_.push_back(std::move(c));
        cv_.notify_one();
        return;
      }
    }
    Busy(c);
  }

  void Gate() {
    std::vector<Conn> waiting;
    std::vector<pollfd> fds;
    while (!stop_) {
      fds.assign(1, pollfd{waker_.fd(), POLLIN, 0});
      for (const Conn& c : waiting) fds.push_back({c.sock, POLLIN, 0});
      (void)::poll(fds.data(), fds.size(), 50);
      if (fds[0].revents) waker_.Drain();
      const auto now = Clock::now();
      std::vector<Conn> still;
      for (std::size_t i = 0; i < waiting.size(); ++i) {
        Conn& c = waiting[i];
        bool grew = false;  // else the request is as incomplete as at the last look
        if (fds[i + 1].revents) {
          const ssize_t n = ReadAhead(c, now, limits_.request_deadline);
          if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            Close(c, false);  // the client went away
            continue;
          }
          grew = n > 0;
        }
        const Head head = grew ? Classify(c.buffered) : Head::kIncomplete;
        if (head != Head::kIncomplete) {
          Admit(std::move(c), head);
        } else if (now >= c.deadline) {
          Close(c, c.fresh || !c.buffered.empty());
        } else {
          still.push_back(std::move(c));
        }
      }
      waiting.swap(still);
      std::vector<Conn> arrived;
      {
        std::lock_guard<std::mutex> lock(gate_mu_);
        arrived.swap(incoming_);
      }
      for (Conn& c : arrived) {
        const Head head = Classify(c.buffered);  // a pipelined request read ahead with the previous one
        if (head != Head::kIncomplete) {
          Admit(std::move(c), head);
        } else {
          waiting.push_back(std::move(c));
        }
      }
      waiting_ = waiting.size();
    }
    // Stopping: a request that has begun to arrive is in flight and goes to a worker to finish (within the
    // deadline); idle connections just close.
    std::lock_guard<std::mutex> lock(gate_mu_);
    for (std::vector<Conn>* list : {&waiting, &incoming_}) {
      for (Conn& c : *list) {
        const Head head = Classify(c.buffered);
        if (c.buffered.empty()) {
          Close(c, false);
        } else {
          Admit(std::move(c), head == Head::kIncomplete ? Head::kReady : head);
        }
      }
    }
    incoming_.clear();
  }

  // Waits up to limits_.linger on the worker for the next request of a kept-alive connection, and reads it;
  // true when it is complete, so the worker serves it without the round trip through the gate (a wake-up of
  // the gate, its poll and read, a hand-off to a worker).
  // Only while another worker is idle and nothing waits for one, so lingering never delays other requests;
  // anything else (no request yet, a partial or oversized head, a closed connection) goes to the gate, which
  // deals with it as with any kept-alive connection.
  bool Linger(Conn& c) {
    if (Classify(c.buffered) == Head::kReady) return true;  // pipelined: read ahead with the previous one
    if (limits_.linger.count() <= 0 || stop_) return false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_ == 0 || !jobs_.empty()) return false;
    }
    if (PollFor(c.sock, POLLIN, limits_.linger) <= 0) return false;
    return ReadAhead(c, Clock::now(), limits_.request_deadline) > 0 && Classify(c.buffered) == Head::kReady;
  }

  void Work() {
    for (;;) {
      Conn c;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ++idle_;
        cv_.wait(lock, [this] { return shutdown_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) return;
        c = std::move(jobs_.front());
        jobs_.pop_front();
      }
      bool next;
      do {
        next = false;
        // The request is here, or its first kMaxBuffered bytes: the rest must follow within the deadline.
        ConnStream strm(c.sock, std::move(c.buffered), Clock::now() + limits_.request_deadline, limits_.io_timeout,
                        &c.ends);
        const bool last = c.requests_left <= 1 || stop_;
        bool closed = false;
        const bool served = server_->Serve(strm, last, &closed);
        const bool ok = strm.Flush() && served;  // an error answer httplib wrote before failing is sent too
        if (strm.expired()) metrics_->ConnectionCut();
        if (ok && !closed && !last && !strm.expired()) {
          c.buffered = strm.TakeBuffered();
          --c.requests_left;
          c.fresh = false;
          c.deadline = Clock::now() + limits_.keep_alive;
          next = Linger(c);
          if (!next) ToGate(std::move(c));
        } else {
          ::shutdown(c.sock, SHUT_RDWR);
          ::close(c.sock);
        }
      } while (next);
    }
  }

  HttpServer* const server_;
  const AdmissionLimits limits_;
  Metrics* const metrics_;
  const std::string busy_;            // 503
  const std::string uri_too_long_;    // 414
  const std::string head_too_large_;  // 431
  Rejecter rejecter_;

  Waker waker_;
  std::atomic<bool> stop_{false};
  std::mutex gate_mu_;
  std::vector<Conn> incoming_;  // guarded by gate_mu_: new and kept-alive connections for the gate
  std::atomic<std::size_t> waiting_{0};
  std::thread gate_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Conn> jobs_;  // guarded by mu_: connections with a complete request, waiting for a worker
  std::size_t idle_ = 0;
  bool shutdown_ = false;
  std::vector<std::thread> workers_;
};

HttpServer::HttpServer(AdmissionLimits limits, Metrics* metrics) : limits_(limits), metrics_(metrics) {
  // httplib calls this once per listen(), on the thread that then accepts, and deletes the pool after
  // shutting it down.
  new_task_queue = [this] {
    pool_ = new AdmissionPool(this);
    return pool_;
  };
}

HttpServer::~HttpServer() = default;

bool HttpServer::process_and_close_socket(socket_t sock) {
  pool_->Adopt(sock);
  return true;
}

bool HttpServer::Serve(httplib::Stream& strm, bool close_connection, bool* connection_closed) {
  return process_request(strm, close_connection, *connection_closed, nullptr);
}

}  // namespace kb::server
