// Where Portico reaches each AWS service: AWS's regional endpoint (https://{service}.{region}.amazonaws.com)
// unless an override names another, e.g. a local S3 or DynamoDB. Overrides, strongest first: the
// --aws-endpoint SERVICE=URL flags (and the config file), PORTICO_AWS_ENDPOINT_<SERVICE>, the SDKs'
// standard AWS_ENDPOINT_URL_<SERVICE_ID>, then AWS_ENDPOINT_URL for every service.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace portico::aws {

/// Environment variables by name: the process's (processEnvironment()) or a test's.
using Environment = std::map<std::string, std::string, std::less<>>;
Environment processEnvironment();

struct Endpoint {
  std::string url;  // "https://dynamodb.us-east-1.amazonaws.com" or the override, without a trailing '/'
  bool aws = true;  // AWS's own endpoint (S3 may then address a bucket by virtual host)
};

class AwsEndpoints {
 public:
  /// `flags`: "service=URL" each (the service as in integration URIs: s3, dynamodb, sqs, states, ...).
  /// A malformed flag or a URL that is not http(s)://host[:port][/path] is a ValidationException.
  static Result<AwsEndpoints> configure(const std::vector<std::string>& flags, const Environment& env);

  Endpoint forService(std::string_view service, std::string_view region) const;
  /// Every service with an override (flag or PORTICO_/AWS_ENDPOINT_URL_ variable), by service name.
  const std::map<std::string, std::string, std::less<>>& overrides() const { return overrides_; }
  /// AWS_ENDPOINT_URL, when set.
  const std::optional<std::string>& global() const { return global_; }

 private:
  std::map<std::string, std::string, std::less<>> overrides_;
  std::optional<std::string> global_;
};

/// The endpoint prefix for an SDK service id (the inverse): "SFN" → "states", "DYNAMODB" → "dynamodb".
std::string serviceOfSdkId(std::string_view id);
/// The SDKs' service id for a service's endpoint prefix, as it appears in AWS_ENDPOINT_URL_<ID>:
/// "states" → "SFN", "apigateway" → "API_GATEWAY", "dynamodb" → "DYNAMODB".
std::string sdkServiceId(std::string_view service);

}  // namespace portico::aws
