// A minimal W3C WebDriver client for tests: drives headless Chromium through /usr/bin/chromedriver on
// 127.0.0.1 with httplib and nlohmann::json. Keys are typed with the Actions API, so the page receives real
// keydown/keypress/input/keyup events, as from a keyboard.
#ifndef KB_TESTS_SERVER_WEBDRIVER_H_
#define KB_TESTS_SERVER_WEBDRIVER_H_

#include <httplib.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../test_support.h"

namespace kb::testing {

// WebDriver key codes (the Private Use Area characters of the spec).
inline constexpr const char* kKeyTab = "\xEE\x80\x84";        // U+E004
inline constexpr const char* kKeyEnter = "\xEE\x80\x87";      // U+E007
inline constexpr const char* kKeyEscape = "\xEE\x80\x8C";     // U+E00C
inline constexpr const char* kKeyArrowUp = "\xEE\x80\x93";    // U+E013
inline constexpr const char* kKeyArrowDown = "\xEE\x80\x95";  // U+E015

// $NAME if set and not empty, else `fallback`.
inline std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// Debian's chromium and chromedriver, or KB_CHROMIUM / KB_CHROMEDRIVER; a failure that says how to install them.
struct BrowserPaths {
  std::string chromium;
  std::string chromedriver;
};
inline ::testing::AssertionResult FindBrowser(BrowserPaths* out) {
  out->chromium = EnvOr("KB_CHROMIUM", "/usr/bin/chromium");
  out->chromedriver = EnvOr("KB_CHROMEDRIVER", "/usr/bin/chromedriver");
  for (const std::string& path : {out->chromium, out->chromedriver}) {
    if (!std::filesystem::exists(path)) {
      return ::testing::AssertionFailure() << path << " is missing: apt-get install chromium chromium-driver";
    }
  }
  return ::testing::AssertionSuccess();
}

inline std::string Base64Decode(const std::string& in) {
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (char c : in) {
    int d = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
                                   : -1;
    if (d < 0) continue;
    value = (value << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((value >> bits) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

class WebDriver {
 public:
  explicit WebDriver(int port) : http_("127.0.0.1", port) {
    http_.set_connection_timeout(5);
    http_.set_read_timeout(60);
  }
  ~WebDriver() { Quit(); }
  WebDriver(const WebDriver&) = delete;
  WebDriver& operator=(const WebDriver&) = delete;

  // Waits for chromedriver to answer /status.
  ::testing::AssertionResult WaitReady(std::chrono::milliseconds timeout) {
    return kb::testing::WaitFor(
        [&] {
          auto res = http_.Get("/status");
          return res && res->status == 200;
        },
        timeout, "chromedriver to answer /status", std::chrono::milliseconds(50));
  }

  // Starts headless Chromium. Returns "" or an error message.
  std::string NewSession(const std::string& chromium, const std::vector<std::string>& args) {
    nlohmann::json caps = {{"capabilities",
                            {{"alwaysMatch",
                              {{"browserName", "chrome"},
                               {"goog:chromeOptions", {{"binary", chromium}, {"args", args}}},
                               {"goog:loggingPrefs", {{"browser", "ALL"}}},
                               {"unhandledPromptBehavior", "ignore"}}}}}};
    nlohmann::json res = Call("POST", "/session", caps);
    if (!error_.empty()) return error_;
    session_ = res.value("sessionId", "");
    return session_.empty() ? "no session id in " + res.dump() : "";
  }

  void Quit() {
    if (!session_.empty()) {
      (void)http_.Delete(("/session/" + session_).c_str());
      session_.clear();
    }
  }

  // Runs a Chrome DevTools Protocol command through chromedriver.
  nlohmann::json Cdp(const std::string& cmd, const nlohmann::json& params) {
    return Session("POST", "/goog/cdp/execute", {{"cmd", cmd}, {"params", params}});
  }

  void Navigate(const std::string& url) { Session("POST", "/url", {{"url", url}}); }

  // Runs `script` (a function body; `arguments` available) in the page and returns its value.
  nlohmann::json Eval(const std::string& script, const nlohmann::json& args = nlohmann::json::array()) {
    return Session("POST", "/execute/sync", {{"script", script}, {"args", args}});
  }
  // As Eval, for scripts that call arguments[arguments.length - 1](result) when done.
  nlohmann::json EvalAsync(const std::string& script, const nlohmann::json& args = nlohmann::json::array()) {
    return Session("POST", "/execute/async", {{"script", script}, {"args", args}});
  }

  // Types `text` into whatever has focus, one key at a time (UTF-8; WebDriver key codes allowed).
  void Type(const std::string& text) { TypeSlowly(text, std::chrono::milliseconds(0)); }

  // Types `text` as a person does: a pause of `gap` after each key (the Actions API's own pause; none for 0).
  void TypeSlowly(const std::string& text, std::chrono::milliseconds gap) {
    nlohmann::json actions = nlohmann::json::array();
    for (std::size_t i = 0; i < text.size();) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      const std::string key = text.substr(i, len);
      actions.push_back({{"type", "keyDown"}, {"value", key}});
      actions.push_back({{"type", "keyUp"}, {"value", key}});
      if (gap.count() > 0) actions.push_back({{"type", "pause"}, {"duration", gap.count()}});
      i += len;
    }
    Session("POST", "/actions", {{"actions", {{{"type", "key"}, {"id", "keyboard"}, {"actions", actions}}}}});
  }

  // Emulates a screen `width` x `height` CSS pixels wide (a phone when `mobile`).
  void SetViewport(int width, int height, bool mobile = false) {
    Cdp("Emulation.setDeviceMetricsOverride",
        {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", mobile}});
  }

  // Emulates the system colour preference: "light" or "dark".
  void SetColorScheme(const std::string& scheme) {
    Cdp("Emulation.setEmulatedMedia",
        {{"features", nlohmann::json::array({{{"name", "prefers-color-scheme"}, {"value", scheme}}})}});
  }

  // PNG bytes of the whole page, beyond the viewport too.
  std::string FullScreenshot() {
    nlohmann::json v = Cdp("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", false}});
    return v.is_object() && v["data"].is_string() ? Base64Decode(v["data"].get<std::string>()) : "";
  }

  // Polls the JavaScript expression until it is truthy; returns its last value.
  nlohmann::json WaitFor(const std::string& expression, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    nlohmann::json v;
    const bool truthy = static_cast<bool>(kb::testing::WaitFor(
        [&] {
          v = Eval("return (" + expression + ");");
          return !v.is_null() && v != false && v != 0 && v != "";
        },
        timeout, expression, std::chrono::milliseconds(50)));
    return truthy ? v : nlohmann::json();
  }

  // Browser console entries since the last call.
  nlohmann::json ConsoleLog() { return Session("POST", "/se/log", {{"type", "browser"}}); }

  // PNG bytes of the viewport.
  std::string Screenshot() {
    nlohmann::json v = Session("GET", "/screenshot", nullptr);
    return v.is_string() ? Base64Decode(v.get<std::string>()) : "";
  }

  // The last WebDriver error ("" if the last call succeeded).
  const std::string& error() const { return error_; }

 private:
  nlohmann::json Session(const std::string& method, const std::string& path, const nlohmann::json& body) {
    return Call(method, "/session/" + session_ + path, body);
  }

  nlohmann::json Call(const std::string& method, const std::string& path, const nlohmann::json& body) {
    error_.clear();
    httplib::Result res =
        method == "GET" ? http_.Get(path.c_str()) : http_.Post(path.c_str(), body.dump(), "application/json");
    if (!res) {
      error_ = method + " " + path + ": " + httplib::to_string(res.error());
      return nullptr;
    }
    nlohmann::json j = nlohmann::json::parse(res->body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      error_ = method + " " + path + ": not JSON: " + res->body.substr(0, 200);
      return nullptr;
    }
    if (res->status != 200) {
      error_ = method + " " + path + ": " + j["value"].value("error", "") + ": " + j["value"].value("message", "");
      return nullptr;
    }
    return j["value"];
  }

  httplib::Client http_;
  std::string session_;
  std::string error_;
};

}  // namespace kb::testing

#endif  // KB_TESTS_SERVER_WEBDRIVER_H_
