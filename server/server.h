// kb::server::MakeServer: the httplib::Server with kb's routes and the checks every request goes through.
//
// Before routing, in this order: rate limit (429, /api only), bearer token (401, /api only), method (405 with
// Allow when the path exists but not for this method). Every response gets the security headers (CSP,
// nosniff, frame and referrer policy) and an X-Request-Id; errors without a body get a JSON one; exceptions
// become a JSON 500 without internals; every request is logged as a JSON line and counted in the metrics.
//
// Connections beyond the workers and --max-queue get a 503 at once, and a request must arrive within
// --header-timeout (http_server.h).
//
// Thread-safety: the returned server runs handlers on `state.config.threads` worker threads.
#ifndef KB_SERVER_SERVER_H_
#define KB_SERVER_SERVER_H_

#include <httplib.h>

#include <memory>
#include <string>

#include "handlers.h"

namespace kb::server {

std::unique_ptr<httplib::Server> MakeServer(ServerState& state);

// Binds host:port (0: any free port) without SO_REUSEPORT and with a full-size listen queue. Returns the
// port, or -1 when the address cannot be bound.
int Bind(httplib::Server& svr, const std::string& host, int port);

}  // namespace kb::server

#endif  // KB_SERVER_SERVER_H_
