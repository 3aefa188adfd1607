// Base64 (RFC 4648, standard alphabet, padded): Lambda's ZipFile, client contexts,
// log tails, and binary payloads all travel this way. The URL-safe alphabet (RFC 4648 §5)
// is decoded for JSON Web Tokens and JSON Web Keys.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace portico {

std::string base64Encode(std::string_view bytes);
/// Decodes padded or unpadded base64 (whitespace ignored); nullopt when malformed.
std::optional<std::string> base64Decode(std::string_view text);
/// Decodes base64url ('-' and '_' for '+' and '/'), unpadded as JWS and JWK use it (RFC 7515 §2) or
/// correctly padded. Strict, since it reads security tokens: no whitespace, no characters of the
/// standard alphabet, and the unused bits of the last character must be zero. nullopt when malformed.
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace portico
