// The one table of Xapian term prefixes and value slots used by kb (schema kb:schema = kSchemaVersion).
//
// Omega's conventions where one exists (Q unique id, S title, K keyword/tag, L language, Z stemmed);
// X-prefixes for the rest. Boolean filter terms are lowercase except error codes (uppercase, spaces kept).
#ifndef KB_SRC_TERM_PREFIXES_H_
#define KB_SRC_TERM_PREFIXES_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "kb/item.h"

namespace kb::internal {

// Xapian refuses terms over 245 bytes; kb writes and looks up no term longer than this, so a longer id, tag or
// code is neither indexed as a filter nor searched for.
inline constexpr std::size_t kMaxTermBytes = 240;

inline constexpr std::string_view kPrefixId = "Q";         // Q<id> exactly as written: the unique key
inline constexpr std::string_view kPrefixIdLower = "XID";  // XID<lowercase id>: `id:` filter, exact match
inline constexpr std::string_view kPrefixTitle = "S";      // free text of the title
inline constexpr std::string_view kPrefixTag = "K";        // K<tag>
inline constexpr std::string_view kPrefixLang = "L";       // L<lang>
inline constexpr std::string_view kPrefixOwner = "XO";
inline constexpr std::string_view kPrefixKind = "XK";
inline constexpr std::string_view kPrefixTier = "XT";  // XTl1 / XTl2
inline constexpr std::string_view kPrefixProduct = "XP";
inline constexpr std::string_view kPrefixCode = "XE";  // XE<ERROR_CODE> (uppercase)
inline constexpr std::string_view kPrefixSource = "XS";
inline constexpr std::string_view kPrefixHeading = "XH";  // free text of section headings
inline constexpr std::string_view kPrefixAlias = "XA";    // free text of aliases
inline constexpr std::string_view kPrefixFile = "XF";     // XF<source>:<path without extension>, lowercase
inline constexpr std::string_view kPrefixLink = "XL";     // XL<source>:<path> of each Markdown file it links to
static_assert(kPrefixId.size() + kMaxItemIdBytes == kMaxTermBytes, "an item's Q term is at most kMaxTermBytes");

// Value slots.
inline constexpr unsigned kSlotVerified = 0;    // YYYYMMDD
inline constexpr unsigned kSlotStaleAfter = 1;  // YYYYMMDD, empty when never stale
inline constexpr unsigned kSlotTitleSort = 2;   // lowercase title
inline constexpr unsigned kSlotHash = 3;        // content hash of the source file
inline constexpr unsigned kSlotKind = 4;        // facet values: one string per document
inline constexpr unsigned kSlotOwner = 5;
inline constexpr unsigned kSlotTier = 6;
inline constexpr unsigned kSlotProduct = 7;
inline constexpr unsigned kSlotLang = 8;
inline constexpr unsigned kSlotTags = 9;  // sorted tags joined by kTagSeparator; facets split them
inline constexpr unsigned kSlotSource = 10;
inline constexpr unsigned kSlotPath = 11;
inline constexpr unsigned kSlotId = 12;
inline constexpr unsigned kSlotBody = 13;     // the Markdown body, read only when an item is opened
inline constexpr unsigned kSlotBoost = 14;    // front matter `boost` as text ("0.5"), empty for 1
inline constexpr unsigned kSlotStarted = 15;  // incidents: `started` as written
inline constexpr unsigned kSlotUntil = 16;    // incidents: `until` as written
inline constexpr unsigned kSlotScope = 17;    // front matter `scope`: "process", "kb", empty for product items
inline constexpr unsigned kSlotStamp = 18;    // the file's SourceFile::stamp when indexed ("" if unknown)
inline constexpr unsigned kSlotRerank = 19;   // what the rerank reads, the match's sort key (rerank_key.h)

inline constexpr char kTagSeparator = '\x1f';

// Metadata keys (kb/indexer.h lists them).
// Synonym-table keys of the groups that hold a phrase ("amex, american express"): kSynonymForm + a form of the
// group, lowercased, its words joined by one space → each other form. Xapian's own synonyms (the QueryParser's)
// map one word to one term, so they cannot say that "amex" means the two words "american express".
inline constexpr std::string_view kSynonymForm = "=";
inline constexpr std::string_view kMetaSchema = "kb:schema";
inline constexpr std::string_view kMetaUpdated = "kb:updated";  // ISO-8601 UTC time of the last commit
inline constexpr char kMetaSources[] = "sources";               // the source names, one per line
inline constexpr char kMetaSynonyms[] = "synonyms:fingerprint";
// "source:NAME:WHAT", WHAT one of commit, root, fingerprint, owners.
inline std::string SourceKey(const std::string& name, const char* what) { return "source:" + name + ":" + what; }

// Weights (within-document frequency increments) that put titles and headings above body text.
inline constexpr unsigned kWdfTitle = 6;
inline constexpr unsigned kWdfAlias = 4;
inline constexpr unsigned kWdfHeading = 3;
inline constexpr unsigned kWdfTag = 2;
inline constexpr unsigned kWdfBody = 1;

}  // namespace kb::internal

#endif  // KB_SRC_TERM_PREFIXES_H_
