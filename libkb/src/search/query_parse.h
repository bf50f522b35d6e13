// ParseText and TypingPrefix: how kb hands a query's text to Xapian's QueryParser (query_builder.cc's first step).
#ifndef KB_SRC_QUERY_PARSE_H_
#define KB_SRC_QUERY_PARSE_H_

#include <xapian.h>

#include <string>

#include "query_builder.h"

namespace kb::internal {

// Parses free text for one language. Typed text may use operators; pasted text (`prose`) is plain words.
// Falls back to plainer parsing when the syntax is broken (an unmatched quote or bracket is normal while
// typing), so a query never fails just for its punctuation.
Xapian::Query ParseText(const std::string& text, const std::string& lang, const QueryContext& ctx, bool partial,
                        bool prose, bool verbose);

// The last word is still being typed only if some indexed word starts with it and it is not a whole word:
// a complete word is searched as the final search will search it, and a word that nothing starts with is
// corrected as the final search would correct it. Either way the list does not change when typing stops.
bool TypingPrefix(const std::string& text, const Xapian::Database& db);

}  // namespace kb::internal

#endif  // KB_SRC_QUERY_PARSE_H_
