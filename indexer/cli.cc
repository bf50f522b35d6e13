#include "cli.h"

#include <vector>

#include "cli/flags.h"

namespace kb::cli {
namespace {

constexpr char kExitCodes[] = R"(Exit codes:
  0  success (check: no errors; warnings are allowed unless --strict)
  1  content errors: check found errors (or warnings with --strict); build/update could index no file
  2  usage or configuration error: bad option, missing source directory, invalid kb-source.yaml
  3  I/O, database or internal error (the previous index is left as it was)
  4  the database is locked by another kb-index run (build/update/compact without --wait)
)";

constexpr char kSourceHelp[] = R"(Sources:
  SOURCE is DIR or NAME=DIR: a directory or git working tree of Markdown files. NAME (default: the
  config's `name`, else the directory's basename) is stored as each item's source; ids are unique
  across all sources of a database. An optional kb-source.yaml at DIR sets:
    name: payments                 include: ["**/*.md", "**/*.markdown"]   exclude: ["README.md"]
    lang: en    owner: payments-team    id_prefix: "payments/"
    required: [owner, kind, tier]  unknown_fields: error|warning|ignore    (both used by check)
  A synonyms.txt at DIR (comma-separated words per line, '#' comments) feeds query synonyms.
  A curation.yaml at DIR pins and hides items for queries (rules: [{queries, pin, hide, until, note}]);
  kb-index stores the rules in the database and a running kb-server takes them up with its next reload.
  Hidden files and directories are never read. For a git tree, the HEAD commit is recorded.
)";

constexpr char kOverview[] = R"(kb-index: build, update and check a kb knowledge-base index.

Usage:
  kb-index build  SOURCE... --db PATH [--shards N] [--wait] [-q|-v] [--progress auto|always|never]
  kb-index update SOURCE... --db PATH [--shards N] [--wait] [-q|-v] [--progress auto|always|never]
  kb-index check  [--format text|json|github] [--strict] [--today YYYY-MM-DD] SOURCE...
  kb-index stats  --db PATH [--format text|json] [--today YYYY-MM-DD]
  kb-index compact --db PATH [--wait] [-q]
  kb-index help [COMMAND] | COMMAND --help | --version

Commands:
  build   re-index every file, replacing everything the database held (one atomic commit)
  update  re-parse only changed files; remove deleted files and sources not given; move renamed ones
          (an index an older kb wrote is rebuilt from SOURCE...)
  check   validate every file without writing an index (the CI mode)
  stats   items by kind/owner/tier/lang/source, stale items by owner, size, schema, source commits
  compact rewrite the database compactly and swap it in atomically (build does this by itself)

Common options:
  -q, --quiet     print only errors
  -v, --verbose   print every file added, updated, moved, removed or skipped
  -h, --help      help for the command

)";

constexpr char kBuildHelp[] = R"(Usage: kb-index build|update SOURCE... --db PATH [options]

build reads and parses every file and replaces the whole database; update reads every file but parses
only those whose content (SHA-256), path or source config changed, removes items of deleted files and of
sources no longer given, and moves renamed files. Both leave the same index for the same trees.

A run is one atomic commit: killing it at any point leaves the previous index searchable (servers keep
answering) and the next run completes. A run that can index no file at all keeps the previous index.
build then compacts the database (see kb-index compact --help), so repeated builds do not grow it; update
rewrites only what changed and does not compact. update rebuilds (as build) an index an older kb wrote, and
says so; an index a newer kb wrote is refused (exit 2: upgrade kb).

Options:
  --db PATH         the database directory (created if missing)
  --shards N        write N shards: PATH/shard-0 .. shard-N-1, each item in shard FNV-1a(id) mod N, and
                    PATH/XAPIANDB listing them, so readers open PATH as one database; serve one shard
                    with xapian-tcpsrv PATH/shard-K. Default: as PATH already is (1 when new); another
                    count than PATH has is a usage error (build into a new path to reshard). Each shard
                    commits atomically; a run killed between shard commits is completed by the next.
  --wait            wait for another kb-index run on the same database instead of failing (exit 4)
  --max-file-bytes N  skip (and list as skipped, with size and limit) files larger than N bytes
                    (default 4194304)
  --max-items N     fail (exit 2, nothing written) when the sources hold more than N files
                    (default 1000000)
  --progress MODE   auto (default: a live progress line when stderr is a terminal, plain phase lines
                    otherwise), always, never
  -q, --quiet       print only errors
  -v, --verbose     also print "locked PATH" once the database is locked, then each file: added,
                    updated, moved, removed, skipped (unchanged files are not listed)

