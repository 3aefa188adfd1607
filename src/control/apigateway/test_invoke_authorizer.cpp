// TestInvokeAuthorizer: runs an authorizer as it is now stored, with the headers, path and stage
// variables given, and reports what it decided. A Lambda authorizer (TOKEN or REQUEST) is asked
// and judged by gateway/lambda_authorizer.h, as the data plane asks and judges it.
// https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeAuthorizer.html
#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "auth/iam_policy.h"
#include "common/json_util.h"
#include "common/uri_encoding.h"
#include "control/apigateway/apigateway_context.h"
#include "gateway/integration_request.h"
#include "gateway/lambda_authorizer.h"
#include "gateway/lambda_invocation.h"
#include "gateway/snapshot_compiler.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kTestStage = "test-invoke-stage";

/// The request the test describes: its path, query, headers and stage variables.
struct TestRequest {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  bj::object headers;
  std::map<std::string, std::string> stageVariables;

  explicit TestRequest(const bj::object& body) {
    std::string pathWithQuery = json::strOr(body, "pathWithQueryString", "/");
    auto q = pathWithQuery.find('?');
    path = pathWithQuery.substr(0, q);
    if (q != std::string::npos) query = parseQuery(pathWithQuery.substr(q + 1));
    if (auto* h = json::obj(body, "headers")) headers = *h;
    if (auto* s = json::obj(body, "stageVariables")) {
      for (const auto& [k, v] : *s) {
        if (v.is_string()) stageVariables.emplace(std::string(k), std::string(v.get_string()));
      }
    }
  }

  /// An identity source's value: a header, a query string parameter or a stage variable.
  std::optional<std::string> sourceValue(std::string_view source) const {
    constexpr std::string_view kHeader = "method.request.header.", kQuery = "method.request.querystring.",
                               kStageVar = "stageVariables.";
    std::optional<std::string> out;
    if (source.starts_with(kHeader)) {
      for (const auto& [k, v] : headers) {
        if (boost::beast::iequals(k, source.substr(kHeader.size())) && v.is_string()) out = v.get_string();
      }
    } else if (source.starts_with(kQuery)) {
      for (const auto& [k, v] : query) {
        if (k == source.substr(kQuery.size())) out = v;
      }
    } else if (source.starts_with(kStageVar)) {
      if (auto it = stageVariables.find(std::string(source.substr(kStageVar.size()))); it != stageVariables.end()) {
        out = it->second;
      }
    }
    return out;
  }

  /// What the data plane's proxy event would hold for this request (a GET to the test stage).
  bj::object proxyEvent(ApiGatewayContext& ctx, const std::string& apiId) const {
    bj::object multiHeaders, queryParams, multiQuery, variables;
    for (const auto& [k, v] : headers) multiHeaders[k] = bj::array{v};
    for (const auto& [k, v] : query) {
      queryParams[k] = v;
      auto& list = multiQuery[k];
      if (!list.is_array()) list.emplace_array();
      list.get_array().emplace_back(v);
    }
    for (const auto& [k, v] : stageVariables) variables[k] = v;
    return bj::object{{"resource", path},
                      {"path", path},
                      {"httpMethod", "GET"},
                      {"headers", headers},
                      {"multiValueHeaders", multiHeaders},
                      {"queryStringParameters", queryParams},
                      {"multiValueQueryStringParameters", multiQuery},
                      {"pathParameters", bj::object()},
                      {"stageVariables", variables},
                      {"requestContext", bj::object{{"apiId", apiId},
                                                    {"stage", kTestStage},
                                                    {"accountId", ctx.accountId},
                                                    {"httpMethod", "GET"},
                                                    {"path", path}}}};
  }
};

bj::object emptyResult() {
  return bj::object{{"log", ""}, {"latency", 0}, {"authorization", bj::object()}, {"claims", bj::object()}};
}

AdminReply unauthorized(bj::object out, std::string_view why) {
  out["clientStatus"] = 401;
  out["log"] = "Unauthorized: " + std::string(why);
  return AdminReply{200, bj::value(std::move(out))};
}

