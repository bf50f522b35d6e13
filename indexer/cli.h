// kb-index command line: parsing arguments into one struct, and the help texts.
#ifndef KB_INDEXER_CLI_H_
#define KB_INDEXER_CLI_H_

#include <cstddef>
#include <string>
#include <vector>

namespace kb::cli {

// Exit codes (documented in --help; scripts and CI depend on them).
inline constexpr int kExitOk = 0;
inline constexpr int kExitContent = 1;   // check found errors; build/update could index nothing
inline constexpr int kExitUsage = 2;     // bad arguments or source configuration
inline constexpr int kExitInternal = 3;  // I/O, database or internal error
inline constexpr int kExitBusy = 4;      // another indexer holds the database (build/update without --wait)

enum class Verbosity { kQuiet, kNormal, kVerbose };

struct Args {
  std::string command;  // build | update | check | stats | compact | help | version
  std::vector<std::string> sources;
  std::string db;
  std::string format = "text";  // check: text|json|github; stats: text|json
  std::string today;            // YYYY-MM-DD, "" = today
  bool strict = false;
  bool wait = false;
  std::string help_topic;  // `kb-index help CMD` or `kb-index CMD --help`
  Verbosity verbosity = Verbosity::kNormal;
  std::string progress = "auto";    // auto|always|never
  int shards = 0;                   // build/update: --shards N (0 = as the database is)
  std::size_t max_file_bytes = 0;   // build/update: --max-file-bytes N (0 = libkb's default, 4 MiB)
  std::size_t max_items = 1000000;  // build/update: --max-items N
};

// Parses argv. On a usage error returns false with `error` set.
bool ParseArgs(int argc, char** argv, Args* args, std::string* error);

// Help for a command ("" = overview).
std::string HelpText(const std::string& command);

}  // namespace kb::cli

#endif  // KB_INDEXER_CLI_H_
