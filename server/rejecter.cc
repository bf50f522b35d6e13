#include "rejecter.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace kb::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxPending = 256;

}  // namespace

Waker::Waker() {
  if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) fds_[0] = fds_[1] = -1;
}

Waker::~Waker() {
  for (int fd : fds_) {
    if (fd >= 0) ::close(fd);
  }
}

void Waker::Wake() {
  if (fds_[1] >= 0) (void)!::write(fds_[1], "x", 1);
}

void Waker::Drain() {
  char buf[256];
  while (::read(fds_[0], buf, sizeof buf) > 0) {
  }
}

Rejecter::Rejecter() {
  thread_ = std::thread([this] { Run(); });
}

Rejecter::~Rejecter() {
  stop_ = true;
  waker_.Wake();
  thread_.join();
  for (const Pending& p : incoming_) ::close(p.fd);
}

void Rejecter::Reject(int sock, std::string_view response, std::chrono::milliseconds linger) {
  (void)::send(sock, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(sock, SHUT_WR);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (incoming_.size() + count_.load() < kMaxPending) {
      incoming_.push_back({sock, Clock::now() + linger});
      waker_.Wake();
      return;
    }
  }
  ::close(sock);
}

void Rejecter::Run() {
  std::vector<Pending> pending;
  std::vector<pollfd> fds;
  // Large enough that a client uploading megabytes on loopback is drained in a few calls per wake-up.
  std::vector<char> scratch(65536);
  while (!stop_) {
    fds.assign(1, pollfd{waker_.fd(), POLLIN, 0});
    for (const Pending& p : pending) fds.push_back({p.fd, POLLIN, 0});
    (void)::poll(fds.data(), fds.size(), 100);
    if (fds[0].revents) waker_.Drain();
    const auto now = Clock::now();
    std::vector<Pending> keep;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      bool done = now >= pending[i].until;
      for (int reads = 0; !done && fds[i + 1].revents && reads < 16; ++reads) {
        const ssize_t n = ::recv(pending[i].fd, scratch.data(), scratch.size(), MSG_DONTWAIT);
        if (n > 0) continue;
        done = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
        break;
      }
      if (done) {
        ::close(pending[i].fd);
      } else {
        keep.push_back(pending[i]);
      }
    }
    pending.swap(keep);
    std::lock_guard<std::mutex> lock(mu_);
    pending.insert(pending.end(), incoming_.begin(), incoming_.end());
    incoming_.clear();
    count_ = pending.size();
  }
  for (const Pending& p : pending) ::close(p.fd);
}

}  // namespace kb::server
