// kb::server::HttpServer: an httplib::Server that stays responsive when clients outnumber workers.
//
// httplib 0.11.4 queues accepted connections without bound, gives each one a worker for as long as it
// stays open, restarts its read timeout on every recv() (a client that sends one byte a second holds a
// worker forever), and reads a request line of any length into memory. HttpServer keeps httplib's parsing
// and routing and replaces how connections reach the workers:
//  - A gate thread (poll) holds each connection until its request has arrived (head and body; of a body
//    over 32 KiB, the first 32 KiB); only then does it take a worker. Slow and idle clients cost a socket
//    and a buffer, never a worker. A request must be complete within `request_deadline` of the accept (of
//    its first byte, for a later request on a kept-alive connection), and the rest of a large body within
//    `request_deadline` of reaching a worker, or the connection is closed. Between requests a kept-alive
//    connection waits in the gate too, for at most `keep_alive`.
//  - Bounded admission. At most `threads` requests run and `max_queue` wait; a further one, or a new
//    connection when 512 already wait in the gate, gets `503` with `Retry-After: 1` at once.
//  - Bounded heads. A request line over 8 KiB gets `414`; a header line over 8 KiB, or a head that does not
//    end within 32 KiB, gets `431`. The gate answers these as soon as the limit is crossed, and reads and
//    drops the rest of the upload for up to `request_deadline` so that the client reads the answer.
// The gate's answers (JSON errors with `Connection: close`) are counted in /metrics:
// kb_http_connections_rejected_total for 503s, kb_http_requests_total{route="invalid"} for 414 and 431;
// kb_http_connections_cut_total counts connections closed at the deadline.
//
// httplib dependency: written against cpp-httplib 0.11.4, pinned at configure time and by a static_assert.
// It uses one private virtual and one protected member of httplib::Server; HTTPLIB_UPGRADE.md says what
// to re-check before moving the pin.
//
// Thread-safety: as httplib::Server; construct, configure and listen from one thread, stop() from any.
#ifndef KB_SERVER_HTTP_SERVER_H_
#define KB_SERVER_HTTP_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <ctime>

#include "metrics.h"

namespace kb::server {

struct AdmissionLimits {
  // Requests served at once (worker threads).
  std::size_t threads = 16;
  // Requests with a complete head that may wait for a worker.
  std::size_t max_queue = 64;
  // Time for a request's head and body to arrive.
  std::chrono::milliseconds request_deadline{5000};
  // Idle time allowed between two requests of a kept-alive connection.
  std::chrono::milliseconds keep_alive{5000};
  // Requests served on one connection before it is closed.
  std::size_t keep_alive_max = 5;
  // How long a worker that has just answered a kept-alive connection waits for its next request before it
  // hands the connection back to the gate (only while another worker is idle and no request waits). 0: never.
  std::chrono::milliseconds linger{0};
  // Time allowed for each read of a request that reached a worker, and for the client to take each part
  // of the response (headers, body).
  std::chrono::milliseconds io_timeout{5000};
};

class AdmissionPool;

class HttpServer : public httplib::Server {
 public:
  // `metrics` must outlive the server.
  HttpServer(AdmissionLimits limits, Metrics* metrics);
  ~HttpServer() override;

  // The gate reads, writes and keeps alive every connection itself, so httplib's settings for these would
  // have no effect: they are set in AdmissionLimits, and calling them here does not compile.
  // set_payload_max_length() and every handler setter apply as usual.
  httplib::Server& set_read_timeout(time_t, time_t = 0) = delete;
  httplib::Server& set_write_timeout(time_t, time_t = 0) = delete;
  httplib::Server& set_keep_alive_timeout(time_t) = delete;
  httplib::Server& set_keep_alive_max_count(std::size_t) = delete;

 private:
  friend class AdmissionPool;

  // httplib's accept loop queues a closure that calls this private virtual with the accepted socket; the
  // pool runs that closure at once on the accept thread, and this hands the socket to the gate.
  bool process_and_close_socket(socket_t sock) override;

  // Reads one request from `strm`, routes it and writes the response (httplib's protected
  // process_request()).
  bool Serve(httplib::Stream& strm, bool close_connection, bool* connection_closed);

  const AdmissionLimits limits_;
  Metrics* const metrics_;
  AdmissionPool* pool_ = nullptr;  // the running listen()'s, owned by httplib; used on the accept thread
};

}  // namespace kb::server

#endif  // KB_SERVER_HTTP_SERVER_H_
