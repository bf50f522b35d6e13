// kb-report: knowledge-gap insights from the usage log, and per-team verification lists, as Markdown (for a
// chat post) or JSON. All logic lives in libkb (kb/insights.h); this file parses arguments (CLI11) and prints.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "cli/flags.h"
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
  std::string command;  // insights | verify | help
  std::string log;
  std::string db;
  std::string today;
  std::string format = "markdown";
  kb::InsightsOptions insights;    // --days, --limit
  kb::VerificationOptions verify;  // --owner, --within, --limit
};

bool ParseArgs(int argc, char** argv, Args* args, std::string* error) {
  CLI::App app("kb-report", "kb-report");
  // Unknown options and arguments are reported below, in kb-report's words.
  app.allow_extras();
  app.require_subcommand(0, 1);
  CLI::App* insights = app.add_subcommand("insights");
  CLI::App* verify = app.add_subcommand("verify");
  CLI::App* help = app.add_subcommand("help");
  // --help prints kHelp (main), not CLI11's layout.
  for (CLI::App* sub : {&app, insights, verify, help}) kb::flags::AddHelp(sub);
  for (CLI::App* sub : {insights, verify}) {
    kb::flags::AddString(sub, "--db", &args->db);
    kb::flags::AddString(sub, "--today", &args->today);
    kb::flags::AddString(sub, "--format", &args->format);
  }
  kb::flags::AddString(insights, "--log", &args->log);
  kb::flags::AddNumber(insights, "--days", &args->insights.days, 1, 3650);
  kb::flags::AddNumber(insights, "--limit", &args->insights.limit, 1, 1000);
  kb::flags::AddString(verify, "--owner", &args->verify.owner);
  kb::flags::AddNumber(verify, "--within", &args->verify.horizon_days, 0, 3650);
  kb::flags::AddNumber(verify, "--limit", &args->verify.limit_per_owner, 1, 1000);
  try {
    kb::flags::Parse(&app, argc, argv);
  } catch (const CLI::CallForHelp&) {
    args->command = "help";
    return true;
  } catch (const CLI::ParseError& e) {
    *error = kb::flags::ErrorMessage(e);
    return false;
  }
  const std::vector<CLI::App*> parsed = app.get_subcommands();
  for (const std::string& extra : app.remaining(/*recurse=*/true)) {
    if (extra == "help") {  // `kb-report insights help` asks for help too
      args->command = "help";
      return true;
    }
  }
  if (const std::vector<std::string> extra = kb::flags::Unrecognised(app); !extra.empty()) {
    const std::string& first = extra.front();
    if (first.rfind("--", 0) == 0) {
      *error = "give the command (insights or verify) before " + first.substr(0, first.find('='));
    } else {
      *error = "unknown command '" + first + "'; use insights or verify";
    }
    return false;
  }
  if (parsed.empty()) return *error = "no command; use insights or verify", false;
  args->command = parsed.front()->get_name();
  if (args->command == "help") return true;
  if (const std::vector<std::string> extra = kb::flags::Unrecognised(*parsed.front()); !extra.empty()) {
    const std::string& arg = extra.front();
    if (arg.rfind('-', 0) == 0) {
      *error = "unknown option " + arg.substr(0, arg.find('=')) + " for " + args->command;
    } else {
      *error = "unexpected argument '" + arg + "'";
    }
    return false;
  }
  return true;
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
  if (args.format != "markdown" && args.format != "json") return Usage("--format must be markdown or json");
  std::int64_t now_ms = 0;
  if (!args.today.empty() && !EndOfDayMs(args.today, &now_ms)) return Usage("--today must be YYYY-MM-DD");

  std::unique_ptr<kb::Searcher> searcher;
  if (!args.db.empty()) {
    auto opened = kb::Searcher::Open({args.db});
    if (!opened.ok()) return Fail(kb::Status::IoError(opened.status().message()));
    searcher = std::move(*opened);
  }
  std::string out;
  if (args.command == "insights") {
    if (args.log.empty()) return Usage("insights needs --log PATH");
    kb::InsightsOptions options = args.insights;
    options.now_ms = now_ms;
    auto log = kb::UsageLog::Open(args.log, {.read_only = true});
    if (!log.ok()) return Fail(kb::Status::IoError(log.status().message()));
    kb::Result<kb::Insights> insights = kb::ComputeInsights(**log, searcher.get(), options);
    if (!insights.ok()) return Fail(insights.status());
    out = args.format == "json" ? kb::InsightsToJson(*insights) : kb::InsightsToMarkdown(*insights);
  } else {
    if (!searcher) return Usage("verify needs --db PATH");
    kb::VerificationOptions options = args.verify;
    options.today = args.today;
    kb::Result<kb::VerificationPlan> plan = kb::PlanVerification(*searcher, options);
    if (!plan.ok()) return Fail(plan.status());
    out = args.format == "json" ? kb::VerificationToJson(*plan) : kb::VerificationToMarkdown(*plan);
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
