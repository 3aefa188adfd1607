// AWS integration with a service other than Lambda (S3, DynamoDB, SQS, SNS, Step Functions,
// Kinesis, ...): the mapped request goes to the service named by the integration URI, SigV4-signed
// with the integration's credentials, through aws::AwsClient. On an action URI API Gateway adds
// what the service's protocol needs (X-Amz-Target and the JSON content type; Action= and Version=
// for query-protocol services); on a path URI the request is the service's REST call. The status
// code the service answers selects the integration response.
// Facts: aws-production-features.md §5;
// https://docs.aws.amazon.com/apigateway/latest/developerguide/integrating-api-with-aws-services-s3.html
#include <spdlog/spdlog.h>

#include "auth/sigv4_verifier.h"
#include "aws/aws_client.h"
#include "aws/aws_credentials.h"
#include "common/uri_encoding.h"
#include "gateway/parameter_mapping.h"
#include "http/http_url.h"
#include "integrations/aws_service_uri.h"
#include "integrations/integrations.h"

namespace portico::integrations {
namespace {

using gateway::GatewayError;

GatewayError configurationError(const gateway::RequestContext& ctx, const std::string& why) {
  spdlog::warn("request {}: AWS integration: {}", ctx.requestId, why);
  return GatewayError{.responseType = "API_CONFIGURATION_ERROR", .message = "Internal server error", .detail = why};
}

bool hasHeader(const gateway::HeaderList& headers, std::string_view name) {
  return gateway::findHeader(headers, name).has_value();
}

void appendQuery(std::string& query, std::string_view name, std::string_view value) {
  if (!query.empty()) query += '&';
  query += percentEncode(name) + '=' + percentEncode(value);
}

bool formHas(std::string_view body, std::string_view name) {
  for (const auto& [k, v] : parseQuery(body)) {
    if (k == name) return true;
  }
  return false;
}

class AwsServiceIntegration final : public Integration {
 public:
  AwsServiceIntegration(const aws::AwsClient& client, const aws::AwsCredentialChain& chain,
                        const auth::CredentialSource& callers, std::string defaultRegion)
      : client_(client), chain_(chain), callers_(callers), defaultRegion_(std::move(defaultRegion)) {}

  gateway::StageResult prepare(gateway::RequestContext& ctx) override {
    auto& ir = ctx.integrationRequest;
    const auto& integration = *ctx.match.method->integration;
    std::string_view arn = ir.url, mappedQuery;
    if (auto q = arn.find('?'); q != std::string_view::npos) {
      mappedQuery = arn.substr(q + 1);
      arn = arn.substr(0, q);
    }
    auto uri = parseAwsServiceUri(arn);
    if (!uri) return configurationError(ctx, "the integration URI is not an AWS service ARN: " + std::string(arn));
    auto credentials = credentialsFor(ctx, integration.credentials);
    if (!credentials) return credentials.takeError();

    aws::AwsCall call;
    call.service = uri->service;
    call.region = uri->region.empty() ? defaultRegion_ : uri->region;
    call.subdomain = uri->subdomain;
    call.method = ir.method;
    call.headers = std::move(ir.headers);
    call.body = std::move(ir.body);
    call.query = std::string(mappedQuery);
    const ServiceProtocol protocol = protocolOf(uri->service);
    if (uri->action) {
      std::string query;
      if (protocol.kind == ServiceProtocol::kJson) {
        if (!protocol.targetPrefix.empty() && !hasHeader(call.headers, "X-Amz-Target")) {
          call.headers.emplace_back("X-Amz-Target", std::string(protocol.targetPrefix) + "." + uri->actionName);
        }
      } else {
        appendQuery(query, "Action", uri->actionName);
        if (protocol.kind == ServiceProtocol::kQuery) appendQuery(query, "Version", protocol.version);
      }
      for (const auto& [name, value] : uri->actionParams) appendQuery(query, name, value);
      if (!call.query.empty()) query += (query.empty() ? "" : "&") + call.query;
      call.query = std::move(query);
    } else {
      call.path = uri->path;
      if (protocol.kind == ServiceProtocol::kQuery && formHas(call.body, "Action") && !formHas(call.body, "Version")) {
        call.body += "&Version=" + std::string(protocol.version);
      }
    }
    if (!hasHeader(call.headers, "Content-Type") && !call.body.empty()) {
      call.headers.emplace_back("Content-Type",
                                protocol.contentType.empty() ? "application/json" : std::string(protocol.contentType));
    }
    auto prepared = client_.prepare(std::move(call), *credentials);
    if (!prepared) return configurationError(ctx, prepared.error().message);
    ir.url = prepared->url;
    ir.headers.clear();
    for (const auto& field : prepared->request) ir.headers.emplace_back(field.name_string(), field.value());
    ir.body = std::move(prepared->request.body());
    return std::nullopt;
  }

