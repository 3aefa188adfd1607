// Hashes and MACs over byte strings (OpenSSL underneath): SigV4, code digests,
// and pre-signed URLs all need the same few.
#pragma once
#include <string>
#include <string_view>

namespace portico {

/// Lowercase hex of arbitrary bytes.
std::string hexEncode(std::string_view bytes);
/// Raw (32-byte) SHA-256 of `data`.
std::string sha256(std::string_view data);
/// Lowercase hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);
/// Raw (32-byte) HMAC-SHA256 of `data` under `key`.
std::string hmacSha256(std::string_view key, std::string_view data);

}  // namespace portico
