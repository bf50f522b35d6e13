// kb::Item: one Markdown file of the knowledge base (an article, a scripted answer or an incident note), and the parser
// that turns a file's bytes into one.
//
// A file is YAML front matter between `---` lines followed by a CommonMark body. Parsing never throws and
// never crashes on hostile input: a malformed file yields a Status whose message starts with `path:line:`.
//
// Thread-safety: ParseItem is reentrant; Items are plain values.
#ifndef KB_ITEM_H_
#define KB_ITEM_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kb/status.h"

namespace kb {

// Longest item id, in bytes: an id is stored as one Xapian term, and Xapian bounds the length of terms. An
// item with a longer id is not indexed, and no item is found by a longer id.
inline constexpr std::size_t kMaxItemIdBytes = 239;

enum class Kind { kArticle, kAnswer, kIncident };
enum class Tier { kUnset, kL1, kL2 };

const char* KindName(Kind kind);  // "article" | "answer" | "incident"
const char* TierName(Tier tier);  // "" | "L1" | "L2"

// A part of the body under one heading. The text before the first heading is a section whose title is the
// item title, level 0 and anchor "".
struct Section {
  std::string title;
  int level = 0;       // heading level 1..6; 0 for the lead section
  std::string anchor;  // GitHub-style: "how-to-refund-a-payment", de-duplicated with -1, -2, ...
  std::string text;    // plain text of the section (paragraphs, lists, code), no Markdown syntax
  int line = 0;        // 1-based line of the heading in the file
};

struct CodeBlock {
  std::string language;  // first word of the fence info string; "" if none
  std::string code;
  int line = 0;
};

struct Link {
  std::string target;  // as written: "refunds.md#partial-refunds", "https://…", "#anchor"
  std::string text;
  int line = 0;
};

// A diagnostic about a file, for the indexer's summary and for `kb-index check`.
struct Diagnostic {
  enum class Severity { kWarning, kError };
  Severity severity = Severity::kError;
  std::string path;
  int line = 0;
  int column = 0;
  std::string message;
};

struct Item {
  std::string id;     // front matter `id`, default: path without extension relative to the source root
  std::string title;  // front matter `title`, default: first `#` heading, else the file name
  Kind kind = Kind::kArticle;
  std::vector<std::string> tags;
  std::string product;
  std::string owner;  // team to escalate to
  Tier tier = Tier::kUnset;
  std::string lang;           // ISO 639-1 code ("en", "tr", ...); "" = the source default
  std::string verified;       // YYYY-MM-DD, "" if never
  int verify_every_days = 0;  // 0 = no verification interval
  std::vector<std::string> aliases;
  std::vector<std::string> error_codes;  // as written: "ERR_CARD_DECLINED", "E1042", "HTTP 502"
  std::string summary;                   // front matter `description`/`summary`, if any
  // Front matter `boost`: the item's search score is multiplied by this (0.05-20). Below 1 for items about
  // the knowledge base itself (how to search it, how to write for it), which quote product words as examples
  // and must not outrank the product articles. Default: 1.
  double boost = 1.0;
  // Front matter `scope`: "process" for items about doing support itself (shifts, triage, escalation, writing
  // to customers), "kb" for items about the knowledge base itself (how to search it, how to write for it), ""
  // (or "product") for items about the product. A typed question in the first person ("who do I escalate a
  // stuck payout to") ranks process and kb items higher (RankingOptions::process_factor); kb items rank below
  // product items unless the query names their title (RankingOptions::about_kb_factor).
  std::string scope;
  // Incidents (`kind: incident`): when it began and when its banner ends by itself, as written (date-times
  // with a zone, or dates; see kb::ParseDateTime). "" if not given.
  std::string started;
  std::string until;

  std::string path;    // path relative to the source root, e.g. "payments/refunds.md"
  std::string source;  // source name (the indexer sets it)
  std::string body;    // the Markdown body without front matter
  int body_line = 1;   // file line on which `body` starts (front matter lines are skipped)
  std::vector<Section> sections;
  std::vector<CodeBlock> code_blocks;
  std::vector<Link> links;
  std::vector<std::string> placeholders;  // scripted answers: {{names}} in order of first use
  // Scripted answers: front matter `placeholders: {payment_id: "pay_[A-Za-z0-9]+"}`, a placeholder → the
  // ECMAScript regular expression one whole word of a ticket must match to fill it (kb/assist.h).
  std::map<std::string, std::string> placeholder_patterns;
  std::string content_hash;  // hex digest of the file bytes (for incremental updates)
  std::string file_stamp;    // SourceFile::stamp of the file it was read from (the indexer sets it)

  std::vector<Diagnostic> warnings;  // non-fatal problems found while parsing (unknown fields, ...)

  // Date after which the item is stale (YYYY-MM-DD), "" if it has no verified date or no interval.
  std::string StaleAfter() const;
  // True when StaleAfter() is before `today` (YYYY-MM-DD).
  bool IsStaleOn(std::string_view today) const;
};

struct ParseOptions {
  // Default language for items that do not say (`lang:`). Default: "en".
  std::string default_lang = "en";
  // Default owner for items that do not say.
  std::string default_owner;
  // Prefix for ids derived from the path (not for explicit `id:`), e.g. "payments/". Default: none.
  std::string id_prefix;
  // Files larger than this are rejected. Default: 4 MiB.
  std::size_t max_file_bytes = 4u << 20;
};

// Parses one file. `path` is relative to the source root and is used for the default id and in messages.
// Rejects binary (NUL bytes) and non-UTF-8 input, oversize files, and malformed front matter.
Result<Item> ParseItem(std::string_view path, std::string_view bytes, const ParseOptions& options = {});

// Reads and parses `root`/`relative_path`.
Result<Item> ParseFile(const std::string& root, const std::string& relative_path, const ParseOptions& options = {});

// GitHub-style heading anchor: lowercase, punctuation dropped, spaces to '-'. Not de-duplicated.
std::string MakeAnchor(std::string_view heading);

// Renders Markdown to safe HTML (raw HTML and unsafe links dropped) with `id` anchors on headings that match
// Section::anchor.
std::string RenderHtml(std::string_view markdown);

// Today's date as YYYY-MM-DD (UTC).
std::string Today();

// True if `text` is well-formed UTF-8 (no overlong forms, surrogates, code points over U+10FFFF or cut-short
// sequences): what ParseItem and Searcher::Search require of their input.
bool IsValidUtf8(std::string_view text);

}  // namespace kb

#endif  // KB_ITEM_H_
