// The one check of a database's schema version (metadata kb:schema) against this kb's kSchemaVersion, shared
// by the readers (Searcher::Open) and the writer (IndexWriter::Open, for update), so that both name the
// command that fixes a database written by another version of kb.
#ifndef KB_SRC_SCHEMA_H_
#define KB_SRC_SCHEMA_H_

#include <string>

#include "kb/status.h"

namespace kb::internal {

// Ok when `found` (the kb:schema value of the database at `path`) is this kb's schema, or empty (a database
// no kb has committed to yet). Otherwise InvalidArgument saying which versions differ and to rebuild with
// "kb-index build SOURCE... --db PATH" (or, for a newer schema, to upgrade kb).
Status CheckSchema(const std::string& found, const std::string& path);

// The schema version of the kb database at `path` (its first shard) when it is older than this kb's, else ""
// (no database, an empty one, this schema or a newer one). Errors: the database cannot be read.
Result<std::string> OlderSchema(const std::string& path);

}  // namespace kb::internal

#endif  // KB_SRC_SCHEMA_H_