/// A Cognito authorizer's verdict on the token the test sent: its claims, or 401 with the reason.
boost::asio::awaitable<Result<AdminReply>> testCognito(ApiGatewayContext& ctx,
                                                       const gateway::CompiledAuthorizer& authorizer,
                                                       const std::string& token) {
  if (!ctx.authorization) co_return ApiError::internal("authorizers are not available");
  if (token.empty()) co_return unauthorized(emptyResult(), "the identity source is missing");
  auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> noScopes;
  const std::string_view tokenView = token;
  Result<bj::object> claims = co_await ctx.authorization->cognitoClaims(authorizer.providerArns, tokenView, noScopes);
  bj::object out = emptyResult();
  out["latency"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (!claims) co_return unauthorized(std::move(out), claims.error().message);
  out["clientStatus"] = 200;
  out["claims"] = std::move(claims).value();
  co_return AdminReply{200, bj::value(std::move(out))};
}

/// The reply for a Lambda authorizer's verdict.
AdminReply lambdaResult(const gateway::AuthorizerVerdict& verdict) {
  bj::object out = emptyResult();
  out["latency"] = verdict.latency.count();
  out["log"] = verdict.logTail;
  switch (verdict.outcome) {
    case gateway::AuthorizerOutcome::kUnauthorized:
      out["clientStatus"] = 401;
      break;
    case gateway::AuthorizerOutcome::kConfigError:
      out["clientStatus"] = 500;
      if (!verdict.invokeError.empty()) {
        out["log"] = "Execution failed due to configuration error: " + verdict.invokeError;
      }
      break;
    case gateway::AuthorizerOutcome::kAnswered: {
      out["clientStatus"] = 200;
      out["principalId"] = verdict.answer->principalId;
      out["policy"] = bj::serialize(verdict.policyDocument);
      if (!verdict.answer->context.empty()) {
        bj::object authorization;
        for (const auto& [k, v] : verdict.answer->context) {
          authorization[k] = bj::array{bj::value(gateway::authorizerValueText(v))};
        }
        out["authorization"] = std::move(authorization);
      }
      break;
    }
  }
  return AdminReply{200, bj::value(std::move(out))};
}

}  // namespace

void registerTestInvokeAuthorizerRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.addAsync(
      verb::post, "restapis/{}/authorizers/{}",
      [&ctx](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
        auto body = call.json();
        if (!body) co_return body.takeError();
        const std::string& apiId = call.params[0];
        std::optional<bj::object> stored;
        {
          std::lock_guard lock(ctx.mu);
          if (auto api = loadApi(ctx, apiId); !api) co_return api.takeError();
          stored = loadDoc(ctx, kAuthorizer, apiId, call.params[1]);
        }
        if (!stored) co_return ApiError::notFound("Invalid authorizer identifier specified");
        const gateway::CompiledAuthorizer authorizer = gateway::compileAuthorizer(*stored);
        const TestRequest test(*body);
        auto identity = gateway::authorizerIdentity(
            authorizer, [&test](std::string_view source) { return test.sourceValue(source); });
        if (authorizer.type == "COGNITO_USER_POOLS") {
          Result<AdminReply> reply = co_await testCognito(ctx, authorizer, identity.token);
          co_return reply;
        }
        if (!ctx.invoker) co_return ApiError::internal("functions are not available");
        auto function = gateway::functionFromUri(gateway::expandUri(authorizer.functionUri, test.stageVariables));
        if (!function) co_return ApiError::badRequest("Invalid Authorizer URI specified");
        if (auto why = gateway::identityRefusal(authorizer, identity)) co_return unauthorized(emptyResult(), *why);

        std::string arn = auth::methodArn({ctx.region, ctx.accountId, apiId, kTestStage, "GET", test.path});
        bj::object event = authorizer.type == "TOKEN" ? gateway::tokenEvent(identity.token, arn)
                                                      : gateway::requestEvent(test.proxyEvent(ctx, apiId), arn);
        functions::InvokeRequest request;
        request.function = *function;
        request.payload = bj::serialize(event);
        request.tailLog = true;
        gateway::AuthorizerVerdict verdict = co_await gateway::invokeAuthorizer(*ctx.invoker, std::move(request));
        co_return lambdaResult(verdict);
      });
}

}  // namespace portico::control::apigateway
