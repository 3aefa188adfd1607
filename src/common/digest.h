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
/// n bytes from OpenSSL's cryptographically secure generator (keys, session nonces).
std::string randomBytes(std::size_t n);
/// Equality that takes the same time wherever the strings differ (secrets, MACs).
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace portico