  boost::asio::awaitable<gateway::StageResult> invoke(gateway::RequestContext& ctx) override {
    const auto& ir = ctx.integrationRequest;
    const auto& integration = *ctx.match.method->integration;
    auto url = http::parseHttpUrl(ir.url);
    if (!url) co_return configurationError(ctx, "invalid endpoint " + ir.url);
    aws::PreparedCall call{ir.url, http::UpstreamTarget{url->host, url->port, url->tls}, {}};
    call.request.method_string(ir.method);
    call.request.target(url->target);
    call.request.version(11);
    for (const auto& [k, v] : ir.headers) call.request.insert(k, v);
    call.request.body() = ir.body;
    auto outcome = co_await client_.send(call, ctx.conn.workerIndex, std::chrono::milliseconds(integration.timeoutMs));
    if (!outcome) {
      const http::UpstreamError& err = outcome.error();
      spdlog::info("request {}: AWS integration {} failed: {}", ctx.requestId, ir.url, err.detail);
      if (err.kind == http::UpstreamErrorKind::kTimeout) {
        co_return GatewayError{"INTEGRATION_TIMEOUT", "Endpoint request timed out"};
      }
      co_return GatewayError{"INTEGRATION_FAILURE", "Internal server error"};
    }
    auto& result = ctx.integrationResult;
    http::Response& answer = outcome.value().response;
    result.status = static_cast<int>(answer.result_int());
    for (const auto& field : answer) result.headers.emplace_back(field.name_string(), field.value());
    result.body = std::move(answer.body());
    co_return std::nullopt;
  }

 private:
  /// The integration's keys: the caller's own (arn:aws:iam::*:user/*), a role's, or the default chain's.
  Result<auth::AwsCredentials, GatewayError> credentialsFor(const gateway::RequestContext& ctx,
                                                            const std::string& credentials) const {
    if (credentials == aws::kCallerCredentials) {
      const auto* key = ctx.identity.if_contains("accessKey");
      auto secret = key && key->is_string() ? callers_.secretFor(key->get_string()) : std::nullopt;
      if (!secret) {
        return configurationError(ctx, "credentials arn:aws:iam::*:user/* need a method with AWS_IAM authorization");
      }
      std::string token;
      if (auto it = ctx.request.find("X-Amz-Security-Token"); it != ctx.request.end()) token = it->value();
      return auth::AwsCredentials{std::string(key->get_string()), *secret, token};
    }
    auto keys = chain_.forRole(credentials);
    if (!keys) {
      return configurationError(ctx, "no AWS credentials for " +
                                         (credentials.empty() ? "the integration" : credentials) +
                                         ": map the role with --aws-role-credentials, or give Portico default "
                                         "credentials (AWS_ACCESS_KEY_ID or ~/.aws/credentials)");
    }
    return *keys;
  }

  const aws::AwsClient& client_;
  const aws::AwsCredentialChain& chain_;
  const auth::CredentialSource& callers_;
  std::string defaultRegion_;
};

}  // namespace

std::unique_ptr<Integration> makeAwsServiceIntegration(const aws::AwsClient& client,
                                                       const aws::AwsCredentialChain& credentials,
                                                       const auth::CredentialSource& callers,
                                                       std::string defaultRegion) {
  return std::make_unique<AwsServiceIntegration>(client, credentials, callers, std::move(defaultRegion));
}

}  // namespace portico::integrations
