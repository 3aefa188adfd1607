// The pieces of AWS Signature Version 4 that verifying (sigv4_verifier) and signing (sigv4_signer)
// share: the canonical URI, query and headers, the signing key chain and the
// ISO-8601 basic date. https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::auth::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";
inline constexpr std::string_view kSpaces = " \t\r\n";
/// The hash S3 takes for a payload it is told not to check.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

std::string_view trim(std::string_view s);
bool equalsIgnoreCase(std::string_view a, std::string_view b);
/// Splits on `sep`, keeping empty pieces.
std::vector<std::string_view> split(std::string_view s, char sep);

/// The canonical URI of a path as sent (percent-encoded once). Every service but S3: empty and dot
/// segments removed, each segment encoded again. S3 (`s3`): the path exactly as sent.
std::string canonicalUri(std::string_view path, bool s3 = false);
/// Each name and value decoded ('+' stays a plus) then strictly re-encoded (RFC 3986), sorted by name then value.
std::string canonicalQuery(std::string_view query);
/// "name:value\n" for each signed header; values trimmed, whitespace runs collapsed, repeats joined by ','.
std::string canonicalHeaders(const HeaderPairs& headers, std::string_view signedHeaders);
/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string deriveSigningKey(std::string_view secret, std::string_view date, std::string_view region,
                             std::string_view service);
/// "20150830T123600Z".
std::string formatIsoBasic(std::chrono::sys_seconds t);

}  // namespace portico::auth::sigv4
