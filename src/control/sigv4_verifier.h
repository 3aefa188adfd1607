// SigV4 verification for the management API (AWS Signature Version 4, header form).
// Follows https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html and the
// wire facts in ../shared/reference/aws-cli-wire.md ("SigV4: what a server must verify").
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace portico::control {

struct SigV4Request {
  std::string_view method;  // "POST"
  std::string_view target;  // path (still percent-encoded) + optional "?query", exactly as received
  std::vector<std::pair<std::string, std::string>> headers;  // as received, any case
  std::string_view body;
};

struct SigV4Identity {
  std::string accessKeyId;
  std::string region;
  std::string service;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  /// The secret for an access key id, or nullopt if unknown.
  virtual std::optional<std::string> secretFor(std::string_view accessKeyId) const = 0;
};

/// Verifies the Authorization header against the credentials; 403 errors in AWS's words.
Result<SigV4Identity> verifySigV4(const SigV4Request& req, const CredentialSource& creds, const Clock& clock);

/// Lowercase hex SHA-256.
std::string sha256Hex(std::string_view data);
/// Raw HMAC-SHA256 bytes.
std::string hmacSha256(std::string_view key, std::string_view data);
/// The six-part canonical request for the given SignedHeaders list.
std::string canonicalRequest(const SigV4Request& req, std::string_view signedHeaders);

}  // namespace portico::control
