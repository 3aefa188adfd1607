#include "integrations/aws_service_uri.h"

#include <array>

#include "common/uri_encoding.h"

namespace portico::integrations {
namespace {

struct KnownService {
  std::string_view service;
  ServiceProtocol protocol;
};

constexpr std::string_view kJson10 = "application/x-amz-json-1.0", kJson11 = "application/x-amz-json-1.1";
constexpr std::string_view kForm = "application/x-www-form-urlencoded";

// JSON services get their target prefix on action URIs; EventBridge does not (its templates set the
// target: aws-production-features.md §5). Query services: their API version.
constexpr std::array<KnownService, 12> kServices = {{
    {"dynamodb", {ServiceProtocol::kJson, "DynamoDB_20120810", kJson10, ""}},
    {"kinesis", {ServiceProtocol::kJson, "Kinesis_20131202", kJson11, ""}},
    {"firehose", {ServiceProtocol::kJson, "Firehose_20150804", kJson11, ""}},
    {"states", {ServiceProtocol::kJson, "AWSStepFunctions", kJson10, ""}},
    {"ssm", {ServiceProtocol::kJson, "AmazonSSM", kJson11, ""}},
    {"logs", {ServiceProtocol::kJson, "Logs_20140328", kJson11, ""}},
    {"events", {ServiceProtocol::kJson, "", kJson11, ""}},
    {"sqs", {ServiceProtocol::kQuery, "", kForm, "2012-11-05"}},
    {"sns", {ServiceProtocol::kQuery, "", kForm, "2010-03-31"}},
    {"sts", {ServiceProtocol::kQuery, "", kForm, "2011-06-15"}},
    {"cloudformation", {ServiceProtocol::kQuery, "", kForm, "2010-05-15"}},
    {"ses", {ServiceProtocol::kQuery, "", kForm, "2010-12-01"}},
}};

}  // namespace

std::optional<AwsServiceUri> parseAwsServiceUri(std::string_view uri) {
  // arn : partition : apigateway : region : [sub.]service : rest
  std::array<std::string_view, 5> head;
  for (auto& part : head) {
    auto colon = uri.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = uri.substr(0, colon);
    uri.remove_prefix(colon + 1);
  }
  if (head[0] != "arn" || !head[1].starts_with("aws") || head[2] != "apigateway" || head[4].empty()) {
    return std::nullopt;
  }
  AwsServiceUri out;
  out.region = std::string(head[3]);
  if (auto dot = head[4].rfind('.'); dot != std::string_view::npos) {
    out.subdomain = std::string(head[4].substr(0, dot));
    out.service = std::string(head[4].substr(dot + 1));
  } else {
    out.service = std::string(head[4]);
  }
  if (out.service.empty()) return std::nullopt;
  if (uri.starts_with("action/")) {
    std::string_view rest = uri.substr(7);
    out.action = true;
    auto amp = rest.find('&');
    out.actionName = std::string(rest.substr(0, amp));
    if (out.actionName.empty()) return std::nullopt;
    while (amp != std::string_view::npos) {
      rest.remove_prefix(amp + 1);
      amp = rest.find('&');
      std::string_view item = rest.substr(0, amp);
      if (item.empty()) continue;
      auto eq = item.find('=');
      out.actionParams.emplace_back(percentDecode(item.substr(0, eq)),
                                    eq == std::string_view::npos ? "" : percentDecode(item.substr(eq + 1)));
    }
    return out;
  }
  if (uri.starts_with("path/")) {
    std::string_view path = uri.substr(5);
    while (path.starts_with('/')) path.remove_prefix(1);  // "path//" is the service's root
    out.path = "/" + std::string(path);
    return out;
  }
  return std::nullopt;
}

ServiceProtocol protocolOf(std::string_view service) {
  for (const auto& known : kServices) {
    if (known.service == service) return known.protocol;
  }
  return {};
}

}  // namespace portico::integrations
