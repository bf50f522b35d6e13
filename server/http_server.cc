#include "http_server.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kb::server {

using Clock = std::chrono::steady_clock;

namespace {

// Connections waiting for their request, at most; more are answered 503. Each buffers at most kMaxBuffered
// bytes, so the gate's memory stays under 16 MB.
constexpr std::size_t kMaxWaiting = 512;
// A request (head and body) that fills this goes to a worker as it is, which reads the rest against the
// deadline, or answers 400/413 for an oversized head or body. kb's API bodies are a few hundred bytes.
constexpr std::size_t kMaxBuffered = 32768;

// A connection between requests: what the gate and the workers pass around.
struct Conn {
  std::function<void()> serve;  // httplib's job; calls process_and_close_socket(sock)
  int sock = -1;
  Clock::time_point deadline;   // the request must be complete by then
  std::string buffered;         // bytes read ahead of httplib: the request, maybe part of the next
  std::size_t requests_left = 0;
  bool fresh = true;            // no request served yet (an idle keep-alive close is not a cut)
  bool keep = false;            // set by the worker: the connection stays open for another request
};

// The side channel between the pool and process_and_close_socket(): httplib's job closure captures only
// the socket, so the pool learns it by running the job once with t_probe set, and hands the worker's
// connection state over in t_conn.
thread_local bool t_probe = false;
thread_local int t_probed_sock = -1;
thread_local Conn* t_conn = nullptr;

int PollFor(int fd, short events, Clock::duration wait) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
  pollfd p{fd, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(std::clamp<long long>(ms, 0, 1 << 30)));
  } while (r < 0 && errno == EINTR);
  return r;
}

// The Content-Length a request head announces; 0 when none (or unreadable: httplib will answer 400).
std::size_t ContentLength(std::string head) {
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  const std::size_t at = head.find("\ncontent-length:");
  if (at == std::string::npos) return 0;
  std::size_t i = at + 16, n = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t')) ++i;
  for (; i < head.size() && std::isdigit(static_cast<unsigned char>(head[i])); ++i) {
    n = std::min<std::size_t>(n * 10 + static_cast<std::size_t>(head[i] - '0'), kMaxBuffered);
  }
  return n;
}

// Whether the buffered bytes hold a whole request (head and announced body), or as much as the gate keeps.
bool RequestReady(const std::string& buf) {
  if (buf.size() >= kMaxBuffered) return true;
  std::size_t end = buf.find("\r\n\r\n"), sep = 4;
  if (end == std::string::npos) {
    end = buf.find("\n\n");
    sep = 2;
  }
  if (end == std::string::npos) return false;
  return buf.size() - (end + sep) >= ContentLength(buf.substr(0, end));
}

// httplib::Stream over a connection that starts with the bytes the gate read ahead, and reads the rest
// against a deadline. httplib's own stream restarts its timeout on every recv(); this one does not.
class ConnStream final : public httplib::Stream {
 public:
  ConnStream(int sock, std::string ahead, Clock::duration read_timeout, Clock::duration write_timeout)
      : sock_(sock), buf_(std::move(ahead)), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  void SetDeadline(Clock::time_point deadline) { deadline_ = deadline; }
  bool expired() const { return expired_; }
  std::string TakeBuffered() { return buf_.substr(off_); }

  bool is_readable() const override {
    if (off_ < buf_.size()) return true;
    const Clock::duration left = deadline_ - Clock::now();
    const bool deadline_first = left <= read_timeout_;
    const int r = PollFor(sock_, POLLIN, deadline_first ? std::max(left, Clock::duration::zero()) : read_timeout_);
    if (r == 0 && deadline_first) expired_ = true;
    return r > 0;
  }

  bool is_writable() const override { return PollFor(sock_, POLLOUT, write_timeout_) > 0; }

