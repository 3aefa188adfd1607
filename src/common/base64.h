// Base64 (RFC 4648, standard alphabet, padded): Lambda's ZipFile, client contexts,
// log tails, and binary payloads all travel this way.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace portico {

std::string base64Encode(std::string_view bytes);
/// Decodes padded or unpadded base64 (whitespace ignored); nullopt when malformed.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace portico
