// Helpers for tests that run Xapian's own servers on 127.0.0.1: a child process that is always killed and
// reaped (with every process it forked), free ports, and waiting until a port accepts connections.
#ifndef KB_TESTS_SCALE_LOOPBACK_H_
#define KB_TESTS_SCALE_LOOPBACK_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "../test_support.h"

namespace kb::testing {

// A process in its own process group: xapian-tcpsrv and xapian-replicate-server fork one child per
// connection, and those children must die with it (signals go to the whole group).
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      // A test killed by ctest's timeout runs no destructor: the kernel then kills the server instead.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() == 1) ::_exit(127);
      const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    if (pid_ > 0) ::setpgid(pid_, pid_);  // also here, so that a signal sent right away reaches the group
  }
  ~ChildProcess() { Kill(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // SIGKILL to the group, then reap.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGCONT);
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Freezes the group: connections stay open but nothing answers (a hung host).
  void Stop() {
    if (pid_ > 0) ::kill(-pid_, SIGSTOP);
  }
  // True while the process has not exited.
  bool Running() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_ = -1;
};


// Polls until 127.0.0.1:port accepts a connection or `timeout` passes.
inline bool WaitForPort(int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Accepts(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Polls `done` every 50 ms until it is true or `timeout` passes.
template <typename F>
bool WaitUntil(std::chrono::milliseconds timeout, F done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

}  // namespace kb::testing

#endif  // KB_TESTS_SCALE_LOOPBACK_H_
