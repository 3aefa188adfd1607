// getS3Object: one S3 GetObject through the AwsClient (the configured S3 endpoint, path-style off
// AWS), read whole within a size and time bound: what Lambda's code from S3 and the custom-domain
// truststores from s3:// need. S3's own errors come back with their code and message.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/sigv4_signer.h"
#include "aws/aws_client.h"

namespace portico::aws {

struct S3Location {
  std::string bucket;
  std::string key;
  std::string versionId;  // empty: the current version
};

/// Whether `name` is a valid S3 bucket name (3-63 characters of [a-z0-9.-], alphanumeric at both ends).
bool validBucketName(std::string_view name);

/// "s3://bucket/key" → its parts (the key may hold '/'); nullopt when it is not one.
std::optional<S3Location> parseS3Uri(std::string_view uri);

struct S3Object {
  std::string body;
  std::string versionId;  // x-amz-version-id, when S3 gave one
};

/// What went wrong: S3 answered with an error (code/message from its XML, status), or it could not
/// be reached / answered more than the bound (unreachable, tooLarge; detail for the log).
struct S3Failure {
  int status = 0;  // 0 when S3 did not answer
  std::string code;
  std::string message;
  bool tooLarge = false;
  std::string detail;
};

boost::asio::awaitable<std::variant<S3Object, S3Failure>> getS3Object(
    const AwsClient& client, const auth::AwsCredentials& credentials, const std::string& region,
    const S3Location& where, unsigned workerIndex, std::chrono::milliseconds timeout, std::size_t maxBytes);

}  // namespace portico::aws
