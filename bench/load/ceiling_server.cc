// kb-load-ceiling: the ceiling of the HTTP load test. A cpp-httplib server configured like kb-server (same
// worker pool size, keep-alive and socket options) whose one route answers a small fixed JSON body without
// any work: its throughput is what this machine, cpp-httplib and the load generator allow at most.
//
// Usage: kb-load-ceiling [--port N] [--threads N]   (127.0.0.1; stops on SIGTERM/SIGINT)
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  int port = 8090;
  int threads = 16;  // kb-server's default
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--port") port = std::atoi(argv[i + 1]);
    else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: kb-load-ceiling [--port N] [--threads N]\n");
      return 2;
    }
  }
  httplib::Server svr;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  svr.set_keep_alive_timeout(2);
  svr.set_keep_alive_max_count(20);
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  });
  svr.Get("/api/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(R"({"ok":true})", "application/json");
  });
  if (!svr.bind_to_port("127.0.0.1", port)) {
    std::fprintf(stderr, "kb-load-ceiling: cannot bind 127.0.0.1:%d\n", port);
    return 1;
  }
  std::fprintf(stderr, "kb-load-ceiling: listening on 127.0.0.1:%d\n", port);
  return svr.listen_after_bind() ? 0 : 1;
}
