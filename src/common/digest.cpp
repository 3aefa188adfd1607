#include "common/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace portico {

std::string hexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string sha256Hex(std::string_view data) {
  return hexEncode(sha256(data));
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  static const unsigned char kNothing = 0;  // OpenSSL wants non-null pointers even for empty input
  unsigned char md[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  const void* keyPtr = key.empty() ? &kNothing : static_cast<const void*>(key.data());
  const auto* dataPtr = data.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, keyPtr, key.size(), dataPtr, data.size(), md, sizeof md,
                &len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string randomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (n && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("the system's random generator failed");
  }
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace portico
