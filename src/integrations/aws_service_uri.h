// The parts of an AWS integration's URI for a service other than Lambda:
//   arn:aws:apigateway:{region}:{subdomain.service|service}:action/{Action}[&name=value...]
//   arn:aws:apigateway:{region}:{subdomain.service|service}:path/{path}
// (https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html, `uri`), and what API
// Gateway adds for the service's protocol: JSON services get X-Amz-Target and their JSON content
// type on an action URI; query-protocol services (SQS, SNS, ...) Action= and Version=.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::integrations {

struct AwsServiceUri {
  std::string region;
  std::string subdomain;  // "" unless "sub.service"
  std::string service;
  bool action = false;                                            // action/... (else path/...)
  std::string actionName;                                         // action: "PutItem"
  std::vector<std::pair<std::string, std::string>> actionParams;  // action: the "&name=value" after it, decoded
  std::string path;  // path: "/" + what follows "path/" (placeholders already substituted)
};

/// nullopt when the URI is not of that form.
std::optional<AwsServiceUri> parseAwsServiceUri(std::string_view uri);

/// How a service speaks, for what API Gateway adds on an action URI.
struct ServiceProtocol {
  enum Kind { kRest, kJson, kQuery } kind = kRest;
  std::string_view targetPrefix;  // kJson: "DynamoDB_20120810" (X-Amz-Target: prefix.Action); "" = none added
  std::string_view contentType;   // kJson: "application/x-amz-json-1.0"; kQuery: form-urlencoded
  std::string_view version;       // kQuery: the API version ("2012-11-05" for SQS)
};
ServiceProtocol protocolOf(std::string_view service);

}  // namespace portico::integrations
