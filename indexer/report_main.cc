// kb-report: knowledge-gap insights from the usage log, and per-team verification lists, as Markdown (for a
// chat post) or JSON. All logic lives in libkb (kb/insights.h); this file parses arguments and prints.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "kb/insights.h"
#include "kb/searcher.h"
#include "kb/usage_log.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;  // bad arguments
constexpr int kExitIo = 3;     // a log or index that cannot be read, or another error

constexpr const char* kHelp = R"(kb-report: what engineers looked for and did not find, and what to verify next.

Usage:
  kb-report insights --log PATH [--db PATH] [--days N] [--limit N] [--today YYYY-MM-DD]
                     [--format markdown|json]
      Top queries, queries with no results, queries with results but no click, most reported items,
      "the KB lacks this" reports, trend per day; with --db also stale items by owner and items never shown.
      --log   the usage log kb-server writes (--usage-log); read only
      --db    the kb database, for titles, owners and staleness (optional)
      --days  window in days up to today (default 30)
      --limit rows per list (default 20)
  kb-report verify --db PATH [--owner TEAM] [--within DAYS] [--limit N] [--today YYYY-MM-DD]
                   [--format markdown|json]
      Per owner team, the items past verified + verify_every (most overdue first), then those due within
      --within days (default 30), ready to post to the team. --limit caps items per team (default: all).
  kb-report help | --help | -h

Output goes to stdout; --format markdown (default) or json.
Exit codes: 0 ok, 2 usage error, 3 the log or database cannot be read (or another error).
)";

struct Args {
  std::string command;
  std::map<std::string, std::string> flags;
};

bool ParseArgs(int argc, char** argv, Args* args, std::string* error) {
  static const std::map<std::string, std::string_view> kAllowed = {{"insights", " log db days limit today format "},
                                                                   {"verify", " db owner within limit today format "}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      args->command = "help";
      return true;
    }
    if (arg.rfind("--", 0) != 0) {
      if (!args->command.empty()) return *error = "unexpected argument '" + arg + "'", false;
      if (!kAllowed.count(arg)) return *error = "unknown command '" + arg + "'; use insights or verify", false;
      args->command = arg;
      continue;
    }
    std::string name = arg.substr(2), value;
    const std::size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return *error = "--" + name + " needs a value", false;
    }
    if (args->command.empty()) return *error = "give the command (insights or verify) before --" + name, false;
    if (kAllowed.at(args->command).find(" " + name + " ") == std::string_view::npos) {
      return *error = "unknown option --" + name + " for " + args->command, false;
    }
    args->flags[name] = value;
  }
  if (args->command.empty()) return *error = "no command; use insights or verify", false;
  return true;
}

bool ParseInt(const std::string& s, int min, int max, int* out) {
  try {
    std::size_t used = 0;
    const int v = std::stoi(s, &used);
    if (used != s.size() || v < min || v > max) return false;
    *out = v;
    return true;
  } catch (...) {
    return false;
  }
}

// The last millisecond of YYYY-MM-DD (UTC), so that the whole day is in the window.
bool EndOfDayMs(const std::string& ymd, std::int64_t* ms) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (ymd.size() != 10 || std::sscanf(ymd.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return false;
  const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!date.ok()) return false;
  const auto day = std::chrono::sys_days(date) + std::chrono::days(1);
  *ms = std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count() - 1;
  return true;
}

int Fail(const kb::Status& status) {
  std::fprintf(stderr, "kb-report: %s\n", status.message().c_str());
  return status.code() == kb::StatusCode::kInvalidArgument ? kExitUsage : kExitIo;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "kb-report: %s\nRun kb-report --help for usage.\n", message.c_str());
  return kExitUsage;
}

int Run(const Args& args) {
  const auto flag = [&](const std::string& name) {
    auto it = args.flags.find(name);
    return it == args.flags.end() ? std::string() : it->second;
  };
  const std::string format = flag("format").empty() ? "markdown" : flag("format");
  if (format != "markdown" && format != "json") return Usage("--format must be markdown or json");
  int limit = 0;
  if (!flag("limit").empty() && !ParseInt(flag("limit"), 1, 1000, &limit)) return Usage("--limit must be 1..1000");
  std::int64_t now_ms = 0;
  if (!flag("today").empty() && !EndOfDayMs(flag("today"), &now_ms)) return Usage("--today must be YYYY-MM-DD");

  std::unique_ptr<kb::Searcher> searcher;
  if (!flag("db").empty()) {
    auto opened = kb::Searcher::Open({flag("db")});
    if (!opened.ok()) return Fail(kb::Status::IoError(opened.status().message()));
    searcher = std::move(*opened);
  }
  std::string out;
  if (args.command == "insights") {
    if (flag("log").empty()) return Usage("insights needs --log PATH");
    kb::InsightsOptions options;
    options.now_ms = now_ms;
    if (limit) options.limit = limit;
    if (!flag("days").empty() && !ParseInt(flag("days"), 1, 3650, &options.days)) {
      return Usage("--days must be 1..3650");
    }
    auto log = kb::UsageLog::Open(flag("log"), {.read_only = true});
    if (!log.ok()) return Fail(kb::Status::IoError(log.status().message()));
    kb::Result<kb::Insights> insights = kb::ComputeInsights(**log, searcher.get(), options);
    if (!insights.ok()) return Fail(insights.status());
    out = format == "json" ? kb::InsightsToJson(*insights) : kb::InsightsToMarkdown(*insights);
  } else {
    if (!searcher) return Usage("verify needs --db PATH");
    kb::VerificationOptions options;
    options.owner = flag("owner");
    options.today = flag("today");
    options.limit_per_owner = limit;
    if (!flag("within").empty() && !ParseInt(flag("within"), 0, 3650, &options.horizon_days)) {
      return Usage("--within must be 0..3650");
    }
    kb::Result<kb::VerificationPlan> plan = kb::PlanVerification(*searcher, options);
    if (!plan.ok()) return Fail(plan.status());
    out = format == "json" ? kb::VerificationToJson(*plan) : kb::VerificationToMarkdown(*plan);
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    return Fail(kb::Status::IoError("cannot write to stdout"));
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, &args, &error)) return Usage(error);
  if (args.command == "help") {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  try {
    return Run(args);
  } catch (const std::exception& e) {
    return Fail(kb::Status::Internal(e.what()));
  }
}
