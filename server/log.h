// kb::server::LogSink: JSON lines to stderr or a file, one object per line, written whole under a lock.
//
// Thread-safety: Write() may be called from any thread.
#ifndef KB_SERVER_LOG_H_
#define KB_SERVER_LOG_H_

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "kb/status.h"

namespace kb::server {

class LogSink {
 public:
  // `dest`: "-" (stderr), "off", or a file path opened for appending.
  static Result<std::unique_ptr<LogSink>> Open(const std::string& dest);
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // Adds "ts" (UTC, RFC 3339 with milliseconds) and writes the object as one line.
  void Write(nlohmann::json line);
  // A server message: {"ts","level","msg"}.
  void Message(const std::string& level, const std::string& msg) { Write({{"level", level}, {"msg", msg}}); }

 private:
  LogSink(std::FILE* file, bool owned) : file_(file), owned_(owned) {}
  std::mutex mu_;
  std::FILE* file_;  // null when off
  bool owned_;
};

}  // namespace kb::server

#endif  // KB_SERVER_LOG_H_
