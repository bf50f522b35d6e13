// kb::Source: one documentation tree (a directory or a git working tree) that the indexer reads, with the
// optional config file at its root, the files it selects and the git commit it is at.
//
// Usage:
//   auto source = kb::LoadSource("payments=../docs/payments");   // or just "../docs/payments"
//   if (!source.ok()) return source.status();
//   auto scan = kb::ScanSource(*source);                          // sorted Markdown files + skipped ones
//   for (const kb::SourceFile& f : scan->files) { ... kb::ReadSourceFile(*source, f.path) ... }
//
// The config file is `kb-source.yaml` at the source root (all keys optional):
//   name: payments                  # source name; NAME=DIR on the command line wins; default: dir basename
//   include: ["**/*.md", "**/*.markdown"]   # globs, relative to the root (this is the default)
//   exclude: ["README.md", "drafts/**"]     # globs; a pattern without '/' matches the file name anywhere
//   lang: en                        # default `lang` of items that do not say; default "en"
//   owner: payments-team            # default `owner` of items that do not say
//   id_prefix: "payments/"          # prepended to ids derived from paths (not to explicit `id:`)
//   required: [owner, kind, tier]   # front matter fields `check` requires (this is the default)
//   unknown_fields: error           # how `check` reports unknown front matter fields: error|warning|ignore
// Globs: `*` and `?` stay within one path segment, `**` spans segments (`**/` also matches nothing),
// `[abc]` is a character class; a trailing '/' means everything below that directory.
// Hidden files and directories (name starting with '.') are never read.
//
// `synonyms.txt` at the root, if present, holds synonym groups: one group per line, words separated by
// commas; lines starting with '#' are comments.
//
// `curation.yaml` at the root, if present, holds pin and hide rules (kb/curation.h); the indexer stores them
// in the database.
//
// Thread-safety: plain values and pure functions (they read the file system, never write it).
#ifndef KB_SOURCE_H_
#define KB_SOURCE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kb/item.h"
#include "kb/status.h"

namespace kb {

inline constexpr char kSourceConfigFile[] = "kb-source.yaml";
inline constexpr char kSynonymsFile[] = "synonyms.txt";

enum class UnknownFieldPolicy { kError, kWarning, kIgnore };

struct SourceConfig {
  // Default: {"**/*.md", "**/*.markdown"}.
  std::vector<std::string> include = {"**/*.md", "**/*.markdown"};
  std::vector<std::string> exclude;
  std::string lang = "en";
  std::string owner;
  std::string id_prefix;
  // Default: {"owner", "kind", "tier"}.
  std::vector<std::string> required = {"owner", "kind", "tier"};
  UnknownFieldPolicy unknown_fields = UnknownFieldPolicy::kError;
  std::string name;  // from the config's `name:`, "" if not set
};

struct Source {
  std::string name;       // unique among the sources of one database: [A-Za-z0-9._-], at most 64 bytes
  std::string root;       // the directory as given (used in messages and diagnostics)
  std::string real_root;  // absolute, symlinks resolved
  SourceConfig config;
  std::string config_path;                         // "" when the source has no config file
  std::vector<std::vector<std::string>> synonyms;  // from synonyms.txt
  std::string curation_path;                       // DisplayPath of curation.yaml; "" when the source has none
  std::string curation_text;                       // its bytes
  std::string commit;                              // git HEAD commit (40 hex digits), "" when not in a git working tree
  // Digest of everything besides a file's bytes that shapes its item (config, source name, schema):
  // when it changes, `update` re-parses every file of the source.
  std::string fingerprint;

  // How this source's files become items: its default lang and owner, and its id prefix.
  ParseOptions ItemParseOptions() const;
  // root/relative_path as shown to people ("content/payments/refunds.md"; no "./" prefix).
  std::string DisplayPath(std::string_view relative_path) const;
};

// A Markdown file selected by the config.
struct SourceFile {
  std::string path;  // relative to the root, '/'-separated
  std::uint64_t size = 0;
  // Size, modification and change times and inode as the scan found them ("" when unknown, or when the file
  // changed under two seconds before the scan and a later write in the same clock tick could keep them):
  // `update` does not read a file whose stamp equals the one its item was indexed with.
  std::string stamp;
};

// A file that is not indexed, and why.
struct SkippedFile {
  std::string source;
  std::string path;  // relative to the root
  std::string reason;
};

struct ScanResult {
  std::vector<SourceFile> files;     // sorted by path
  std::vector<SkippedFile> skipped;  // files that look like content but cannot be read (links, errors)
  std::size_t ignored = 0;           // files not selected by include/exclude, hidden files
};

// Loads "DIR" or "NAME=DIR": checks the directory, reads kb-source.yaml and synonyms.txt, detects the git
// commit. InvalidArgument for a bad name or config (message starts with "path:line:"), NotFound for a
// missing directory.
Result<Source> LoadSource(std::string_view arg);

// Parses the text of a kb-source.yaml; `path` is used in messages.
Result<SourceConfig> ParseSourceConfig(std::string_view path, std::string_view yaml);

// Parses the text of a synonyms.txt.
std::vector<std::vector<std::string>> ParseSynonyms(std::string_view text);

// Lists the source's Markdown files (sorted). Fails only if the root itself cannot be read.
Result<ScanResult> ScanSource(const Source& source);

// Reads one file of the source; files over `max_bytes` fail with InvalidArgument without being read.
Result<std::string> ReadSourceFile(const Source& source, std::string_view relative_path,
                                   std::uint64_t max_bytes = 4u << 20);

}  // namespace kb

#endif  // KB_SOURCE_H_
