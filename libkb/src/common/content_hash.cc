// SHA-256 from OpenSSL's libcrypto, which uses the CPU's SHA extensions where it has them (kb-hash-bench,
// bench/README.md "Content digest": faster than the hand-written SHA-NI code it replaced, same digests).
#include "content_hash.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace kb::internal {

std::string ContentHash(std::string_view bytes) {
  // Fetched once: EVP_sha256() looks the algorithm up in OpenSSL 3's provider tables on every call, which
  // cost a quarter of the time of a short file.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (kSha256 == nullptr || EVP_Digest(bytes.data(), bytes.size(), digest, &size, kSha256, nullptr) != 1) {
    throw std::runtime_error("OpenSSL cannot compute SHA-256 (check the OpenSSL configuration, OPENSSL_CONF)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * size, '0');
  for (unsigned int i = 0; i < size; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace kb::internal
