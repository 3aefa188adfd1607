// TestInvokeAuthorizer: runs a Lambda authorizer (TOKEN or REQUEST) as it is now stored,
// with the headers, path and stage variables given, and reports what it decided.
// https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeAuthorizer.html
#include <boost/json.hpp>
#include <chrono>

#include "auth/iam_policy.h"
#include "common/json_util.h"
#include "common/uri_encoding.h"
#include "control/apigateway/apigateway_context.h"
#include "gateway/lambda_invocation.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

/// The authorizer's Lambda event, built from the test request.
bj::object buildEvent(ApiGatewayContext& ctx, const std::string& apiId, const bj::object& authorizer,
                      const bj::object& body, std::string& token) {
  std::string pathWithQuery = json::strOr(body, "pathWithQueryString", "/");
  std::string path = pathWithQuery.substr(0, pathWithQuery.find('?'));
  std::string query =
      pathWithQuery.find('?') == std::string::npos ? "" : pathWithQuery.substr(pathWithQuery.find('?') + 1);
  std::string arn = auth::methodArn({ctx.region, ctx.accountId, apiId, "test-invoke-stage", "GET", path});
  bj::object headers, multiHeaders, queryParams, multiQuery;
  if (auto* h = json::obj(body, "headers")) headers = *h;
  for (const auto& [k, v] : headers) multiHeaders[k] = bj::array{v};
  for (auto& [k, v] : parseQuery(query)) {
    queryParams[k] = v;
    auto& list = multiQuery[k];
    if (!list.is_array()) list.emplace_array();
    list.get_array().emplace_back(v);
  }
  std::string source = json::strOr(authorizer, "identitySource", "");
  constexpr std::string_view kHeader = "method.request.header.";
  if (std::string_view(source).starts_with(kHeader)) {
    std::string name = source.substr(kHeader.size());
    for (const auto& [k, v] : headers) {
      if (boost::beast::iequals(k, name) && v.is_string()) token = v.get_string();
    }
  }
  if (json::strOr(authorizer, "type", "") == "TOKEN") {
    return bj::object{{"type", "TOKEN"}, {"authorizationToken", token}, {"methodArn", arn}};
  }
  bj::object stageVariables;
  if (auto* s = json::obj(body, "stageVariables")) stageVariables = *s;
  return bj::object{{"type", "REQUEST"},
                    {"methodArn", arn},
                    {"resource", path},
                    {"path", path},
                    {"httpMethod", "GET"},
                    {"headers", headers},
                    {"multiValueHeaders", multiHeaders},
                    {"queryStringParameters", queryParams},
                    {"multiValueQueryStringParameters", multiQuery},
                    {"pathParameters", bj::object()},
                    {"stageVariables", stageVariables},
                    {"requestContext", bj::object{{"apiId", apiId},
                                                  {"stage", "test-invoke-stage"},
                                                  {"accountId", ctx.accountId},
                                                  {"httpMethod", "GET"},
                                                  {"path", path}}}};
}

/// A Cognito authorizer's verdict on the token the test sent: its claims, or 401 with the reason.
boost::asio::awaitable<Result<AdminReply>> testCognito(ApiGatewayContext& ctx, const bj::object& authorizer,
                                                       const std::string& token) {
  if (!ctx.authorization) co_return ApiError::internal("authorizers are not available");
  bj::object out{{"log", ""}, {"latency", 0}, {"authorization", bj::object()}, {"claims", bj::object()}};
  if (token.empty()) {
    out["clientStatus"] = 401;
    out["log"] = "Unauthorized: the identity source is missing";
    co_return AdminReply{200, bj::value(std::move(out))};
  }
  std::vector<std::string> arns;
  if (auto* list = authorizer.if_contains("providerARNs"); list && list->is_array()) {
    for (const auto& a : list->get_array()) {
      if (a.is_string()) arns.emplace_back(a.get_string());
    }
  }
  auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> noScopes;
  const std::string_view tokenView = token;
  Result<bj::object> claims = co_await ctx.authorization->cognitoClaims(arns, tokenView, noScopes);
  out["latency"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (!claims) {
    out["clientStatus"] = 401;
    out["log"] = "Unauthorized: " + claims.error().message;
  } else {
    out["clientStatus"] = 200;
    out["claims"] = std::move(claims).value();
  }
  co_return AdminReply{200, bj::value(std::move(out))};
}

}  // namespace

void registerTestInvokeAuthorizerRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.addAsync(
      verb::post, "restapis/{}/authorizers/{}",
      [&ctx](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
        auto body = call.json();
        if (!body) co_return body.takeError();
        std::optional<bj::object> authorizer;
        {
          std::lock_guard lock(ctx.mu);
          if (auto api = loadApi(ctx, call.params[0]); !api) co_return api.takeError();
          authorizer = loadDoc(ctx, kAuthorizer, call.params[0], call.params[1]);
        }
        if (!authorizer) co_return ApiError::notFound("Invalid authorizer identifier specified");
        std::string type = json::strOr(*authorizer, "type", "");
        std::string token;
        bj::object event = buildEvent(ctx, call.params[0], *authorizer, *body, token);
        if (type == "COGNITO_USER_POOLS") {
          Result<AdminReply> reply = co_await testCognito(ctx, *authorizer, token);
          co_return reply;
        }
        if (!ctx.invoker) co_return ApiError::internal("functions are not available");
        auto function = gateway::functionFromUri(json::strOr(*authorizer, "authorizerUri", ""));
        if (!function) co_return ApiError::badRequest("Invalid Authorizer URI specified");
        bj::object out{{"log", ""}, {"latency", 0}, {"authorization", bj::object()}, {"claims", bj::object()}};
        if (type == "TOKEN" && token.empty()) {
          out["clientStatus"] = 401;
          out["log"] = "Unauthorized: the identity source is missing";
          co_return AdminReply{200, bj::value(std::move(out))};
        }
        functions::InvokeRequest request;
        request.function = *function;
        request.payload = bj::serialize(event);
        request.tailLog = true;
        auto started = std::chrono::steady_clock::now();
        auto result = co_await ctx.invoker->invoke(std::move(request));
        out["latency"] =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        if (!result) {
          out["clientStatus"] = 500;
          out["log"] = "Execution failed due to configuration error: " + result.error().message;
          co_return AdminReply{200, bj::value(std::move(out))};
        }
        out["log"] = result->logTail;
        if (!result->functionError.empty()) {
          auto error = json::parseObject(result->payload);
          bool unauthorized = error && json::strOr(*error, "errorMessage", "") == "Unauthorized";
          out["clientStatus"] = unauthorized ? 401 : 500;
          co_return AdminReply{200, bj::value(std::move(out))};
        }
        auto answer = json::parseObject(result->payload);
        auto* policy = answer ? answer->if_contains("policyDocument") : nullptr;
        auto principal = answer ? json::str(*answer, "principalId") : std::nullopt;
        if (!policy || !principal || !auth::IamPolicy::parse(*policy)) {
          out["clientStatus"] = 500;
          co_return AdminReply{200, bj::value(std::move(out))};
        }
        out["clientStatus"] = 200;
        out["principalId"] = *principal;
        out["policy"] = bj::serialize(*policy);
        if (auto* context = json::obj(*answer, "context")) {
          bj::object authorization;
          for (const auto& [k, v] : *context) {
            authorization[k] = bj::array{v.is_string() ? v : bj::value(bj::serialize(v))};
          }
          out["authorization"] = std::move(authorization);
        }
        co_return AdminReply{200, bj::value(std::move(out))};
      });
}

}  // namespace portico::control::apigateway
