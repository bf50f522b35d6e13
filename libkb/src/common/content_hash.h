// The digest kb stores for each indexed file to detect changes (`kb-index update` re-parses a file only when
// its digest differs from the stored one).
#ifndef KB_SRC_CONTENT_HASH_H_
#define KB_SRC_CONTENT_HASH_H_

#include <string>
#include <string_view>

namespace kb::internal {

// Lowercase hex SHA-256 of `bytes` (64 characters); Item::content_hash and the source fingerprints hold it.
std::string ContentHash(std::string_view bytes);

}  // namespace kb::internal

#endif  // KB_SRC_CONTENT_HASH_H_