Output: a summary (files read and parsed; added/updated/moved/removed/unchanged/skipped counts; items
and scripted answers; time and throughput) on stdout, then every skipped file with its reason.

)";

constexpr char kCheckHelp[] =
    R"(Usage: kb-index check [--format text|json|github] [--strict] [--today YYYY-MM-DD] SOURCE...

Validates every selected file of the sources without writing any index, and reports:
  front-matter     YAML and front matter errors, bad field values, binary/non-UTF-8/oversize files
  missing-field    a field of the config's `required` list is absent (default: owner, kind, tier)
  unknown-field    a field kb does not know (severity: the config's unknown_fields; default error)
  unknown-kind     kind other than article/answer/incident   unknown-tier   tier other than L1/L2
  incident-until   an incident without `until`
  duplicate-id     two files with one id (across all sources)
  duplicate-code   one error code claimed by two articles
  broken-link      a relative link to a missing file     broken-anchor  a #anchor no heading/id matches
  placeholder      a malformed {{placeholder}} in a scripted answer
  future-verified  a `verified` date after today         empty-body     a body without text
  stale            (warning) past verified + verify_every
  io               a file or directory that cannot be read
  owners           owners.yaml at a source root cannot be parsed
  unknown-owner    an `owner` that the source's owners.yaml lacks (checked when the source has one)
  owner-contact    a team in owners.yaml with neither `contact` nor `oncall`
  placeholder-pattern  a bad `placeholders:` pattern, or one for a placeholder the answer does not use
  curation         curation.yaml: YAML, unknown keys, rules without queries or pin/hide, bad `until`
  curation-id      a curation rule pins or hides an id no file has
  curation-expired (warning) a curation rule whose `until` has passed

Options:
  --format text     path:line:col: error|warning: message [rule]    (default)
  --format json     {"files","errors","warnings","diagnostics":[{"path","line","column","severity","rule","message"}]}
  --format github   GitHub Actions annotations: ::error file=PATH,line=L,col=C,title=kb check RULE::MESSAGE
  --strict          warnings fail the check too (exit 1)
  --today DATE      judge staleness and future dates against DATE instead of today (UTC)
A count summary goes to stderr (not with --quiet).

)";

constexpr char kStatsHelp[] = R"(Usage: kb-index stats --db PATH [--format text|json] [--today YYYY-MM-DD]

Prints the items by kind, owner, tier, language and source, the stale items by owner, the index size on
disk, the schema version, the time of the last commit, and each source's directory and git commit.
Safe to run while an indexer writes the database.

)";

constexpr char kCompactHelp[] = R"(Usage: kb-index compact --db PATH [--wait] [-q]

Rewrites the database at PATH (every shard of a sharded one) with Xapian's compactor into a sibling
directory (.NAME.compact) and swaps it in with one atomic rename, under the database's write lock. A
server reading PATH keeps answering from the old files and then opens the new ones; it never sees a
half-written database. Needs free space for one more copy. kb-index build compacts by itself; run this
after many updates. Prints the size before and after.

Options:
  --wait     wait for another kb-index run on the same database instead of failing (exit 4)
  -q         print only errors

)";

}  // namespace

std::string HelpText(const std::string& command) {
  if (command == "build" || command == "update") return std::string(kBuildHelp) + kSourceHelp + "\n" + kExitCodes;
  if (command == "check") return std::string(kCheckHelp) + kSourceHelp + "\n" + kExitCodes;
  if (command == "stats") return std::string(kStatsHelp) + kExitCodes;
  if (command == "compact") return std::string(kCompactHelp) + kExitCodes;
  return std::string(kOverview) + kSourceHelp + "\n" + kExitCodes;
}

