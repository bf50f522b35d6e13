// kb::server::HttpServer: an httplib::Server that stays responsive when clients outnumber workers.
//
// httplib 0.11.4 queues accepted connections without bound, gives each one a worker for as long as it
// stays open, and restarts its read timeout on every recv(): a client that sends one byte a second holds a
// worker forever, and a burst of connections makes every client wait. HttpServer keeps httplib's parsing
// and routing and replaces how connections reach the workers:
//  - A gate thread (poll) holds each connection until its request has arrived (head and body; of a body
//    over 32 KiB, the first 32 KiB); only then does it take a worker. Slow and idle clients cost a socket
//    and a buffer, never a worker. A request must be complete within `request_deadline` of the accept (of
//    its first byte, for a later request on a kept-alive connection), and the rest of a large body within
//    `request_deadline` of reaching a worker, or the connection is closed. Between requests a kept-alive
//    connection waits in the gate too, for at most the keep-alive timeout.
//  - Bounded admission. At most `threads` requests run and `max_queue` wait; a further one, or a new
//    connection when 512 already wait in the gate, gets `503` with `Retry-After: 1` and
//    `Connection: close` at once.
// Both are counted in /metrics (kb_http_connections_rejected_total, kb_http_connections_cut_total).
//
// Thread-safety: as httplib::Server; construct, configure and listen from one thread, stop() from any.
#ifndef KB_SERVER_HTTP_SERVER_H_
#define KB_SERVER_HTTP_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <memory>

#include "metrics.h"
#include "rejecter.h"

namespace kb::server {

struct AdmissionLimits {
  std::size_t threads = 16;
  std::size_t max_queue = 64;
  std::chrono::milliseconds request_deadline{5000};
};

class HttpServer : public httplib::Server {
 public:
  // `metrics` must outlive the server.
  HttpServer(AdmissionLimits limits, Metrics* metrics);
  ~HttpServer() override;

 private:
  // Serves one request of a connection the pool admitted (private virtual in httplib; overriding it is
  // allowed). Parsing and routing stay httplib's, through the protected process_request(); reads go through
  // a stream that starts with the bytes the gate read and runs against the deadline.
  bool process_and_close_socket(socket_t sock) override;

  const AdmissionLimits limits_;
  Metrics* const metrics_;
  std::unique_ptr<Rejecter> rejecter_;
};

}  // namespace kb::server

#endif  // KB_SERVER_HTTP_SERVER_H_
