// kb-server: configuration, the index, the routes, and a clean stop on SIGTERM/SIGINT.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/allocator.h"
#include "config.h"
#include "handlers.h"
#include "identity.h"
#include "insights_cache.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "tokens.h"
#include "usage.h"
#include "web_files.h"

#ifndef KB_VERSION
#define KB_VERSION "unknown"
#endif

namespace {

using kb::server::Config;

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "kb-server: %s\n", message.c_str());
  return code;
}

std::optional<std::string> GetEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

}  // namespace

int main(int argc, char** argv) {
  kb::Result<kb::server::Invocation> inv = kb::server::LoadConfig(argc, argv, GetEnv);
  if (!inv.ok()) return Fail(inv.status().message(), 2);
  if (inv->action == kb::server::Invocation::Action::kHelp) {
    std::fputs(kb::server::Usage().c_str(), stdout);
    return 0;
  }
  if (inv->action == kb::server::Invocation::Action::kVersion) {
    std::printf("kb-server %s\nallocator: %s\n", KB_VERSION, kb::flags::AllocatorName().c_str());
    return 0;
  }
  const Config& config = inv->config;
  auto log = kb::server::LogSink::Open("-");
  auto access_log = kb::server::LogSink::Open(config.access_log);
  if (!access_log.ok()) return Fail(access_log.status().message(), 2);
  auto web = kb::server::WebFiles::Load(config.web_root);
  if (!web.ok()) return Fail(web.status().message(), 2);

  kb::server::Metrics metrics;
  kb::LiveSearcher index(
      config.dbs, config.searcher,
      {.check_interval = std::chrono::milliseconds(config.reload_interval_ms),
       .log = [&](const std::string& level, const std::string& msg) { (*log)->Message(level, msg); }});
  // Open once up front so that a wrong --db, or an index of another schema version, fails at start with
  // libkb's message (which names the kb-index command that fixes it), not at the first request.
  kb::Result<kb::Searcher*> first = index.Acquire();
  if (!first.ok()) return Fail(first.status().message(), 1);
  const std::size_t documents = (*first)->DocCount();
  // Before the first request rather than during it (0.4 s for Turkish).
  const int word_lists = (*first)->LoadWordLists();

  kb::server::ServerState state{config, index, metrics, **web, **log, **access_log};
  kb::Result<kb::Redactor> redactor = kb::Redactor::Create(config.mask_patterns);
  if (!redactor.ok()) return Fail(redactor.status().message(), 2);
  state.redactor = &*redactor;

  // Every thread started from here on inherits the blocked signals; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // The usage log's threads start after the mask, so that SIGTERM reaches the waiter and not them.
  std::unique_ptr<kb::server::UsageTracker> usage = kb::server::UsageTracker::Start(
      config, [&](const std::string& level, const std::string& msg) { (*log)->Message(level, msg); });
  state.usage = usage.get();
  // Knowledge-gap insights from memory, refreshed in the background (insights_cache.h).
  std::unique_ptr<kb::server::InsightsCache> insights;
  if (usage && usage->log()) {
    insights = std::make_unique<kb::server::InsightsCache>(
        [&](int days) -> kb::Result<kb::Insights> {
          kb::Result<kb::Searcher*> searcher = index.Acquire();
          return kb::ComputeInsights(*usage->log(), searcher.ok() ? *searcher : nullptr,
                                     {.days = days, .limit = kb::server::InsightsCache::kCachedLimit});
        },
        [&] { return usage->log()->Counters().recorded; });
    state.insights = insights.get();
  }

  // Tokens are read here, after the signal mask, so that the thread that re-reads the file inherits it.
  std::unique_ptr<kb::server::TokenStore> tokens;
  if (!config.token.empty() || !config.tokens_file.empty()) {
    auto opened = kb::server::TokenStore::Open(
        config.tokens_file, config.token,
        [&](const std::string& level, const std::string& msg) { (*log)->Message(level, msg); });
    if (!opened.ok()) return Fail(opened.status().message(), 2);
    tokens = std::move(*opened);
  }
  kb::Result<std::vector<kb::server::Cidr>> trusted = kb::server::ParseCidrs(config.trusted_proxy);
  if (!trusted.ok()) return Fail(trusted.status().message(), 2);
  const kb::server::Access access(tokens.get(), std::move(*trusted), config.user_header, config.group_header);
  state.access = &access;

  std::unique_ptr<httplib::Server> svr = kb::server::MakeServer(state);
  std::string host = config.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const int port = kb::server::Bind(*svr, host, config.port);
  if (port <= 0) {
    return Fail("cannot listen on " + config.host + ":" + std::to_string(config.port) +
                    " (address in use, not local, or not permitted)",
                1);
  }
  (*log)->Write({{"level", "info"},
                 {"msg", "listening"},
                 {"host", config.host},
                 {"port", port},
                 {"threads", config.threads},
                 {"documents", documents},
                 {"word_lists", word_lists},
                 {"auth", tokens ? "bearer" : "none"},
                 {"tokens_file", config.tokens_file},
                 {"user_header", config.user_header},
                 {"trusted_proxy", config.trusted_proxy},
                 {"web_root", config.web_root},
                 {"version", KB_VERSION}});

  std::atomic<bool> done{false};
  std::thread waiter([&] {
    const timespec tick{0, 200 * 1000 * 1000};
    while (!done.load()) {
      const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
      if (sig != SIGTERM && sig != SIGINT) continue;
      (*log)->Write({{"level", "info"}, {"msg", "stopping: finishing requests in flight"}, {"signal", sig}});
      state.draining = true;
      // stop() is a no-op until the accept loop runs.
      while (!svr->is_running() && !done.load()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      svr->stop();
      return;
    }
  });
  const bool clean = svr->listen_after_bind();
  done = true;
  waiter.join();
  (*log)->Message("info", "stopped");
  return clean || state.draining ? 0 : 1;
}