  ssize_t read(char* ptr, size_t size) override {
    if (off_ >= buf_.size()) {
      if (!is_readable()) return -1;
      char chunk[4096];
      ssize_t n;
      do {
        n = ::recv(sock_, chunk, sizeof chunk, 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      buf_.assign(chunk, static_cast<std::size_t>(n));
      off_ = 0;
    }
    const std::size_t n = std::min(size, buf_.size() - off_);
    std::memcpy(ptr, buf_.data() + off_, n);
    off_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { Address(true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { Address(false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  void Address(bool peer, std::string& ip, int& port) const {
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
  const Clock::duration read_timeout_;
  const Clock::duration write_timeout_;
  Clock::time_point deadline_ = Clock::time_point::max();
  mutable bool expired_ = false;
};

}  // namespace

// httplib's TaskQueue, in two stages. The gate (one thread, poll()) holds each connection until its
// request (head, and a body of up to kMaxBuffered) has arrived, so a slow or idle client costs a socket and
// a buffer, never a worker; then the workers run it, at most max_queue waiting for one. A connection that
// stays open after its response goes back to the gate, so idle keep-alive connections hold no worker.
class AdmissionPool final : public httplib::TaskQueue {
 public:
  AdmissionPool(const AdmissionLimits& limits, std::size_t keep_alive_max, std::chrono::seconds keep_alive,
                Rejecter* rejecter, Metrics* metrics)
      : limits_(limits), keep_alive_max_(std::max<std::size_t>(1, keep_alive_max)), keep_alive_(keep_alive),
        rejecter_(rejecter), metrics_(metrics) {
    gate_ = std::thread([this] { Gate(); });
    for (std::size_t i = 0; i < limits.threads; ++i) workers_.emplace_back([this] { Work(); });
  }
  ~AdmissionPool() override = default;

  // httplib 0.11.4's accept loop enqueues [this, sock] { process_and_close_socket(sock); }: the probe run
  // reaches our override, which only records the socket.
  void enqueue(std::function<void()> fn) override {
    t_probe = true;
    fn();
    t_probe = false;
    Conn c;
    c.serve = std::move(fn);
    c.sock = t_probed_sock;
    c.deadline = Clock::now() + limits_.request_deadline;
    c.requests_left = keep_alive_max_;
    ToGate(std::move(c));
  }

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
    Reject(c);
  }

  void Reject(Conn& c) {
    metrics_->ConnectionRejected();
    rejecter_->Reject(c.sock);
  }

  void Close(Conn& c, bool cut) {
    if (cut) metrics_->ConnectionCut();
    ::close(c.sock);
  }

  // Admits a connection with a complete request to the workers, or answers 503 when they are all busy and
  // max_queue connections already wait.
  void Admit(Conn c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!shutdown_ && jobs_.size() < idle_ + limits_.max_queue) {
        jobs_.push_back(std::move(c));
        cv_.notify_one();
        return;
      }
    }
    Reject(c);
  }

  void Gate() {
    std::vector<Conn> waiting;
    std::vector<pollfd> fds;
    char chunk[4096];
    while (!stop_) {
      fds.assign(1, pollfd{waker_.fd(), POLLIN, 0});
      for (const Conn& c : waiting) fds.push_back({c.sock, POLLIN, 0});
      (void)::poll(fds.data(), fds.size(), 50);
      if (fds[0].revents) waker_.Drain();
      const auto now = Clock::now();
      std::vector<Conn> still;
      for (std::size_t i = 0; i < waiting.size(); ++i) {
        Conn& c = waiting[i];
        if (fds[i + 1].revents) {
          const std::size_t want = std::min(sizeof chunk, kMaxBuffered - std::min(kMaxBuffered, c.buffered.size()));
          const ssize_t n = ::recv(c.sock, chunk, std::max<std::size_t>(want, 1), MSG_DONTWAIT);
          if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            Close(c, false);  // the client went away
            continue;
          }
          if (n > 0) {
            // An idle keep-alive connection gets the request deadline from its request's first byte.
            if (c.buffered.empty() && !c.fresh) c.deadline = now + limits_.request_deadline;
            c.buffered.append(chunk, static_cast<std::size_t>(n));
          }
        }
        if (RequestReady(c.buffered)) {
          Admit(std::move(c));
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
        if (RequestReady(c.buffered)) {
          Admit(std::move(c));  // a pipelined request read ahead with the previous one
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
        if (c.buffered.empty()) {
          Close(c, false);
        } else {
          Admit(std::move(c));
        }
      }
    }
    incoming_.clear();
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
      t_conn = &c;
      c.serve();
      t_conn = nullptr;
      if (c.keep) {
        c.keep = false;
        c.fresh = false;
        c.deadline = Clock::now() + keep_alive_;
        ToGate(std::move(c));
      }
    }
  }

  const AdmissionLimits limits_;
  const std::size_t keep_alive_max_;
  const Clock::duration keep_alive_;
  Rejecter* const rejecter_;
  Metrics* const metrics_;

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
  const std::string body = "{\"error\":{\"code\":\"unavailable\",\"message\":\"the server is busy (" +
                           std::to_string(limits_.threads) + " workers, " + std::to_string(limits_.max_queue) +
                           " waiting); retry in a second\"}}";
  rejecter_ = std::make_unique<Rejecter>(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
      "Connection: close\r\nX-Content-Type-Options: nosniff\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  // Read when listening starts, so that set_keep_alive_* calls made after construction apply.
  new_task_queue = [this] {
    return new AdmissionPool(limits_, keep_alive_max_count_, std::chrono::seconds(keep_alive_timeout_sec_),
                             rejecter_.get(), metrics_);
  };
}

HttpServer::~HttpServer() = default;

bool HttpServer::process_and_close_socket(socket_t sock) {
  if (t_probe) {
    t_probed_sock = sock;
    return false;
  }
  Conn* c = t_conn;
  using std::chrono::microseconds;
  using std::chrono::seconds;
  ConnStream strm(sock, std::move(c->buffered), seconds(read_timeout_sec_) + microseconds(read_timeout_usec_),
                  seconds(write_timeout_sec_) + microseconds(write_timeout_usec_));
  // The request is here, or its first kMaxBuffered bytes: the rest must follow within the deadline.
  strm.SetDeadline(Clock::now() + limits_.request_deadline);
  const bool last = c->requests_left <= 1 || svr_sock_ == INVALID_SOCKET;
  bool closed = false;
  const bool ok = process_request(strm, last, closed, nullptr);
  if (strm.expired()) metrics_->ConnectionCut();
  if (ok && !closed && !last && !strm.expired()) {
    c->keep = true;
    c->buffered = strm.TakeBuffered();
    --c->requests_left;
    return true;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace kb::server
