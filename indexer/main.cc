// kb-index: parse arguments → libkb (LoadSource, BuildIndex/UpdateIndex, Check, ReadIndexStats, CompactIndex) → output
// and exit code. All logic lives in libkb; this file only wires it to a terminal.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli.h"
#include "cli/allocator.h"
#include "kb/check.h"
#include "kb/index_writer.h"
#include "kb/indexer.h"
#include "kb/source.h"
#include "output.h"

namespace kb::cli {
namespace {

// The one mapping from a libkb Status to an exit code.
int ExitCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kBusy: return kExitBusy;
    default: return kExitInternal;
  }
}

int Fail(const Status& status, const std::string& hint = "") {
  std::fprintf(stderr, "kb-index: %s%s\n", status.message().c_str(), hint.c_str());
  return ExitCode(status);
}

Status LoadSources(const std::vector<std::string>& args, std::vector<Source>* sources) {
  for (const std::string& arg : args) {
    Result<Source> source = LoadSource(arg);
    if (!source.ok()) {
      // A missing or unreadable source directory is a mistake on the command line, not in the index.
      if (source.status().code() == StatusCode::kNotFound) return Status::InvalidArgument(source.status().message());
      return source.status();
    }
    sources->push_back(std::move(source).value());
  }
  return Status::Ok();
}

int RunIndex(const Args& args, const std::vector<Source>& sources) {
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  const bool show = args.verbosity != Verbosity::kQuiet && args.progress != "never";
  ProgressPrinter progress(/*live=*/args.progress == "always" || (args.progress == "auto" && tty), show);
  IndexerOptions options;
  options.db_path = args.db;
  options.wait_for_lock = args.wait;
  options.shards = args.shards;
  options.max_file_bytes = args.max_file_bytes;
  options.max_items = args.max_items;
  options.progress = [&](const IndexProgress& p) { progress.Update(p); };
  // Skipped files are kept for the failure message when nothing at all could be indexed.
  std::vector<SkippedFile> skipped;
  options.on_file = [&](const FileEvent& e) {
    if (e.action == FileAction::kSkipped) skipped.push_back({e.source, e.path, e.detail});
    if (args.verbosity != Verbosity::kVerbose) return;
    progress.Clear();
    PrintFileEvent(e);
  };
  if (args.verbosity == Verbosity::kVerbose) {
    options.on_locked = [&] {
      std::printf("locked %s\n", args.db.c_str());
      std::fflush(stdout);
    };
  }
  const bool build = args.command == "build";
  Result<IndexSummary> summary = build ? BuildIndex(sources, options) : UpdateIndex(sources, options);
  progress.Clear();
  if (!summary.ok()) {
    const Status& s = summary.status();
    if (s.code() == StatusCode::kNotFound) {
      std::fprintf(stderr, "kb-index: %s\n", s.message().c_str());
      PrintSkipped(sources, skipped, stderr);
      return kExitContent;  // nothing could be indexed
    }
    if (s.code() == StatusCode::kBusy) {
      return Fail(s, "\n  another kb-index run is writing " + args.db +
                         "; try again when it has finished, or pass --wait to queue behind it");
    }
    if (s.code() == StatusCode::kIoError || s.code() == StatusCode::kCorruption) {
      // Nothing was committed: say so, and where, since the message may only name the file being indexed.
      return Fail(s, "\n  nothing was committed to " + args.db +
                         (s.code() == StatusCode::kCorruption
                              ? "; the database is damaged: move it away and run kb-index build"
                              : "; the previous index is unchanged. Check free space and permissions, then run again"));
    }
    return Fail(s);
  }
  PrintIndexSummary(args.command, args.db, sources, *summary, args.verbosity);
  return kExitOk;
}

int RunCheck(const Args& args, const std::vector<Source>& sources) {
  CheckOptions options;
  options.today = args.today;
  Result<CheckReport> report = Check(sources, options);
  if (!report.ok()) return Fail(report.status());
  PrintCheckReport(*report, args.format, args.verbosity);
  if (report->errors > 0 || (args.strict && report->warnings > 0)) return kExitContent;
  return kExitOk;
}

int RunStats(const Args& args) {
  if (::access(args.db.c_str(), F_OK) != 0) {
    std::fprintf(stderr, "kb-index: %s: no such database; build one with kb-index build\n", args.db.c_str());
    return kExitUsage;
  }
  Result<IndexStats> stats = ReadIndexStats(args.db, args.today);
  if (!stats.ok()) return Fail(stats.status());
  PrintStats(args.db, *stats, args.format);
  return kExitOk;
}

int RunCompact(const Args& args) {
  Result<CompactSummary> summary = CompactIndex(args.db, args.wait);
  if (!summary.ok()) {
    const Status& s = summary.status();
    if (s.code() == StatusCode::kNotFound) {
      Fail(s);
      return kExitUsage;
    }
    if (s.code() == StatusCode::kBusy) {
      return Fail(s, "\n  another kb-index run is writing " + args.db +
                         "; try again when it has finished, or pass --wait to queue behind it");
    }
    return Fail(s);
  }
  if (args.verbosity != Verbosity::kQuiet) {
    std::printf("compact %s: %.1f MB -> %.1f MB in %.2f s\n", args.db.c_str(), summary->bytes_before / 1e6,
                summary->bytes_after / 1e6, summary->seconds);
  }
  return kExitOk;
}

int Main(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, &args, &error)) {
    std::fprintf(stderr, "kb-index: %s\nRun 'kb-index --help' for usage.\n", error.c_str());
    return kExitUsage;
  }
  if (args.command == "version") {
    std::printf("kb-index (kb) schema %d\nallocator: %s\n", kSchemaVersion, kb::flags::AllocatorName().c_str());
    return kExitOk;
  }
  if (args.command == "help") {
    std::printf("%s", HelpText(args.help_topic).c_str());
    return kExitOk;
  }
  if (args.command == "stats") return RunStats(args);
  if (args.command == "compact") return RunCompact(args);
  std::vector<Source> sources;
  if (Status s = LoadSources(args.sources, &sources); !s.ok()) return Fail(s);
  if (args.command == "check") return RunCheck(args, sources);
  return RunIndex(args, sources);
}

}  // namespace
}  // namespace kb::cli

int main(int argc, char** argv) {
  // Past a file-size limit (ulimit -f) a write fails with EFBIG, reported like a full disk, instead of
  // the default SIGXFSZ killing the run without a word.
  ::signal(SIGXFSZ, SIG_IGN);
  try {
    return kb::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    // libkb returns Status; only the output layer (allocation, JSON) can throw.
    std::fprintf(stderr, "kb-index: internal error: %s\n", e.what());
    return kb::cli::kExitInternal;
  }
}