bool ParseArgs(int argc, char** argv, Args* args, std::string* error) {
  CLI::App app("kb-index: build, update and check a kb knowledge-base index.", "kb-index");
  // Unknown options and commands are reported below, in the words kb-index has always used.
  app.allow_extras();
  app.require_subcommand(0, 1);  // a SOURCE named like a command stays a SOURCE
  // --help prints the texts above (main.cc), not CLI11's layout, which would lose their columns and examples.
  std::string help_for;  // the command whose --help was asked for; "" = kb-index's own or help's
  flags::AddHelp(&app);
  bool version = false;
  app.add_flag("--version", version)->disable_flag_override();

  const auto command = [&](const std::string& name) {
    CLI::App* sub = app.add_subcommand(name);
    sub->allow_extras();
    flags::AddHelp(sub, name == "help" ? nullptr : &help_for);
    // The last of -q and -v counts.
    sub->add_flag_callback("-q,--quiet", [args] { args->verbosity = Verbosity::kQuiet; })
        ->disable_flag_override()
        ->trigger_on_parse();
    sub->add_flag_callback("-v,--verbose", [args] { args->verbosity = Verbosity::kVerbose; })
        ->disable_flag_override()
        ->trigger_on_parse();
    if (name == "help") {
      sub->add_option("COMMAND", args->help_topic);
    } else {
      sub->add_option("SOURCE", args->sources);
    }
    return sub;
  };
  constexpr std::size_t kMaxCount = 999999999999;  // 12 digits
  for (const char* name : {"build", "update"}) {
    CLI::App* sub = command(name);
    flags::AddString(sub, "--db", &args->db);
    flags::AddNumber(sub, "--shards", &args->shards, 1, 256);
    sub->add_flag("--wait", args->wait)->disable_flag_override();
    flags::AddNumber<std::size_t>(sub, "--max-file-bytes", &args->max_file_bytes, 1, kMaxCount);
    flags::AddNumber<std::size_t>(sub, "--max-items", &args->max_items, 1, kMaxCount);
    flags::AddString(sub, "--progress", &args->progress);
  }
  CLI::App* check = command("check");
  flags::AddString(check, "--format", &args->format);
  check->add_flag("--strict", args->strict)->disable_flag_override();
  flags::AddString(check, "--today", &args->today);
  CLI::App* stats = command("stats");
  flags::AddString(stats, "--db", &args->db);
  flags::AddString(stats, "--format", &args->format);
  flags::AddString(stats, "--today", &args->today);
  CLI::App* compact = command("compact");
  flags::AddString(compact, "--db", &args->db);
  compact->add_flag("--wait", args->wait)->disable_flag_override();
  command("help");

  try {
    flags::Parse(&app, argc, argv);
  } catch (const CLI::CallForHelp&) {
    // `kb-index CMD --help` is `kb-index help CMD`.
    args->command = "help";
    if (!help_for.empty()) args->help_topic = help_for;
    return true;
  } catch (const CLI::ParseError& e) {
    *error = flags::ErrorMessage(e);
    return false;
  }
  if (version) {
    args->command = "version";
    return true;
  }
  const std::vector<CLI::App*> parsed = app.get_subcommands();
  if (const std::vector<std::string> extra = flags::Unrecognised(app); !extra.empty()) {
    const std::string& first = extra.front();
    *error = first.empty() || first[0] == '-' ? "expected a command before '" + first + "'"
                                              : "unknown command '" + first + "'";
    return false;
  }
  if (parsed.empty()) {
    *error = "no command given";
    return false;
  }
  args->command = parsed.front()->get_name();
  if (const std::vector<std::string> extra = flags::Unrecognised(*parsed.front()); !extra.empty()) {
    const std::string& arg = extra.front();
    *error = arg.rfind('-', 0) == 0 ? "unknown option '" + arg.substr(0, arg.find('=')) + "' for " + args->command
                                    : "unexpected argument '" + arg + "' for " + args->command;
    return false;
  }
  if (args->command == "help") return true;

  const bool writes = args->command == "build" || args->command == "update";
  const bool db_only = args->command == "stats" || args->command == "compact";
  if ((writes || db_only) && args->db.empty()) {
    *error = args->command + " needs --db PATH";
  } else if ((writes || args->command == "check") && args->sources.empty()) {
    *error = args->command + " needs at least one SOURCE directory";
  } else if (db_only && !args->sources.empty()) {
    *error = args->command + " takes no SOURCE (got '" + args->sources.front() + "')";
  } else if (args->command == "check" && args->format != "text" && args->format != "json" && args->format != "github") {
    *error = "--format must be text, json or github, not '" + args->format + "'";
  } else if (args->command == "stats" && args->format != "text" && args->format != "json") {
    *error = "--format must be text or json, not '" + args->format + "'";
  } else if (args->progress != "auto" && args->progress != "always" && args->progress != "never") {
    *error = "--progress must be auto, always or never, not '" + args->progress + "'";
  }
  return error->empty();
}

}  // namespace kb::cli
