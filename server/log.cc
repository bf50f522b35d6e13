#include "log.h"

#include <chrono>
#include <ctime>
#include <memory>

namespace kb::server {
namespace {

std::string Timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms));
  return std::string(buf, n) + frac;
}

}  // namespace

Result<std::unique_ptr<LogSink>> LogSink::Open(const std::string& dest) {
  if (dest == "off") return std::unique_ptr<LogSink>(new LogSink(nullptr, false));
  if (dest == "-" || dest == "stderr") return std::unique_ptr<LogSink>(new LogSink(stderr, false));
  std::FILE* f = std::fopen(dest.c_str(), "a");
  if (f == nullptr) return Status::IoError("cannot open log file '" + dest + "' for appending");
  return std::unique_ptr<LogSink>(new LogSink(f, true));
}

LogSink::~LogSink() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

void LogSink::Write(nlohmann::json line) {
  if (file_ == nullptr) return;
  nlohmann::json out = {{"ts", Timestamp()}};
  out.update(line);
  // Invalid UTF-8 from a client must not throw here: replace it.
  std::string text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

}  // namespace kb::server
