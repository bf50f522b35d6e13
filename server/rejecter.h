// kb::server::Rejecter and Waker: small pieces of HttpServer's admission control (http_server.h).
//
// Rejecter answers connections the server will not serve with a short fixed response and closes them
// gracefully. Closing a socket whose request is still unread makes the kernel send a reset, which can destroy
// the response before the client reads it; so the rejecter half-closes, then reads and discards what the
// client sends until it closes or the linger time runs out. One thread and at most 256 sockets: beyond that,
// a rejected connection is closed at once.
//
// Thread-safety: Reject() and Waker's methods may be called from any thread.
#ifndef KB_SERVER_REJECTER_H_
#define KB_SERVER_REJECTER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace kb::server {

// A pipe that wakes a poll() loop.
class Waker {
 public:
  Waker();
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;
  int fd() const { return fds_[0]; }  // poll it for POLLIN
  void Wake();
  void Drain();  // after fd() became readable

 private:
  int fds_[2] = {-1, -1};
};

class Rejecter {
 public:
  Rejecter();
  ~Rejecter();
  Rejecter(const Rejecter&) = delete;
  Rejecter& operator=(const Rejecter&) = delete;

  // Sends `response` on `sock` (one non-blocking send: a fresh socket's buffer holds a few kilobytes) and
  // takes ownership of the socket, which it closes when the client does or after `linger`.
  void Reject(int sock, std::string_view response, std::chrono::milliseconds linger);

 private:
  struct Pending {
    int fd;
    std::chrono::steady_clock::time_point until;
  };
  void Run();

  Waker waker_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> count_{0};  // sockets the thread holds
  std::mutex mu_;
  std::vector<Pending> incoming_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kb::server

#endif  // KB_SERVER_REJECTER_H_
