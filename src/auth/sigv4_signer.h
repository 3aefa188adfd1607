// SigV4 signing for the requests Portico sends to AWS services (and to compatible local ones):
// the AWS4-HMAC-SHA256 Authorization header over the same canonical form the verifier checks
// (sigv4_canonical.h), with session tokens and S3's rules (the path signed as sent, the payload
// hash in x-amz-content-sha256, UNSIGNED-PAYLOAD on request).
#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "auth/sigv4_canonical.h"

namespace portico::auth {

/// An access key: id, secret and, for temporary credentials, the session token.
struct AwsCredentials {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;
};

struct SignOptions {
  std::string_view service;  // the credential scope's service ("dynamodb", "s3", "states", ...)
  std::string_view region;
  std::chrono::sys_seconds time;
  bool s3 = false;               // S3's rules: path not normalised or re-encoded, x-amz-content-sha256 sent
  bool unsignedPayload = false;  // x-amz-content-sha256: UNSIGNED-PAYLOAD instead of the body's hash
};

/// Signs a request in place. `target` is the path (percent-encoded as it will be sent) and query;
/// `headers` must hold Host. Adds X-Amz-Date, X-Amz-Security-Token (with a session token),
/// x-amz-content-sha256 (S3, or when unsignedPayload) and Authorization, replacing any already
/// there. Every header is signed except those a hop may change (Content-Length, User-Agent,
/// Connection, Expect, Transfer-Encoding, X-Amzn-Trace-Id).
void signRequest(std::string_view method, std::string_view target, sigv4::HeaderPairs& headers, std::string_view body,
                 const AwsCredentials& credentials, const SignOptions& options);

/// The Authorization value with its signature masked as API Gateway's execution log shows it:
/// everything but the last six characters replaced by '*'.
std::string redactAuthorization(std::string_view value);

}  // namespace portico::auth
